import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildEstimator } from '../build.js';
import { EstimatorRegistry } from '../registry.js';
import { silentLogger } from '../../core/logger.js';
import { SchedulerExtender, type WorkloadPods } from './extender.js';
import { ExtenderMetrics } from './metrics.js';

const SETTINGS = { estimator: 'default/default', policy: 'watts' as const, defaultCpuMilli: 100, spreadMaxPerNode: 1, maxInletTemperature: 27, deadlineMs: 800 };
const node = (name: string, wpc: number) => ({ name, labels: { 'waofed.bitmedia.co.jp/fakepcp.basewatts': '100', 'waofed.bitmedia.co.jp/fakepcp.wpc': String(wpc) }, allocatableMilli: 8000 });
const pod = (annotations: Record<string, string> = {}) => ({
  metadata: { name: 'web-abc12-x', namespace: 'ns', uid: 'u', labels: { 'pod-template-hash': 'abc12' }, annotations, ownerReferences: [{ kind: 'ReplicaSet', name: 'web-abc12', controller: true }] },
  spec: { containers: [{ name: 'c', resources: { requests: { cpu: '1' } } }] },
});

test('spread: nodes at the per-workload cap are filtered and scored 0; the annotation raises the cap', async () => {
  const registry = new EstimatorRegistry();
  registry.set(await buildEstimator('default', 'default', { defaultNodeConfig: { powerConsumptionPredictor: { type: 'Fake' } } }, [node('cheap', 10), node('mid', 20), node('costly', 40)], {}));
  const running: WorkloadPods = { count: (w, n) => (w === 'Deployment/ns/web' && n === 'cheap' ? 1 : 0) };
  const ext = new SchedulerExtender(registry, { ...SETTINGS, policy: 'spread' }, new ExtenderMetrics(), silentLogger(), running);
  const args = (p: object) => ({ Pod: p, NodeNames: ['cheap', 'mid', 'costly'] });
  const f = await ext.filter(args(pod()), {});
  assert.deepEqual(f.NodeNames, ['mid', 'costly']);
  assert.match(f.FailedNodes.cheap, /1 pod\(s\) of this workload already on the node \(at most 1\)/);
  assert.deepEqual(await ext.prioritize(args(pod()), {}), [{ Host: 'cheap', Score: 0 }, { Host: 'mid', Score: 10 }, { Host: 'costly', Score: 0 }]);
  assert.deepEqual(await ext.prioritize(args(pod({ 'powerplane.io/spread-max-per-node': '2' })), {}), [{ Host: 'cheap', Score: 10 }, { Host: 'mid', Score: 7 }, { Host: 'costly', Score: 0 }]);
  // the default policy ignores the counts
  const watts = new SchedulerExtender(registry, SETTINGS, new ExtenderMetrics(), silentLogger(), running);
  assert.deepEqual((await watts.filter(args(pod()), {})).NodeNames, ['cheap', 'mid', 'costly']);
  assert.equal(ext.metrics.count('filter', 'ok'), 1);
  registry.stop();
});
