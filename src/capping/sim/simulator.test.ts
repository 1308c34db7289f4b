import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseScenario, loadScenario } from './scenario.js';
import { simulate } from './simulator.js';
import { bestServedFraction, servableAt } from './bound.js';
import { createAlgorithm } from '../algorithms/registry.js';
import { ERR_CAPPING_INVALID_SCENARIO } from '../errors.js';
import { ERR_MALFORMED_FILE } from '../../core/errors.js';
import { REPO_ROOT } from '../../../test/helpers/shared-data.js';

const tiny = (budget: number, extra = '') => `
seed: 4
durationSeconds: 300
stepSeconds: 15
budget: {watts: ${budget}}
noise: {wattsFraction: 0}
nodes: [{name: n, idleWatts: 100, maxWatts: 1000}]
workloads:
  - name: web
    replicas: 2
    maxReplicas: 10
    capacityPerReplica: 100
    replicaWatts: {idle: 50, perUnit: 1}
    readySeconds: 0
    demand: [[0, 400], [300, 400]]
    autoscaler: {targetPerReplica: 100}
${extra}`;

test('with an ample budget every load unit is served and power follows the replica model', async () => {
  const r = await simulate(parseScenario(tiny(10_000), 't.yaml'), createAlgorithm('proportional'));
  // the autoscaler asks for 4 replicas (ready at once): they serve 400, drawing 4×50 + 400×1 = 600 W
  assert.deepEqual(new Set(r.series.watts), new Set([600]));
  assert.deepEqual(r.series.targets.web.replicas, new Array(20).fill(4));
  assert.equal(r.summary.wattSecondsOverBudget, 0);
  assert.equal(r.summary.demandServedFraction, 1);
  assert.equal(r.summary.workPerJoule, Math.round((400 / 600) * 1e5) / 1e5);
});

test('a tight budget bounds the replicas: 450 W allows 3 replicas at capacity (150 W each)', async () => {
  const r = await simulate(parseScenario(tiny(450), 't.yaml'), createAlgorithm('proportional'));
  assert.ok(
    r.series.targets.web.limit.slice(1).every((l) => l === 3),
    JSON.stringify(r.series.targets.web.limit),
  );
  assert.equal(r.series.watts[0], 600); // before the capper's first step
  assert.ok(
    r.series.watts.slice(1).every((w) => w === 450),
    JSON.stringify(r.series.watts),
  );
  assert.equal(servableAt(parseScenario(tiny(450), 't.yaml'), 0, 450), 300);
});

test('same scenario and seed → same output; another seed → another noise', async () => {
  const file = join(REPO_ROOT, 'test/fixtures/capping/two-tenants-priority.yaml');
  const a = await simulate(loadScenario(file), createAlgorithm('efficiency'));
  const b = await simulate(loadScenario(file), createAlgorithm('efficiency'));
  assert.deepEqual(a, b);
  const other = loadScenario(file);
  other.seed = 99;
  const c = await simulate(other, createAlgorithm('efficiency'));
  assert.notDeepEqual(c.series.watts, a.series.watts);
});

test('the best-possible bound is exact on a hand case', () => {
  // 450 W, demand 400: 3 replicas at capacity (450 W) serve 300; 4 replicas would need 600 W
  const s = parseScenario(tiny(450), 't.yaml');
  assert.equal(bestServedFraction(s, 450), 300 / 400);
});

test('percentOfPeak resolves against the uncapped run', async () => {
  const s = parseScenario(tiny(1).replace('budget: {watts: 1}', 'budget: {percentOfPeak: {percent: 50}}'), 't.yaml');
  const r = await simulate(s, createAlgorithm('naive'));
  assert.equal(r.summary.budgetWatts, 300); // uncapped peak 600 W
});

test('scenario errors name the file, line and field', () => {
  const cases: Array<[string, string]> = [
    [tiny(100).replace('stepSeconds: 15', 'stepSeconds: -1'), 'stepSeconds'],
    [tiny(100).replace('maxReplicas: 10', 'maxReplicas: 10\n    minReplicas: 11'), 'workloads[0].minReplicas'],
    [tiny(100).replace('[[0, 400], [300, 400]]', '[[10, 400], [5, 400]]'), 'workloads[0].demand[1]'],
    [tiny(100).replace('seed: 4', 'seed: 4\nthresholds: {act: 0.5, release: 0.8}'), 'thresholds.release'],
    [tiny(100).replace('readySeconds: 0', 'readySeconds: 0\n    colour: red'), 'workloads[0].colour'],
  ];
  for (const [text, field] of cases) {
    assert.throws(
      () => parseScenario(text, 'bad.yaml'),
      (e) => ERR_CAPPING_INVALID_SCENARIO.is(e) && e.details.field === field && e.details.path === 'bad.yaml' && typeof e.details.line === 'number',
      field,
    );
  }
  assert.throws(
    () => parseScenario('seed: [', 'bad.yaml'),
    (e) => ERR_MALFORMED_FILE.is(e) && e.details.path === 'bad.yaml',
  );
});
