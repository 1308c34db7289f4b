import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadScenario, parseScenario } from './scenario.js';
import { resolveBudgetWatts, simulate } from './simulator.js';
import { bestHeldLimitsServedFraction, bestServedFraction } from './bound.js';
import { createAlgorithm } from '../algorithms/registry.js';
import { REPO_ROOT } from '../../../test/helpers/shared-data.js';

/** Two services whose demand alternates 300/100 out of phase every minute; the autoscaler asks 1 replica per 75. */
function seesaw(budget: number): string {
  const demand = (first: number, second: number) =>
    `[${Array.from({ length: 10 }, (_, k) => `[${60 * k}, ${k % 2 ? second : first}], [${60 * k + 59}, ${k % 2 ? second : first}]`).join(', ')}]`;
  const workload = (name: string, d: string) =>
    `  - {name: ${name}, replicas: 1, maxReplicas: 5, capacityPerReplica: 100, replicaWatts: {idle: 50, perUnit: 1}, readySeconds: 0, demand: ${d}, autoscaler: {targetPerReplica: 75}}`;
  return [
    'seed: 1',
    'durationSeconds: 600',
    'stepSeconds: 60',
    `budget: {watts: ${budget}}`,
    'nodes: [{name: n, idleWatts: 100, maxWatts: 1000}]',
    'workloads:',
    workload('a', demand(300, 100)),
    workload('b', demand(100, 300)),
  ].join('\n');
}

test('held limits: the per-step bound follows the seesaw, limits held for the window cannot', () => {
  const s = parseScenario(seesaw(600), 'seesaw.yaml');
  // Per step: 3 replicas at 300 (450 W) + 1 at 100 (150 W) = 600 W serve all 400 units.
  assert.equal(bestServedFraction(s, 600), 1);
  // Held: (3,1) serves 400 then 200 (a gets 2 replicas at 100, b is held at 1); (3,2) needs 650 W at the
  // first step; (2,2) serves 300 at every step: 0.75 of the demand at best.
  assert.equal(bestHeldLimitsServedFraction(s, 600), 0.75);
  // Holding for one step is the per-step problem with the autoscaler's replica count (4 replicas for 300 at 75 each).
  assert.ok((bestHeldLimitsServedFraction(s, 600, 60) as number) >= 0.75);
});

test('held limits: the flapping fixture is below its per-step bound; on steady load both agree', () => {
  const dir = join(REPO_ROOT, 'test/fixtures/capping');
  const flapping = loadScenario(join(dir, 'flapping-near-threshold.yaml'));
  const steady = loadScenario(join(dir, 'steady-over-budget.yaml'));
  const f = bestHeldLimitsServedFraction(flapping, resolveBudgetWatts(flapping)) as number;
  assert.ok(f < bestServedFraction(flapping, resolveBudgetWatts(flapping)) - 0.05, `held ${f}`);
  assert.equal(bestHeldLimitsServedFraction(steady, resolveBudgetWatts(steady)), bestServedFraction(steady, resolveBudgetWatts(steady)));
});

test('held limits: not computed when there are too many limit combinations', () => {
  const many = [
    'seed: 1',
    'durationSeconds: 60',
    'stepSeconds: 15',
    'budget: {watts: 1000}',
    'nodes: [{name: n, idleWatts: 1, maxWatts: 10}]',
    'workloads:',
  ];
  for (let i = 0; i < 6; i++)
    many.push(
      `  - {name: w${i}, replicas: 1, maxReplicas: 10, capacityPerReplica: 1, replicaWatts: {idle: 1, perUnit: 1}, readySeconds: 0, demand: [[0, 1]], autoscaler: {targetPerReplica: 1}}`,
    );
  assert.equal(bestHeldLimitsServedFraction(parseScenario(many.join('\n'), 'many.yaml'), 1000), undefined);
});

test('on the flapping fixture every built-in but naive serves within 2 % of the best with held limits, without flapping', async () => {
  const s = loadScenario(join(REPO_ROOT, 'test/fixtures/capping/flapping-near-threshold.yaml'));
  const held = bestHeldLimitsServedFraction(s, resolveBudgetWatts(s)) as number;
  for (const name of ['proportional', 'priority', 'efficiency', 'forecast']) {
    const { summary } = await simulate(s, createAlgorithm(name), { perTargetSeries: false });
    assert.ok(summary.demandServedFraction >= 0.98 * held, `${name}: ${summary.demandServedFraction} vs held ${held}`);
    assert.ok(summary.maxFlapsPerTargetPer10Min <= 1, `${name}: ${summary.maxFlapsPerTargetPer10Min} flaps`);
    assert.equal(summary.wattSecondsOverBudgetAfterSettle, 0);
  }
});
