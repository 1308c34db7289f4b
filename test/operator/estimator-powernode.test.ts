import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness } from './harness.js';
import { startPowerNodeWriter, statusChanged } from '../../src/agent/powernode/writer.js';
import { silentLogger } from '../../src/core/logger.js';
import type { AgentHandle, CapabilitiesView, NodeView } from '../../src/core/contracts.js';
import { OperatorManager } from '../../src/operator/controller/manager.js';

const caps: CapabilitiesView = {
  nodeName: 'node-a',
  version: '0.1.0',
  meters: [
    { name: 'rapl', available: true, zones: ['package', 'dram'] },
    { name: 'hwmon', available: false, reason: 'no power sensors' },
  ],
  chosenMeter: { name: 'rapl', estimated: false },
  zones: ['package', 'dram'],
  platform: { available: false, reason: 'none' },
  gpus: { available: false, count: 0 },
  metricLevels: ['node', 'pod'],
  metrics: { rapl: 'enabled', gpu: 'unavailable', platform: 'disabled' },
  kube: { enabled: true, podSource: 'kubelet' },
  cgroupVersion: 2,
};
function handle(watts: () => number): AgentHandle {
  const node = (): NodeView => ({
    nodeName: 'node-a',
    timestamp: 0,
    intervalSeconds: 5,
    meter: { name: 'rapl', estimated: false },
    zones: [
      { zone: 'package', path: 'p', joulesTotal: 0, activeJoulesTotal: 0, idleJoulesTotal: 0, watts: watts(), activeWatts: 0, idleWatts: 0 },
      { zone: 'dram', path: 'd', joulesTotal: 0, activeJoulesTotal: 0, idleJoulesTotal: 0, watts: 1, activeWatts: 0, idleWatts: 0 },
    ],
    watts: watts(),
    activeWatts: 0,
    idleWatts: 0,
    busyRatio: 0.1,
    cpus: 4,
    gpus: [],
  });
  return {
    node,
    capabilities: () => caps,
    workloads: () => {
      throw new Error('unused');
    },
    localNodeModel: () => {
      throw new Error('unused');
    },
    onRefresh: () => () => undefined,
  };
}

test('the PowerNode writer applies its node status, owned by the Node; small watt changes are not written', async () => {
  const h = await startHarness({ start: false });
  try {
    h.api.store.seed({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a' } });
    let watts = 42;
    const w = startPowerNodeWriter({ kube: h.kube, nodeName: 'node-a', handle: handle(() => watts), log: silentLogger(), intervalMs: 3_600_000 });
    await w.flush();
    const pn = h.api.store.get('powerplane.io/v1alpha1', 'PowerNode', 'node-a')!;
    const s = pn.status as Record<string, any>;
    assert.deepEqual([s.meter, s.source, s.watts, s.agentVersion], ['rapl', 'measured', 42, '0.1.0']);
    assert.deepEqual(s.zones, ['package', 'dram']);
    assert.equal(s.capabilities.meters[1].reason, 'no power sensors');
    assert.equal(pn.metadata.ownerReferences?.[0].kind, 'Node');
    h.api.writes.reset();
    watts = 42.5;
    await w.flush();
    assert.equal(h.api.writes.total(), 0, 'a 0.5 W change is not worth a write');
    watts = 80;
    await w.flush();
    assert.equal((h.api.store.get('powerplane.io/v1alpha1', 'PowerNode', 'node-a')!.status as { watts: number }).watts, 80);
    w.stop();
  } finally {
    await h.stop();
  }
});

test('statusChanged: structure changes always count, watts only beyond 5 % and 1 W', () => {
  const base = {
    nodeName: 'n',
    meter: 'rapl',
    source: 'measured' as const,
    zones: [],
    watts: 100,
    agentVersion: 'v',
    lastUpdate: 't1',
    capabilities: { meters: [], platform: false, gpus: 0, metricLevels: [] },
    metrics: {},
  };
  assert.ok(!statusChanged(base, { ...base, watts: 104, lastUpdate: 't2' }, false));
  assert.ok(statusChanged(base, { ...base, watts: 106 }, false));
  assert.ok(statusChanged(base, { ...base, meter: 'model' }, false));
  assert.ok(statusChanged(base, base, true));
});

test('Estimator status: nodes seen, per-monitor errors, conditions', async () => {
  const h = await startHarness();
  try {
    h.api.store.seed(
      { apiVersion: 'powerplane.io/v1alpha1', kind: 'PowerNode', metadata: { name: 'n1' } },
      { apiVersion: 'powerplane.io/v1alpha1', kind: 'PowerNode', metadata: { name: 'n2' } },
    );
    await h.kube.create({
      apiVersion: 'powerplane.io/v1alpha1',
      kind: 'Estimator',
      metadata: { name: 'default', namespace: 'default' },
      spec: {
        defaultNodeConfig: { nodeMonitor: { agents: [{ type: 'Fake' }] }, powerConsumptionPredictor: { type: 'MLServer' } },
        nodeConfigOverrides: { ghost: { nodeMonitor: { agents: [{ type: 'Redfish', endpoint: 'not a url' }] } } },
      },
    });
    await h.settle();
    const s = h.api.store.get('powerplane.io/v1alpha1', 'Estimator', 'default', 'default')!.status as Record<string, any>;
    assert.equal(s.nodesSeen, 2);
    assert.match(s.lastRefresh, /^\d{4}-\d\d-\d\dT/);
    assert.deepEqual(
      s.errors.map((e: { node: string; monitor: string }) => `${e.node}:${e.monitor}`),
      ['*:MLServer', 'ghost:override', 'ghost:Redfish'],
    );
    const available = s.conditions.find((c: { type: string }) => c.type === 'Available');
    assert.equal(available.reason, 'MonitorErrors');
    assert.match(available.message, /serves estimates for the cluster's Nodes \(Node objects\); 2 nodes run a powerplane agent \(PowerNodes\)/);
    await h.kube.create({ apiVersion: 'powerplane.io/v1alpha1', kind: 'Estimator', metadata: { name: 'plain', namespace: 'default' }, spec: {} });
    await h.settle();
    const plain = (h.api.store.get('powerplane.io/v1alpha1', 'Estimator', 'plain', 'default')!.status as Record<string, any>).conditions.find(
      (c: { type: string }) => c.type === 'Available',
    );
    assert.deepEqual([plain.status, plain.reason], ['True', 'ServingNodes'], 'available without errors: it serves from Nodes, agents or not');
    h.api.writes.reset();
    await h.kube.mergePatch({ apiVersion: 'powerplane.io/v1alpha1', kind: 'Estimator' }, 'default', 'default', {
      metadata: { labels: { touched: 'yes' } },
    });
    await h.settle();
    assert.equal(h.api.writes.total(), 1, 'only the label patch: an unchanged status is not rewritten');
  } finally {
    await h.stop();
  }
});

test('leader election: of two replicas only one runs controllers; when it stops, the other takes over', async () => {
  const h = await startHarness({ start: false });
  h.api.store.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'powerplane-system' } });
  const mk = (identity: string) =>
    new OperatorManager({
      kube: h.kube,
      log: silentLogger(),
      namespace: 'powerplane-system',
      image: 'i',
      dashboards: [],
      leaderElect: true,
      identity,
      lease: { durationSeconds: 1, retryPeriodMs: 100, renewDeadlineMs: 800 },
    });
  const a = mk('a');
  const b = mk('b');
  try {
    await a.start();
    const until = async (f: () => boolean) => {
      for (let i = 0; i < 200 && !f(); i++) await new Promise((r) => setTimeout(r, 25));
      return f();
    };
    assert.ok(await until(() => a.leading));
    await b.start();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(b.leading, false, 'the second replica stands by');
    await a.stop();
    assert.ok(await until(() => b.leading), 'the standby takes over');
    const lease = h.api.store.get('coordination.k8s.io/v1', 'Lease', 'powerplane-operator-leader', 'powerplane-system')!;
    assert.equal((lease.spec as { holderIdentity: string }).holderIdentity, 'b');
  } finally {
    await b.stop();
    await h.stop();
  }
});
