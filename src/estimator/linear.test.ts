import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { linearTotals, orderBySlope, type SlopeGroup } from './linear.js';
import { nodeCurve, solvePlacement, type LinearCostGroup } from './minplus.js';
import { minPlusConvolve } from './convolve.js';
import { workloadCapacity } from './costs.js';

/** The same nodes as the general solver takes them: one linear cost group per node (a failed slope takes nothing). */
const asCostGroups = (groups: SlopeGroup[], cpuMilli: number, n: number): LinearCostGroup[] =>
  groups.flatMap((g) =>
    Array.from(g.free, (free) =>
      Number.isFinite(g.slope)
        ? { slope: g.slope, limit: Math.min(n, workloadCapacity(free, cpuMilli)), count: 1 }
        : { slope: 0, limit: 0, count: 1 },
    ),
  );

const slopeGroup = fc.record({
  slope: fc.oneof(fc.double({ min: -50, max: 500, noNaN: true }), fc.constantFrom(0, -0, 2.5, 7.5, Infinity, -Infinity, Number.NaN)),
  free: fc.array(fc.oneof(fc.integer({ min: 0, max: 8000 }), fc.constant(Infinity)), { minLength: 1, maxLength: 5 }),
});

test('linearTotals equals the greedy merge of solvePlacement bit for bit (ties, +-0, capacity limits, failed slopes)', () => {
  fc.assert(
    fc.property(
      fc.array(slopeGroup, { maxLength: 12 }),
      fc.constantFrom(0, 250, 500, 1000, 3000),
      fc.integer({ min: 0, max: 40 }),
      (groups, cpuMilli, n) => {
        const got = linearTotals(orderBySlope(groups), cpuMilli, n);
        const want = [...solvePlacement(asCostGroups(groups, cpuMilli, n), n).totals].slice(1);
        assert.equal(got.length, n);
        got.forEach((v, k) => assert.ok(Object.is(v, want[k]), `k=${k + 1}: ${v} vs ${want[k]}`));
      },
    ),
    { numRuns: 500 },
  );
});

test('per core: the order by watts per core gives the same totals as the slopes of every cpu_milli, bit for bit', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          slope: fc.oneof(fc.integer({ min: -5, max: 60 }), fc.constant(Infinity)),
          free: fc.array(fc.oneof(fc.integer({ min: 0, max: 8000 }), fc.constant(Infinity)), { minLength: 1, maxLength: 4 }),
        }),
        { maxLength: 12 },
      ),
      fc.constantFrom(0, 1, 100, 250, 333, 500, 1000, 2500),
      fc.integer({ min: 0, max: 30 }),
      (perCore, cpuMilli, n) => {
        const bySlope = perCore.map((g) => ({ slope: (cpuMilli / 1000) * g.slope, free: g.free }));
        const got = linearTotals(orderBySlope(perCore), cpuMilli, n, true);
        const want = linearTotals(orderBySlope(bySlope.filter((g, i) => Number.isFinite(perCore[i].slope))), cpuMilli, n);
        got.forEach((v, k) => assert.ok(Object.is(v, want[k]), `k=${k + 1}: ${v} vs ${want[k]}`));
      },
    ),
    { numRuns: 500 },
  );
});

test('linearTotals agrees with the textbook min-plus DP over written-out curves', () => {
  const groups: SlopeGroup[] = [
    { slope: 12.5, free: [4000, 1000] },
    { slope: 5, free: [2000] },
    { slope: Infinity, free: [64_000] },
    { slope: 7.5, free: [0, 1500] },
  ];
  const n = 12;
  const cpu = 500;
  let dp: Float64Array = Float64Array.from({ length: n + 1 }, (_v, k) => (k === 0 ? 0 : Infinity));
  for (const g of asCostGroups(groups, cpu, n)) dp = minPlusConvolve(dp, nodeCurve(g, n), n);
  // 4 at 5 W, then 3 at 7.5 W, then 12.5 W (10 more fit)
  assert.deepEqual(linearTotals(orderBySlope(groups), cpu, n), [...dp].slice(1));
  assert.deepEqual(linearTotals(orderBySlope(groups), cpu, 8).slice(3, 8), [20, 27.5, 35, 42.5, 55]);
  assert.deepEqual(linearTotals(orderBySlope([{ slope: 1, free: [1000] }]), 1000, 3), [1, Infinity, Infinity]);
  assert.deepEqual(linearTotals([], 1000, 2), [Infinity, Infinity]);
});
