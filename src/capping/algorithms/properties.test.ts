import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { capState, capTarget } from '../../../test/helpers/capping.js';
import { solveReplicaKnapsack } from './knapsack.js';
import { efficiencyDecide } from './efficiency.js';
import { createAlgorithm } from './registry.js';
import { costOf, replicaCosts, usableWatts } from './shared.js';
import { applyGuards, emptyGuardMemory } from '../algorithm/guard.js';
import type { CappingState, TargetState } from '../algorithm/types.js';

const targetArb = fc
  .record({
    min: fc.integer({ min: 0, max: 3 }),
    span: fc.integer({ min: 0, max: 6 }),
    replicas: fc.integer({ min: 0, max: 9 }),
    limit: fc.option(fc.integer({ min: 0, max: 9 }), { nil: undefined }),
    desired: fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }),
    priority: fc.integer({ min: 0, max: 3 }),
    watts: fc.option(fc.double({ min: 5, max: 400, noNaN: true }), { nil: undefined }),
    work: fc.option(fc.double({ min: 1, max: 200, noNaN: true }), { nil: undefined }),
    demand: fc.double({ min: 0, max: 1500, noNaN: true }),
    since: fc.option(fc.integer({ min: 0, max: 600 }), { nil: undefined }),
  })
  .map(
    (r): Omit<TargetState, 'id' | 'name'> => ({
      kind: 'Deployment',
      namespace: 'ns',
      replicas: r.replicas,
      minReplicas: r.min,
      maxReplicas: r.min + r.span,
      ...(r.limit !== undefined ? { currentLimit: Math.min(r.limit, r.min + r.span) } : {}),
      ...(r.desired !== undefined ? { desiredReplicas: r.desired } : {}),
      priority: r.priority,
      ...(r.watts !== undefined ? { wattsPerReplica: { p50: r.watts * 0.9, p90: r.watts } } : {}),
      ...(r.work !== undefined ? { workPerReplica: r.work, demand: r.demand } : {}),
      readySeconds: 30,
      ...(r.since !== undefined ? { secondsSinceLastAction: r.since } : {}),
    }),
  );

const stateArb = fc
  .record({
    targets: fc.array(targetArb, { minLength: 1, maxLength: 8 }),
    budget: fc.double({ min: 0, max: 5000, noNaN: true }),
    current: fc.double({ min: 0, max: 6000, noNaN: true }),
    baseline: fc.double({ min: 0, max: 300, noNaN: true }),
  })
  .map(
    ({ targets, budget, current, baseline }): CappingState =>
      capState(
        targets.map((t, i) => capTarget(`t${i}`, t)),
        { currentWatts: Math.max(current, baseline), baselineWatts: baseline, policy: { ...capState([]).policy, budgetWatts: budget } },
      ),
  );

const BUDGETED = ['proportional', 'priority', 'efficiency', 'forecast'];

test('every algorithm, through the guard: limits stay within [min, max]; targets without data keep their limit', async () => {
  await fc.assert(
    fc.asyncProperty(stateArb, fc.constantFrom('naive', ...BUDGETED), async (s, name) => {
      const proposal = await createAlgorithm(name).decide(s);
      const { decisions } = applyGuards(s, proposal, emptyGuardMemory());
      for (const [i, t] of s.targets.entries()) {
        const d = decisions.targets[i];
        if (t.wattsPerReplica === undefined) assert.equal(d.maxReplicas, t.currentLimit ?? t.maxReplicas);
        else if (d.change !== 'none') assert.ok(d.maxReplicas >= t.minReplicas && d.maxReplicas <= t.maxReplicas, `${name}: ${JSON.stringify(d)}`);
      }
    }),
    { numRuns: 300 },
  );
});

test('budget-sharing algorithms propose within [min, max] and, when the floors fit, within the budget', async () => {
  await fc.assert(
    fc.asyncProperty(stateArb, fc.constantFrom(...BUDGETED), async (s, name) => {
      const d = await createAlgorithm(name).decide(s);
      const byId = new Map(s.targets.map((t) => [t.id, t]));
      let watts = 0;
      let floors = 0;
      for (const r of d.replicas) {
        const t = byId.get(r.target) as TargetState;
        assert.ok(t.wattsPerReplica !== undefined, 'no proposal for a target without data');
        assert.ok(r.maxReplicas >= t.minReplicas && r.maxReplicas <= t.maxReplicas);
        watts += costOf(replicaCosts(t), r.maxReplicas);
        floors += costOf(replicaCosts(t), t.minReplicas);
      }
      const usable = usableWatts(s);
      if (floors <= usable) assert.ok(watts <= usable + 1e-6, `${name}: ${watts} W > ${usable} W`);
    }),
    { numRuns: 300 },
  );
});

/** All count vectors within [0, values.length] per class. */
function* vectors(sizes: number[]): Generator<number[]> {
  const v = sizes.map(() => 0);
  for (;;) {
    yield [...v];
    let k = 0;
    while (k < v.length && v[k] === sizes[k]) v[k++] = 0;
    if (k === v.length) return;
    v[k]++;
  }
}

test('the knapsack equals brute force on random small instances', () => {
  // Weights as a replica's power at the load it adds: idle + slope × value (value per watt non-increasing).
  const classArb = fc
    .record({
      idle: fc.double({ min: 0.5, max: 50, noNaN: true }),
      slope: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true })),
      values: fc.array(fc.double({ min: 0.1, max: 100, noNaN: true }), { maxLength: 4 }).map((v) => v.sort((a, b) => b - a)),
    })
    .map(({ idle, slope, values }) => ({ values, weights: values.map((v) => idle + slope * v) }));
  fc.assert(
    fc.property(fc.array(classArb, { minLength: 1, maxLength: 5 }), fc.double({ min: 0, max: 150, noNaN: true }), (classes, cap) => {
      let best = 0;
      for (const v of vectors(classes.map((c) => c.values.length))) {
        let w = 0;
        let val = 0;
        v.forEach((n, c) => {
          for (let j = 0; j < n; j++) {
            w += classes[c].weights[j];
            val += classes[c].values[j];
          }
        });
        if (w <= cap) best = Math.max(best, val);
      }
      const sol = solveReplicaKnapsack(classes, cap);
      assert.ok(sol.optimal);
      assert.ok(sol.weight <= cap + 1e-9);
      assert.ok(Math.abs(sol.value - best) <= 1e-6 * Math.max(1, best), `solver ${sol.value} vs brute force ${best}`);
    }),
    { numRuns: 1000 },
  );
});

test('efficiency serves as much work as brute force over replica counts', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          min: fc.integer({ min: 0, max: 2 }),
          span: fc.integer({ min: 0, max: 4 }),
          watts: fc.integer({ min: 10, max: 300 }),
          work: fc.integer({ min: 1, max: 100 }),
          demand: fc.integer({ min: 0, max: 400 }),
        }),
        { minLength: 1, maxLength: 4 },
      ),
      fc.integer({ min: 0, max: 1500 }),
      (specs, budget) => {
        const targets = specs.map((s, i) =>
          capTarget(`t${i}`, {
            minReplicas: s.min,
            maxReplicas: s.min + s.span,
            wattsPerReplica: { p50: s.watts, p90: s.watts },
            workPerReplica: s.work,
            demand: s.demand,
          }),
        );
        const state = capState(targets, { policy: { ...capState([]).policy, budgetWatts: budget } });
        const served = (counts: number[]) => counts.reduce((a, n, i) => a + Math.min(specs[i].demand, n * specs[i].work), 0);
        const floors = specs.reduce((a, s) => a + s.min * s.watts, 0);
        let best = -1;
        for (const v of vectors(specs.map((s) => s.span))) {
          const counts = v.map((n, i) => n + specs[i].min);
          if (counts.reduce((a, n, i) => a + n * specs[i].watts, 0) <= budget) best = Math.max(best, served(counts));
        }
        const got = served(efficiencyDecide(state).replicas.map((r) => r.maxReplicas));
        if (floors > budget) assert.equal(got, served(specs.map((s) => s.min)));
        else assert.ok(Math.abs(got - best) < 1e-6, `efficiency ${got} vs brute force ${best}`);
      },
    ),
    { numRuns: 500 },
  );
});

test('a search stopped by the node limit returns a feasible solution below its upper bound', () => {
  const classes = Array.from({ length: 60 }, (_, i) => ({
    weights: Array(3).fill(10 + ((i * 37) % 23) + i / 7) as number[],
    values: [30 + (i % 5), 20 + (i % 3), 5],
  }));
  const sol = solveReplicaKnapsack(classes, 700, 1);
  assert.equal(sol.optimal, false);
  assert.ok(sol.weight <= 700);
  assert.ok(sol.value <= sol.upperBound && sol.value > 0.9 * sol.upperBound, JSON.stringify({ v: sol.value, u: sol.upperBound }));
  const full = solveReplicaKnapsack(classes, 700, 10_000_000);
  assert.ok(full.value >= sol.value - 1e-9 && full.value <= sol.upperBound + 1e-9);
});

test('efficiency with percentile load serves as much work as brute force over replica counts at those costs', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          min: fc.integer({ min: 0, max: 2 }),
          span: fc.integer({ min: 0, max: 4 }),
          idle: fc.integer({ min: 10, max: 150 }),
          perWork: fc.double({ min: 0, max: 3, noNaN: true }),
          work: fc.integer({ min: 1, max: 100 }),
          demand: fc.integer({ min: 0, max: 400 }),
        }),
        { minLength: 1, maxLength: 4 },
      ),
      fc.integer({ min: 0, max: 1500 }),
      (specs, budget) => {
        const targets = specs.map((s, i) => {
          const full = s.idle + s.perWork * s.work;
          return capTarget(`t${i}`, {
            minReplicas: s.min,
            maxReplicas: s.min + s.span,
            wattsPerReplica: { p50: full, p90: full, atCapacity: full, atIdle: s.idle },
            workPerReplica: s.work,
            demand: s.demand,
          });
        });
        const state = capState(targets, { policy: { ...capState([]).policy, budgetWatts: budget } });
        const costs = targets.map((t) => replicaCosts(t, 'load'));
        const served = (counts: number[]) => counts.reduce((a, n, i) => a + Math.min(specs[i].demand, n * specs[i].work), 0);
        const watts = (counts: number[]) => counts.reduce((a, n, i) => a + costOf(costs[i], n), 0);
        const floors = specs.map((s) => s.min);
        let best = -1;
        for (const v of vectors(specs.map((s) => s.span))) {
          const counts = v.map((n, i) => n + specs[i].min);
          if (watts(counts) <= budget + 1e-9) best = Math.max(best, served(counts));
        }
        const got = efficiencyDecide(state, { percentile: 'load' }).replicas.map((r) => r.maxReplicas);
        if (watts(floors) > budget) assert.equal(served(got), served(floors));
        else {
          assert.ok(Math.abs(served(got) - best) < 1e-6, `efficiency ${served(got)} vs brute force ${best}`);
          assert.ok(watts(got) <= budget + 1e-6);
        }
      },
    ),
    { numRuns: 500 },
  );
});
