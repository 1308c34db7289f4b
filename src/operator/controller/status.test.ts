import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setCondition, availableCondition, aggregatePowerNodes, mergeAgentDaemonSets, daemonSetCounts } from './status.js';
import type { PowerNode } from '../../api/v1alpha1/powernode.js';

test('setCondition keeps lastTransitionTime while the status is unchanged and records observedGeneration', () => {
  const t1 = '2026-01-01T00:00:00Z';
  const t2 = '2026-01-02T00:00:00Z';
  let c = setCondition(undefined, { type: 'Reconciled', status: 'True', reason: 'ReconcileSuccess', message: 'ok' }, 1, t1);
  c = setCondition(c, { type: 'Reconciled', status: 'True', reason: 'ReconcileSuccess', message: 'ok again' }, 2, t2);
  assert.deepEqual(c, [
    { type: 'Reconciled', status: 'True', reason: 'ReconcileSuccess', message: 'ok again', observedGeneration: 2, lastTransitionTime: t1 },
  ]);
  c = setCondition(c, { type: 'Reconciled', status: 'False', reason: 'ReconcileError', message: 'x' }, 3, t2);
  assert.equal(c[0].lastTransitionTime, t2);
  c = setCondition(c, { type: 'Available', status: 'True', reason: 'DaemonSetReady', message: '' }, 3, t2);
  assert.deepEqual(
    c.map((x) => x.type),
    ['Available', 'Reconciled'],
  );
});

test('Available follows the DaemonSet counters', () => {
  const ds = (status: Record<string, number>, generation = 1) => ({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'a', generation },
    status: { observedGeneration: 1, ...status },
  });
  assert.equal(availableCondition(undefined).reason, 'DaemonSetNotFound');
  assert.equal(availableCondition(ds({}, 2)).reason, 'DaemonSetOutOfSync');
  assert.equal(availableCondition(ds({ desiredNumberScheduled: 0 })).reason, 'DaemonSetPodsNotRunning');
  assert.equal(availableCondition(ds({ desiredNumberScheduled: 3, numberReady: 3, updatedNumberScheduled: 2 })).reason, 'DaemonSetRolloutInProgress');
  assert.equal(
    availableCondition(ds({ desiredNumberScheduled: 3, numberReady: 3, updatedNumberScheduled: 3, numberAvailable: 2 })).status,
    'Unknown',
  );
  const ok = availableCondition(ds({ desiredNumberScheduled: 3, numberReady: 3, updatedNumberScheduled: 3, numberAvailable: 3 }));
  assert.deepEqual([ok.status, ok.reason], ['True', 'DaemonSetReady']);
});

test('PowerNodes aggregate into node counts, watts and per-metric states', () => {
  const pn = (
    name: string,
    source: 'measured' | 'estimated',
    watts: number,
    metrics: Record<string, 'enabled' | 'disabled' | 'unavailable'>,
  ): PowerNode => ({
    apiVersion: 'powerplane.io/v1alpha1',
    kind: 'PowerNode',
    metadata: { name },
    status: {
      nodeName: name,
      meter: 'rapl',
      source,
      zones: [],
      watts,
      agentVersion: 'v',
      lastUpdate: '',
      capabilities: { meters: [], platform: false, gpus: 0, metricLevels: [] },
      metrics,
    },
  });
  const agg = aggregatePowerNodes([
    pn('a', 'measured', 10, { cpu: 'enabled', gpu: 'disabled' }),
    pn('b', 'estimated', 5.25, { cpu: 'enabled', gpu: 'disabled', rapl: 'unavailable' }),
  ]);
  assert.deepEqual(agg.nodes, { total: 2, measured: 1, estimated: 1, watts: 15.3 });
  assert.deepEqual(agg.metrics, {
    cpu: { state: 'enabled', enabled: 2, disabled: 0, unavailable: 0 },
    gpu: { state: 'disabled', enabled: 0, disabled: 2, unavailable: 0 },
    rapl: { state: 'unavailable', enabled: 0, disabled: 0, unavailable: 1 },
  });
  assert.deepEqual(aggregatePowerNodes([]).nodes, { total: 0, measured: 0, estimated: 0, watts: 0 });
});

test('the plain and the GPU agent DaemonSets count as one agent', () => {
  const ds = (status: Record<string, number>, generation = 1) => ({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'a', generation },
    status: { observedGeneration: 1, ...status },
  });
  const full = (n: number) => ({
    desiredNumberScheduled: n,
    numberReady: n,
    updatedNumberScheduled: n,
    numberAvailable: n,
    currentNumberScheduled: n,
  });
  assert.equal(mergeAgentDaemonSets(undefined, undefined), undefined);
  const plain = ds(full(5));
  assert.equal(mergeAgentDaemonSets(plain, undefined), plain);
  const both = mergeAgentDaemonSets(plain, ds(full(2)));
  assert.equal(daemonSetCounts(both).numberReady, 7);
  assert.deepEqual([availableCondition(both).status, availableCondition(both).message], ['True', '7 agent pods ready']);
  assert.equal(availableCondition(mergeAgentDaemonSets(plain, ds(full(2), 2))).reason, 'DaemonSetOutOfSync', 'the GPU DaemonSet not yet observed');
  assert.equal(availableCondition(mergeAgentDaemonSets(plain, ds({ ...full(2), numberReady: 1, numberAvailable: 1 }))).status, 'Unknown');
});
