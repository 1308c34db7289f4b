import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capState, capTarget } from '../../../test/helpers/capping.js';
import { naiveDecide } from './naive.js';
import { proportionalDecide } from './proportional.js';
import { priorityDecide } from './priority.js';
import { efficiencyDecide } from './efficiency.js';
import { createForecast, forecastTarget, trendSlope } from './forecast.js';
import { createAlgorithm, listAlgorithms } from './registry.js';
import { replicaCosts } from './shared.js';
import { ERR_CAPPING_INVALID_PARAMETERS, ERR_CAPPING_UNKNOWN_ALGORITHM } from '../errors.js';
import type { CappingDecisions } from '../algorithm/types.js';

const limits = (d: CappingDecisions) => d.replicas.map((r) => r.maxReplicas);

test('naive: floor(budget / deployment watts) × replicas, 1 without data, 0 when one deployment exceeds the budget', () => {
  const s = capState([
    capTarget('a', { replicas: 4, wattsPerReplica: { p50: 90, p90: 100 } }), // 360 W → floor(1000/360)=2 → 8
    capTarget('b', { replicas: 0 }), // no power → 1
    capTarget('c', { replicas: 5, wattsPerReplica: { p50: 250, p90: 260 } }), // 1250 W → 0
  ]);
  assert.deepEqual(limits(naiveDecide(s)), [8, 1, 0]);
});

test('proportional: floors, then need shared by need, then headroom shared by need', () => {
  const a = capTarget('a', { desiredReplicas: 6 });
  const b = capTarget('b', { desiredReplicas: 2 });
  // 600 W: floors 1+1 (200 W), 400 W left shared 6:2 in whole replicas → 4 and 2
  assert.deepEqual(limits(proportionalDecide(capState([a, b], { policy: { ...capState([]).policy, budgetWatts: 600 } }))), [4, 2]);
  // 1200 W: needs met (800 W), 400 W of headroom → a to its max 8, b to 4
  assert.deepEqual(limits(proportionalDecide(capState([a, b], { policy: { ...capState([]).policy, budgetWatts: 1200 } }))), [8, 4]);
});

test('proportional reserves the measured power of targets without data and the baseline', () => {
  const a = capTarget('a', { desiredReplicas: 8, replicas: 2 });
  const blind = capTarget('x', { wattsPerReplica: undefined });
  // current 700 W: 100 baseline, a's 2 × 90 (p50) = 180 known, so 420 W are x's; 1000 − 100 − 420 = 480 W → 4 replicas
  const d = proportionalDecide(capState([a, blind], { currentWatts: 700, baselineWatts: 100 }));
  assert.deepEqual(d.replicas, [{ target: a.id, maxReplicas: 4, reason: d.replicas[0].reason }]);
});

test('priority: the lowest priority is cut first; headroom is shared', () => {
  const hi = capTarget('hi', { desiredReplicas: 6, priority: 10 });
  const lo = capTarget('lo', { desiredReplicas: 2, priority: 1 });
  const at = (w: number) => limits(priorityDecide(capState([lo, hi], { policy: { ...capState([]).policy, budgetWatts: w } })));
  assert.deepEqual(at(600), [1, 5]); // floors 200 W, hi takes the 400 W left
  assert.deepEqual(at(900), [3, 6]); // hi 6 and lo 2 (needs), 100 W of headroom shared by need: 2/2 ties 6/6, lo comes first
});

test('efficiency: the most work per watt first, exactly', () => {
  const a = capTarget('a', { minReplicas: 0, workPerReplica: 100, demand: 500, wattsPerReplica: { p50: 200, p90: 200 } });
  const b = capTarget('b', { minReplicas: 0, workPerReplica: 100, demand: 300, wattsPerReplica: { p50: 100, p90: 100 } });
  // 600 W: b's 3 replicas (300 work, 300 W) + a's 1 (100 work, 200 W) = 400 work; a×3 would give 300.
  // The 100 W left is headroom: one more b replica (a's would not fit).
  assert.deepEqual(limits(efficiencyDecide(capState([a, b], { policy: { ...capState([]).policy, budgetWatts: 600 } }))), [1, 4]);
});

test('efficiency beats the greedy order when the greedy order leaves watts unused', () => {
  // 1000 W: a replica of x gives 60 work for 600 W (0.1/W), of y 40 work for 500 W (0.08/W); greedy takes x (60), the best is y×2 (80)
  const x = capTarget('x', { minReplicas: 0, maxReplicas: 1, workPerReplica: 60, demand: 60, wattsPerReplica: { p50: 600, p90: 600 } });
  const y = capTarget('y', { minReplicas: 0, maxReplicas: 2, workPerReplica: 40, demand: 80, wattsPerReplica: { p50: 500, p90: 500 } });
  assert.deepEqual(limits(efficiencyDecide(capState([x, y]))), [0, 2]);
});

test('forecast: least-squares trend, rises only, scaled autoscaler wish', () => {
  assert.ok(
    Math.abs(
      trendSlope([
        [60, 100],
        [30, 150],
        [0, 200],
      ]) -
        50 / 30,
    ) < 1e-12,
  );
  const t = capTarget('a', {
    demand: 200,
    desiredReplicas: 3,
    demandHistory: [
      [60, 100],
      [30, 150],
    ],
  });
  const f = forecastTarget(t, 45, 300);
  assert.ok(Math.abs((f.demand ?? 0) - 275) < 1e-9);
  assert.equal(f.desiredReplicas, 5); // ceil(3 × 275 / 200)
  const falling = capTarget('a', {
    demand: 100,
    desiredReplicas: 2,
    demandHistory: [
      [60, 300],
      [30, 200],
    ],
  });
  assert.equal(forecastTarget(falling, 45, 300), falling);
});

test('forecast gives a rising target its share before the rise arrives', async () => {
  const rising = capTarget('r', {
    desiredReplicas: 2,
    demand: 200,
    workPerReplica: 100,
    demandHistory: [
      [60, 50],
      [30, 125],
    ],
  });
  const flat = capTarget('f', {
    desiredReplicas: 2,
    demand: 200,
    workPerReplica: 100,
    demandHistory: [
      [60, 200],
      [30, 200],
    ],
  });
  const s = capState([rising, flat], { policy: { ...capState([]).policy, budgetWatts: 600 } });
  assert.deepEqual(limits(proportionalDecide(s)), [3, 3]);
  const d = await createForecast(createAlgorithm('proportional'), {}).decide(s);
  assert.ok(d.replicas[0].maxReplicas > d.replicas[1].maxReplicas, JSON.stringify(d));
  assert.match(d.replicas[0].reason, /^forecast/);
});

test('registry: unknown names and bad parameters are errors naming the field', () => {
  assert.deepEqual(
    listAlgorithms().map((a) => a.name),
    ['naive', 'proportional', 'priority', 'efficiency', 'forecast'],
  );
  assert.throws(
    () => createAlgorithm('magic'),
    (e) => ERR_CAPPING_UNKNOWN_ALGORITHM.is(e) && e.details.field === 'algorithm.name',
  );
  assert.throws(
    () => createAlgorithm('efficiency', { nodeLimit: 5 }),
    (e) => ERR_CAPPING_INVALID_PARAMETERS.is(e) && e.details.field === 'algorithm.parameters.nodeLimit',
  );
  assert.throws(
    () => createAlgorithm('proportional', { speed: 1 }),
    (e) => ERR_CAPPING_INVALID_PARAMETERS.is(e) && e.details.field === 'algorithm.parameters.speed',
  );
  assert.equal(createAlgorithm('forecast', { inner: 'priority' }).name, 'forecast');
});

test('replicaCosts: capacity plans every replica at the worst case; load plans each at the load it adds', () => {
  const t = capTarget('a', {
    maxReplicas: 5,
    workPerReplica: 100,
    demand: 250,
    wattsPerReplica: { p50: 200, p90: 270, atCapacity: 280, atIdle: 80 },
  });
  assert.deepEqual(replicaCosts(t), [280, 280, 280, 280, 280]);
  // 100 + 100 + 50 units: 80 + 2 W per unit; replicas beyond the demand are headroom, at the worst case.
  assert.deepEqual(replicaCosts(t, 'load'), [280, 280, 180, 280, 280]);
  assert.deepEqual(replicaCosts({ ...t, wattsPerReplica: { p50: 200, p90: 270 } }, 'load'), [270, 270, 270, 270, 270]);
  assert.deepEqual(replicaCosts(t, 'p50'), [200, 200, 200, 200, 200]);
});

test('proportional with percentile load fits the partly loaded replica the worst case would not', () => {
  const t = capTarget('a', {
    minReplicas: 1,
    maxReplicas: 5,
    desiredReplicas: 3,
    workPerReplica: 100,
    demand: 250,
    wattsPerReplica: { p50: 200, p90: 270, atCapacity: 280, atIdle: 80 },
  });
  const state = capState([t], { policy: { ...capState([]).policy, budgetWatts: 760 } });
  assert.deepEqual(limits(proportionalDecide(state)), [2]); // 3 × 280 W = 840 W > 760 W
  assert.deepEqual(limits(proportionalDecide(state, { percentile: 'load' })), [3]); // 280 + 280 + 180 = 740 W
});
