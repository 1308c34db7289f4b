import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { solvePlacement, isConvex, minPlusPower, nodeCurve, placementWork, CONVEXITY_ULPS, type CostGroup } from './minplus.js';
import { minPlusConvolve } from './convolve.js';
import { exhaustiveLeastCosts } from '../../test/helpers/estimator/exhaustive.js';
import { costCurve } from './costs.js';

/** Cost curves from a WAO diff matrix (rows of D[i][k-1]). */
const fromDiffs = (diffs: number[][]): CostGroup[] => diffs.map((r) => ({ cost: Float64Array.from([0, ...r]), count: 1 }));
const dpCosts = (diffs: number[][]): number[] => [...solvePlacement(fromDiffs(diffs), diffs[0]?.length ?? 0).totals].slice(1);

// WAO pkg/estimator/optimize_test.go, findLeastCosts (reference §8).
const WAO_8x6 = [
  [11, 14, 14, 16, 30, 31],
  [11, 14, 15, 15, 22, 29],
  [10, 17, 19, 25, 26, 30],
  [72, 80, 92, 99, 99, 99],
  [11, 17, 19, 25, 27, 29],
  [14, 15, 15, 26, 31, 32],
  [16, 16, 16, 16, 24, 32],
  [29, 29, 29, 29, 29, 29],
];

test('WAO findLeastCosts 8x6 matrix gives [10,14,14,15,22,29] (DP and exhaustive)', () => {
  assert.deepEqual(dpCosts(WAO_8x6), [10, 14, 14, 15, 22, 29]);
});

test('WAO findLeastCosts small cases: single row, 8x1 column, empty', () => {
  assert.deepEqual(dpCosts([WAO_8x6[0]]), WAO_8x6[0]);
  assert.deepEqual(exhaustiveLeastCosts([WAO_8x6[0]]).costs, WAO_8x6[0]);
  const column = WAO_8x6.map((r) => [r[0]]);
  assert.deepEqual(dpCosts(column), [10]);
  assert.deepEqual(exhaustiveLeastCosts(column).costs, [10]);
  assert.deepEqual(exhaustiveLeastCosts([]).costs, []);
  assert.deepEqual(exhaustiveLeastCosts(WAO_8x6.map(() => [])).costs, []);
  assert.deepEqual([...solvePlacement([], 0).totals].slice(1), []);
  assert.throws(() => exhaustiveLeastCosts([[1, 2], [1]]), RangeError);
});

test('the exhaustive reference refuses what WAO refuses (24 nodes)', () => {
  assert.throws(() => exhaustiveLeastCosts(Array.from({ length: 24 }, () => [1])), /sampling/);
});

test('cost curves follow WAO toDiff and patchWattMatrix', () => {
  const diff = (row: number[]) => [...costCurve(row)].slice(1);
  assert.deepEqual(
    [
      [100, 120, 140],
      [200, 300, 400],
      [500, 500, 500],
    ].map(diff),
    [
      [20, 40],
      [100, 200],
      [0, 0],
    ],
  );
  assert.deepEqual(diff([123]), []);
  // patchWattMatrix: any +Inf in a row makes it [0, Inf, Inf]
  assert.deepEqual([...costCurve([1, Infinity, 3])], [0, Infinity, Infinity]);
  assert.deepEqual([...costCurve([5, NaN, 7])], [0, Infinity, Infinity]);
  // the raw 8x6 matrix: base 100·(i+1) prepended, values shifted
  const raw = WAO_8x6.map((r, i) => [100 * (i + 1), ...r.map((d) => d + 100 * (i + 1))]);
  assert.deepEqual(raw.map(diff), WAO_8x6);
  // capacity: +Inf beyond what the free CPU holds
  assert.deepEqual([...costCurve([5, 6, 7, 8], 2)], [0, 1, 2, Infinity]);
});

test('nonlinear example: [2,4,14,22] with patterns (0,0,1),(0,0,2),(1,0,2),(2,0,2)', () => {
  const diffs = [
    [10, 18, 24, 28],
    [15, 30, 45, 60],
    [2, 4, 20, 50],
  ];
  assert.deepEqual(dpCosts(diffs), [2, 4, 14, 22]);
  const ex = exhaustiveLeastCosts(diffs);
  assert.deepEqual(ex.costs, [2, 4, 14, 22]);
  assert.deepEqual(ex.patterns, [
    [0, 0, 1],
    [0, 0, 2],
    [1, 0, 2],
    [2, 0, 2],
  ]);
  const sol = solvePlacement(fromDiffs(diffs), 4, true);
  assert.deepEqual(
    sol.counts?.map((c) => c?.flat()),
    [
      [0, 0, 1],
      [0, 0, 2],
      [1, 0, 2],
      [2, 0, 2],
    ],
  );
});

test('infinite rows: a failed node takes 0 for free and nothing more', () => {
  const inf = [Infinity, Infinity, Infinity];
  assert.deepEqual(dpCosts([inf]), [Infinity, Infinity, Infinity]);
  assert.deepEqual(dpCosts([inf, [5, 10, 15]]), [5, 10, 15]);
  const sol = solvePlacement(fromDiffs([inf]), 3, true);
  assert.deepEqual(sol.counts, [undefined, undefined, undefined]);
});

test('convex merge: the greedy heap equals the DP on larger convex instances', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 30 }),
      fc.array(
        fc.tuple(
          fc.array(fc.double({ min: -5, max: 50, noNaN: true }), { minLength: 30, maxLength: 30 }),
          fc.integer({ min: 0, max: 30 }),
          fc.integer({ min: 1, max: 4 }),
        ),
        { minLength: 1, maxLength: 12 },
      ),
      (n, rows) => {
        const groups = rows.map(([inc, cap, count]) => {
          const sorted = inc.slice(0, n).sort((a, b) => a - b);
          let acc = 0;
          return { cost: Float64Array.from([0, ...sorted.map((d, i) => (i < cap ? (acc += d) : Infinity))]), count };
        });
        let dp: Float64Array = Float64Array.from({ length: n + 1 }, (_v, i) => (i === 0 ? 0 : Infinity));
        for (const g of groups) for (let i = 0; i < g.count; i++) dp = minPlusConvolve(dp, g.cost, n);
        const fast = solvePlacement(groups, n, true);
        for (let k = 0; k <= n; k++) {
          if (dp[k] === Infinity) assert.equal(fast.totals[k], Infinity);
          else assert.ok(Math.abs(fast.totals[k] - dp[k]) < 1e-6, `k=${k}`);
        }
      },
    ),
    { numRuns: 200 },
  );
});

test('group powers equal repeated single-node folding', () => {
  const convex = Float64Array.from([0, 1, 3, 6, 10, Infinity]);
  const concave = Float64Array.from([0, 10, 12, 13, 13.5, 14]);
  assert.equal(isConvex(convex), true);
  assert.equal(isConvex(concave), false);
  for (const c of [convex, concave]) {
    for (const m of [1, 2, 3, 5]) {
      const folded = solvePlacement(
        Array.from({ length: m }, () => ({ cost: c, count: 1 })),
        5,
      ).totals;
      const power = minPlusPower(c, m, 5);
      assert.deepEqual([...power], [...folded], `m=${m}`);
    }
  }
});

/** A convex row of length n: cumulative sums of sorted increments, cut to +Inf after a capacity. */
const convexRow = (n: number) =>
  fc
    .record({ inc: fc.array(fc.integer({ min: -10, max: 30 }), { minLength: n, maxLength: n }), cap: fc.integer({ min: 0, max: n }) })
    .map(({ inc, cap }) => {
      const sorted = [...inc].sort((a, b) => a - b);
      let acc = 0;
      return sorted.map((d, i) => (i < cap ? (acc += d) : Infinity));
    });

/** A random small instance: rows of finite or +Inf diffs (arbitrary or convex), some capacity-limited. */
const instance = fc.record({ n: fc.integer({ min: 1, max: 4 }), nodes: fc.integer({ min: 1, max: 3 }) }).chain(({ n, nodes }) =>
  fc.array(
    fc.record({
      row: fc.oneof(fc.array(fc.oneof(fc.integer({ min: -20, max: 60 }), fc.constant(Infinity)), { minLength: n, maxLength: n }), convexRow(n)),
      count: fc.integer({ min: 1, max: 3 }),
    }),
    { minLength: nodes, maxLength: nodes },
  ),
);

test('property: the DP (grouped and explained) equals WAO exhaustive search on random small instances', () => {
  fc.assert(
    fc.property(instance, (rows) => {
      const n = rows[0].row.length;
      const expanded = rows.flatMap((r) => Array.from({ length: r.count }, () => r.row));
      const expected = exhaustiveLeastCosts(expanded).costs;
      const groups = rows.map((r) => ({ cost: Float64Array.from([0, ...r.row]), count: r.count }));
      const grouped = solvePlacement(groups, n).totals;
      const explained = solvePlacement(groups, n, true);
      for (let k = 1; k <= n; k++) {
        const e = expected[k - 1];
        for (const got of [grouped[k], explained.totals[k]]) {
          if (e === Infinity) assert.equal(got, Infinity);
          else assert.ok(Math.abs(got - e) < 1e-9, `k=${k}: ${got} != ${e}`);
        }
        const counts = explained.counts?.[k - 1];
        if (e === Infinity) assert.equal(counts, undefined);
        else {
          // the explanation is a valid placement of k with the optimal cost
          assert.ok(counts);
          let total = 0;
          let cost = 0;
          counts.forEach((perNode, g) =>
            perNode.forEach((c) => {
              total += c;
              if (c > 0) cost += rows[g].row[c - 1];
            }),
          );
          assert.equal(total, k);
          assert.ok(Math.abs(cost - e) < 1e-9);
          assert.deepEqual(
            counts.map((c) => c.length),
            rows.map((r) => r.count),
          );
        }
      }
    }),
    { numRuns: 300 },
  );
});

test('linear curves from the Fake formula stay convex at any N (tolerance from the magnitudes)', () => {
  for (const n of [2000, 10_000]) {
    for (const [base, wpc, cpu] of [
      [250, 37, 250],
      [1e5, 3, 333],
      [87, 13, 1],
    ] as const) {
      const watts = Array.from({ length: n + 1 }, (_v, k) => base + ((k * cpu) / 1000) * wpc);
      const c = costCurve(watts);
      assert.equal(isConvex(c, base), true, `base ${base} wpc ${wpc} cpu ${cpu} N ${n}`);
    }
  }
  // a real dent is still a dent, however large the base
  const dented = Float64Array.from([0, 10, 20, 29.9, 40]);
  assert.equal(isConvex(dented, 1e6), false);
  assert.equal(isConvex(Float64Array.from([0, 10, 20, 30, 40]), 0), true);
});

test('a linear group (exact slope) gives the same totals and placements as its dense curve', () => {
  const n = 12;
  const linear: CostGroup[] = [
    { slope: 2.5, limit: 4, count: 2 },
    { slope: 1.25, limit: 3, count: 1 },
    { slope: 0, limit: 0, count: 3 },
  ];
  const dense: CostGroup[] = linear.map((g) => ({ cost: nodeCurve(g, n), count: g.count }));
  const a = solvePlacement(linear, n, true);
  const b = solvePlacement(dense, n, true);
  assert.deepEqual([...a.totals], [...b.totals]);
  assert.deepEqual(a.counts, b.counts);
  assert.deepEqual([...a.totals].slice(0, 5), [0, 1.25, 2.5, 3.75, 6.25]);
  assert.equal(a.totals[12], Infinity); // 2·4 + 3 = 11 is the most that fits
});

test('placementWork counts the DP only for non-convex groups', () => {
  const n = 100;
  const convex: CostGroup[] = Array.from({ length: 10 }, (_v, i) => ({ slope: i + 1, limit: n, count: 1 }));
  const concave: CostGroup[] = Array.from({ length: 10 }, () => ({ cost: Float64Array.from({ length: n + 1 }, (_v, k) => Math.sqrt(k)), count: 1 }));
  assert.ok(placementWork(convex, n) < 1000);
  assert.ok(placementWork(concave, n) >= 10 * (n + 1) * (n + 1));
});

test('property: the pruned, unrolled convolution equals the textbook double loop (argmins too)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.double({ min: -50, max: 50, noNaN: true }), fc.constant(Infinity)), { minLength: 1, maxLength: 60 }),
      fc.array(fc.oneof(fc.double({ min: -50, max: 50, noNaN: true }), fc.constant(Infinity)), { minLength: 1, maxLength: 60 }),
      fc.integer({ min: 0, max: 80 }),
      (ra, rb, n) => {
        const a = Float64Array.from(ra);
        const b = Float64Array.from(rb);
        const want = new Float64Array(n + 1).fill(Infinity);
        const wantArg = new Int32Array(n + 1).fill(-1);
        for (let t = 0; t <= n; t++) {
          for (let k = 0; k <= t && k < b.length; k++) {
            if (t - k >= a.length) continue;
            const v = a[t - k] + b[k];
            if (v < want[t]) {
              want[t] = v;
              wantArg[t] = k;
            }
          }
        }
        assert.deepEqual([...minPlusConvolve(a, b, n)], [...want]);
        const arg = new Int32Array(n + 1).fill(-1);
        const got = minPlusConvolve(a, b, n, arg);
        assert.deepEqual([...got], [...want]);
        for (let t = 0; t <= n; t++) if (want[t] !== Infinity) assert.equal(arg[t], wantArg[t]);
      },
    ),
    { numRuns: 300 },
  );
});

test('property: the tiled convolution equals the textbook double loop on long growing curves (where the bound cuts)', () => {
  const growing = fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: 1, maxLength: 300 }).map((inc) => {
    let acc = 0;
    return Float64Array.from(inc, (d, i) => (i === 0 ? 0 : (acc += d)));
  });
  fc.assert(
    fc.property(growing, growing, fc.integer({ min: 0, max: 400 }), (a, b, n) => {
      const want = new Float64Array(n + 1).fill(Infinity);
      for (let t = 0; t <= n; t++)
        for (let k = 0; k <= t && k < b.length; k++) if (t - k < a.length && a[t - k] + b[k] < want[t]) want[t] = a[t - k] + b[k];
      assert.deepEqual([...minPlusConvolve(a, b, n)], [...want]);
    }),
    { numRuns: 200 },
  );
});

/** The textbook double loop, truncated to n+1 (first strict minimum in ascending k). */
const textbook = (a: Float64Array, b: Float64Array, n: number): Float64Array => {
  const want = new Float64Array(n + 1).fill(Infinity);
  for (let t = 0; t <= n; t++)
    for (let k = 0; k <= t && k < b.length; k++) if (t - k < a.length && a[t - k] + b[k] < want[t]) want[t] = a[t - k] + b[k];
  return want;
};

/** Entries that tell the paths apart: −0 against +0, NaN (never a minimum), +Inf, ties. */
const edgy = fc.oneof(fc.double({ min: -50, max: 50 }), fc.constantFrom(0, -0, Number.NaN, Infinity, 1, 1), fc.integer({ min: -5, max: 5 }));

test('property: writing into a given buffer equals the textbook loop bit for bit, whatever the buffer held', () => {
  fc.assert(
    fc.property(
      fc.array(edgy, { minLength: 1, maxLength: 70 }),
      fc.array(edgy, { minLength: 1, maxLength: 70 }),
      fc.integer({ min: 0, max: 90 }),
      fc.double(),
      (ra, rb, n, junk) => {
        const a = Float64Array.from(ra);
        const b = Float64Array.from(rb);
        const out = new Float64Array(n + 1).fill(junk);
        const got = minPlusConvolve(a, b, n, undefined, out);
        assert.equal(got, out);
        assert.deepEqual([...got], [...textbook(a, b, n)]);
      },
    ),
    { numRuns: 300 },
  );
});

test('a buffer of the wrong length, or one of the inputs, is refused as out', () => {
  const a = Float64Array.of(0, 1, 2);
  const b = Float64Array.of(0, 3, 4);
  assert.throws(() => minPlusConvolve(a, b, 2, undefined, a), RangeError);
  assert.throws(() => minPlusConvolve(a, b, 2, undefined, b), RangeError);
  assert.throws(() => minPlusConvolve(a, b, 2, undefined, new Float64Array(2)), RangeError);
});

test('property: the fold with reused buffers equals the textbook fold from the identity bit for bit (−0, NaN, +Inf, short curves)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 40 }),
      fc.array(fc.array(edgy, { minLength: 1, maxLength: 45 }), { minLength: 1, maxLength: 6 }),
      (n, rows) => {
        const groups = rows.map((r) => ({ cost: Float64Array.from(r), count: 1 }));
        let want: Float64Array = Float64Array.from({ length: n + 1 }, (_v, i) => (i === 0 ? 0 : Infinity));
        for (const g of groups) want = textbook(want, g.cost, n);
        // every group through the DP (none merged greedily), without and with explain
        const dpOnly = groups.map(() => false);
        assert.deepEqual([...solvePlacement(groups, n, false, dpOnly).totals], [...want]);
        assert.deepEqual([...solvePlacement(groups, n, true, dpOnly).totals], [...want]);
      },
    ),
    { numRuns: 300 },
  );
});

test('property: the one-pass convexity test decides as the two-pass definition (magnitude first, then increments)', () => {
  const definition = (c: Float64Array, scale: number): boolean => {
    let f = c.length - 1;
    while (f >= 0 && c[f] === Infinity) f--;
    let mag = Math.abs(scale);
    for (let k = 0; k <= f; k++) {
      if (c[k] === Infinity) return false;
      if (Math.abs(c[k]) > mag) mag = Math.abs(c[k]);
    }
    const tol = CONVEXITY_ULPS * Number.EPSILON * mag;
    for (let k = 1; k < f; k++) if (c[k + 1] - c[k] < c[k] - c[k - 1] - tol) return false;
    return true;
  };
  // near-linear curves with noise at the scale of the tolerance, a late large value, and odd entries
  const curve = fc
    .record({
      base: fc.constantFrom(0, 1, 1e3, 1e5),
      slope: fc.double({ min: -5, max: 40, noNaN: true }),
      noise: fc.array(fc.integer({ min: -64, max: 64 }), { minLength: 1, maxLength: 40 }),
      late: fc.option(
        fc.tuple(fc.nat(39), fc.oneof(fc.double({ min: -1e7, max: 1e7, noNaN: true }), fc.constantFrom(Infinity, -Infinity, Number.NaN))),
      ),
    })
    .map(({ base, slope, noise, late }) => {
      const c = Float64Array.from(noise, (e, k) => base + k * slope + e * Number.EPSILON * base * 2);
      if (late && late[0] < c.length) c[late[0]] = late[1];
      return c;
    });
  fc.assert(
    fc.property(curve, fc.constantFrom(0, 10, 1e6), (c, scale) => assert.equal(isConvex(c, scale), definition(c, scale))),
    { numRuns: 2000 },
  );
});
