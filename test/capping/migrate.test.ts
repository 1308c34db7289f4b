/**
 * Migrate destinations ranked by the estimator's per-node cost curves: a real `powerplane estimator`
 * (WAO's Fake predictor: worker 10 W per core, worker2 20 W per core, control-plane takes no workloads)
 * answers the operator's controller, which writes the ranking to the policy's status for the admission
 * plug-in.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createServer } from '../../src/core/server.js';
import { silentLogger } from '../../src/core/logger.js';
import { loadConfig } from '../../src/core/config.js';
import { createEstimatorComponent } from '../../src/estimator/component.js';
import { EstimatorNodeCosts, podCpuMilli, preferredNodes } from '../../src/operator/capping/node-costs.js';
import type { CappingAlgorithm, CappingState } from '../../src/capping/algorithm/types.js';
import type { PowerCapPolicy } from '../../src/api/v1alpha1/powercappolicy.js';
import type { SeedObject } from '../fake-apiserver/index.js';
import { deploymentWithPods, scaledObject } from './fixtures.js';
import { createPolicy, setWatts, startCapping } from './setup.js';

const FAKE_NODES = join(import.meta.dirname, '..', 'dashboard', 'fixtures', 'wao-fake-nodes.yaml');

async function startEstimator() {
  const { config } = loadConfig({ defaults: { 'estimator.configFile': FAKE_NODES } });
  const ctx = { config, log: silentLogger(), selfUrl: () => '' };
  const server = await createServer({ log: silentLogger(), components: [await createEstimatorComponent(ctx)] });
  const url = await server.listen('127.0.0.1:0');
  return { url, close: () => server.close() };
}

/** PowerNodes as the operator sees them: worker2 has the most headroom, which the estimator's curves overrule. */
const POWER_NODES = [
  { name: 'worker', watts: 300, headroomWatts: 100 },
  { name: 'worker2', watts: 120, headroomWatts: 500 },
  { name: 'n1', watts: 400, headroomWatts: 50 },
];

test('EstimatorNodeCosts reads the watts one pod adds per node from the estimator; the ranking follows them', async (t) => {
  const est = await startEstimator();
  t.after(() => est.close());
  const costs = await new EstimatorNodeCosts({ url: est.url, estimator: 'default/default' }).addedWatts(500);
  // Fake predictor: 10 W per core on worker, 20 on worker2; control-plane's predictor is None (+Inf).
  assert.deepEqual(Object.fromEntries(costs), { 'control-plane': Infinity, worker: 5, worker2: 10 });
  const pods = [{ name: 'p0', node: 'n1' }];
  assert.deepEqual(preferredNodes(POWER_NODES, [{ pod: 'p0' }], { pods }, costs), ['worker', 'worker2']);
  // Without the estimator's figures: PowerNode headroom (what Migrate ranked by before).
  assert.deepEqual(preferredNodes(POWER_NODES, [{ pod: 'p0' }], { pods }), ['worker2', 'worker']);
  // A node an algorithm names comes first; the node a moved pod leaves never appears.
  assert.deepEqual(preferredNodes(POWER_NODES, [{ pod: 'p0', toNode: 'worker2' }], { pods: [{ name: 'p0', node: 'worker' }] }, costs), [
    'worker2',
    'n1',
  ]);
  await assert.rejects(new EstimatorNodeCosts({ url: est.url, estimator: 'default/nope' }).addedWatts(500), /answered HTTP 404/);
});

test("podCpuMilli sums the template containers' CPU requests; none without requests", () => {
  const w = (containers: unknown[]) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'x' },
    spec: { template: { spec: { containers } } },
  });
  assert.equal(podCpuMilli(w([{ resources: { requests: { cpu: '250m' } } }, { resources: { requests: { cpu: '1' } } }])), 1250);
  assert.equal(podCpuMilli(w([{ name: 'main' }])), undefined);
  assert.equal(podCpuMilli(undefined), undefined);
});

test('a Migrate decision: the status prefers the nodes where the pod adds the fewest watts, by the estimator', async (t) => {
  const est = await startEstimator();
  t.after(() => est.close());
  const seed = deploymentWithPods('llm', 'llama', 2) as Array<
    SeedObject & { spec?: { template?: { spec?: { containers: Array<Record<string, unknown>> } } } }
  >;
  for (const o of seed) if (o.kind === 'Deployment') o.spec!.template!.spec!.containers[0].resources = { requests: { cpu: '500m' } };
  // An algorithm (a plug-in would do the same) that moves the first pod of every target.
  const mover: CappingAlgorithm = {
    name: 'mover',
    decide: (s: CappingState) => ({
      replicas: s.targets.map((x) => ({ target: x.id, maxReplicas: x.replicas, reason: 'mover: keep the replicas, move one pod' })),
      pods: s.targets.flatMap((x) =>
        (x.pods ?? [])
          .slice(0, 1)
          .map((p) => ({ target: x.id, pod: p.name, action: 'Migrate' as const, reason: 'mover: to a node where it adds fewer watts' })),
      ),
    }),
  };
  const s = await startCapping({
    seed: [...seed, scaledObject('llm', 'llama', 'llama', 10)],
    algorithm: async () => mover,
    nodes: () => POWER_NODES,
    nodeCosts: new EstimatorNodeCosts({ url: est.url, estimator: 'default/default' }),
  });
  t.after(() => s.stop());
  setWatts(s.agent, ['llama-5d4f8-p0', 'llama-5d4f8-p1'], 300);
  await createPolicy(s.kube, 'cap', {
    mode: 'Enforce',
    actions: ['Migrate'],
    targets: [{ kind: 'ScaledObject', name: 'llama' }],
    budget: { watts: 400 },
  });
  const policy = (await s.round('llm/cap')) as PowerCapPolicy;
  const rec = policy.status?.targets?.[0].recommendation;
  assert.deepEqual(rec?.migrate, ['llama-5d4f8-p0'], JSON.stringify(policy.status));
  // worker adds 5 W, worker2 10 W (though it has the most PowerNode headroom), control-plane cannot take it;
  // n1, which the moved pod leaves, is not preferred.
  assert.deepEqual(rec?.preferredNodes, ['worker', 'worker2']);
});
