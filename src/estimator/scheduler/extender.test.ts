import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildEstimator } from '../build.js';
import { EstimatorRegistry } from '../registry.js';
import { silentLogger } from '../../core/logger.js';
import { SchedulerExtender } from './extender.js';
import { ExtenderMetrics } from './metrics.js';
import { PodCounts } from './pod-counts.js';

const SETTINGS = {
  estimator: 'default/default',
  policy: 'watts' as const,
  defaultCpuMilli: 100,
  spreadMaxPerNode: 1,
  maxInletTemperature: 27,
  deadlineMs: 800,
};
const node = (name: string, wpc: number) => ({
  name,
  labels: { 'waofed.bitmedia.co.jp/fakepcp.basewatts': '100', 'waofed.bitmedia.co.jp/fakepcp.wpc': String(wpc) },
  allocatableMilli: 8000,
});
const pod = (uid: string, annotations: Record<string, string> = {}, nodeName?: string) => ({
  metadata: {
    name: `web-abc12-${uid}`,
    namespace: 'ns',
    uid,
    labels: { 'pod-template-hash': 'abc12' },
    annotations,
    ownerReferences: [{ kind: 'ReplicaSet', name: 'web-abc12', controller: true }],
  },
  spec: { containers: [{ name: 'c', resources: { requests: { cpu: '1' } } }], ...(nodeName ? { nodeName } : {}) },
  status: { phase: nodeName ? 'Running' : 'Pending' },
});

async function registry(): Promise<EstimatorRegistry> {
  const r = new EstimatorRegistry();
  r.set(
    await buildEstimator(
      'default',
      'default',
      { defaultNodeConfig: { powerConsumptionPredictor: { type: 'Fake' } } },
      [node('cheap', 10), node('mid', 20), node('costly', 40)],
      {},
    ),
  );
  return r;
}
const args = (p: object) => ({ Pod: p, NodeNames: ['cheap', 'mid', 'costly'] });

test('spread: nodes at the per-workload cap are filtered and scored 0; the annotation raises the cap', async () => {
  const reg = await registry();
  const counts = new PodCounts();
  counts.upsert(pod('running', {}, 'cheap'));
  const ext = new SchedulerExtender(reg, { ...SETTINGS, policy: 'spread' }, new ExtenderMetrics(), silentLogger(), { workloadPods: counts });
  const f = await ext.filter(args(pod('new')), {});
  assert.deepEqual(f.NodeNames, ['mid', 'costly']);
  assert.match(f.FailedNodes.cheap, /1 pod\(s\) of this workload already on the node \(at most 1\)/);
  assert.deepEqual(await ext.prioritize(args(pod('new')), {}), [
    { Host: 'cheap', Score: 0 },
    { Host: 'mid', Score: 10 },
    { Host: 'costly', Score: 0 },
  ]);
  assert.deepEqual(await ext.prioritize(args(pod('new', { 'powerplane.io/spread-max-per-node': '2' })), {}), [
    { Host: 'cheap', Score: 10 },
    { Host: 'mid', Score: 7 },
    { Host: 'costly', Score: 0 },
  ]);
  // the running pod terminates: the node is free again
  counts.upsert({ ...pod('running', {}, 'cheap'), status: { phase: 'Succeeded' } });
  assert.deepEqual((await ext.filter(args(pod('new')), {})).NodeNames, ['cheap', 'mid', 'costly']);
  // the default policy ignores the counts
  counts.upsert(pod('running', {}, 'cheap'));
  const watts = new SchedulerExtender(reg, SETTINGS, new ExtenderMetrics(), silentLogger(), { workloadPods: counts });
  assert.deepEqual((await watts.filter(args(pod('new')), {})).NodeNames, ['cheap', 'mid', 'costly']);
  assert.equal(ext.metrics.count('filter', 'ok'), 2);
  reg.stop();
});

test('bound-node metric: the watts predicted on the node the pod was bound to, from its last prioritize call', async () => {
  const reg = await registry();
  const metrics = new ExtenderMetrics();
  let ext: SchedulerExtender | undefined;
  const counts = new PodCounts((uid, n) => ext?.bound(uid, n));
  ext = new SchedulerExtender(reg, SETTINGS, metrics, silentLogger(), { workloadPods: counts });
  const scored = await ext.prioritize(args(pod('p1')), {});
  assert.deepEqual(
    scored.map((h) => h.Score),
    [10, 7, 0],
  );
  counts.upsert(pod('p1')); // pending: no node yet
  assert.match(metrics.render(), /powerplane_scheduler_bound_node_added_watts_count 0\n/);
  // kube-scheduler's own plugins chose "costly" (40 W per core), not the top-scored "cheap" (10 W)
  counts.upsert(pod('p1', {}, 'costly'));
  assert.match(metrics.render(), /powerplane_scheduler_bound_node_added_watts_sum 40\n/);
  assert.match(metrics.render(), /powerplane_scheduler_bound_node_added_watts_count 1\n/);
  // a pod the extender never scored, and the same pod seen again, record nothing
  counts.upsert(pod('other', {}, 'cheap'));
  counts.upsert({ ...pod('p1', {}, 'costly'), status: { phase: 'Running', podIP: '10.0.0.9' } });
  assert.match(metrics.render(), /powerplane_scheduler_bound_node_added_watts_count 1\n/);
  // without a cluster nothing is remembered or recorded
  const alone = new SchedulerExtender(reg, SETTINGS, new ExtenderMetrics(), silentLogger());
  await alone.prioritize(args(pod('p2')), {});
  alone.bound('p2', 'cheap');
  assert.match(alone.metrics.render(), /powerplane_scheduler_bound_node_added_watts_count 0\n/);
  reg.stop();
});
