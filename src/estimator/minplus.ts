/**
 * @module estimator/minplus
 * The exact optimum of WAO's placement problem by a min-plus dynamic program (pure).
 *
 * Given per-node cost curves c_i (c_i[0] = 0, c_i[k] = increase when node i takes k workloads), the
 * answer for k is min over (k_1..k_n), Σk_i = k, of Σ c_i[k_i]; every k = 0..N at once. Folding the
 * nodes one by one with a min-plus convolution costs O(nodes·N²). Identical nodes form a group: the
 * m-fold convolution of a convex curve has a closed form (spread evenly: (m−r)·c[q] + r·c[q+1] for
 * t = q·m + r), and a non-convex one is raised to the m-th min-plus power by repeated squaring.
 * Loops stop at the last finite entry of each curve, so capacity limits also speed things up.
 */

/** A cost curve shared by `count` identical nodes. */
export interface CostGroup {
  /** `cost[k]` for k = 0..N; `cost[0]` must be 0. */
  cost: Float64Array;
  /** Number of identical nodes in the group (≥ 1). */
  count: number;
}

/** Result of {@link solvePlacement}. */
export interface PlacementSolution {
  /** `totals[k]` = minimum total increase for k workloads, k = 0..N (`totals[0]` = 0). */
  totals: Float64Array;
  /**
   * With `explain`: `counts[k-1][g]` = workloads the optimum for k puts on group g's node(s), one array
   * entry per node of the group (in group order). Undefined entries for k with an infinite total.
   */
  counts?: (number[][] | undefined)[];
}

/** Index of the last finite entry (−1 when none). */
export function lastFinite(a: Float64Array): number {
  for (let i = a.length - 1; i >= 0; i--) if (a[i] !== Infinity) return i;
  return -1;
}

/** True when the finite prefix of `c` has non-decreasing increments (a +Inf tail keeps it convex). */
export function isConvex(c: Float64Array): boolean {
  const f = lastFinite(c);
  for (let k = 1; k < f; k++) if (c[k + 1] - c[k] < c[k] - c[k - 1]) return false;
  // an +Inf entry followed by a finite one is not convex
  for (let k = 0; k <= f; k++) if (c[k] === Infinity) return false;
  return true;
}

/**
 * Min-plus convolution truncated to length n+1: `out[t] = min_{j+k=t} a[j] + b[k]`. When `arg` is given,
 * `arg[t]` receives the k (index into b) of a minimiser; ties keep the smallest k.
 */
export function minPlusConvolve(a: Float64Array, b: Float64Array, n: number, arg?: Int32Array): Float64Array {
  const out = new Float64Array(n + 1).fill(Infinity);
  const fa = lastFinite(a);
  const fb = lastFinite(b);
  if (fa < 0 || fb < 0) return out;
  const tMax = Math.min(n, fa + fb);
  for (let t = 0; t <= tMax; t++) {
    const kLo = t - fa > 0 ? t - fa : 0;
    const kHi = t < fb ? t : fb;
    let best = Infinity;
    let bestK = -1;
    for (let k = kLo; k <= kHi; k++) {
      const v = a[t - k] + b[k];
      if (v < best) {
        best = v;
        bestK = k;
      }
    }
    out[t] = best;
    if (arg) arg[t] = bestK;
  }
  return out;
}

/** The m-fold min-plus power of a convex curve (m identical convex nodes), truncated to n+1 entries. */
export function convexPower(c: Float64Array, m: number, n: number): Float64Array {
  const out = new Float64Array(n + 1).fill(Infinity);
  const f = lastFinite(c);
  for (let t = 0; t <= n; t++) {
    const q = Math.floor(t / m);
    const r = t - q * m;
    if (q > f || (r > 0 && q + 1 > f)) break;
    out[t] = r === 0 ? m * c[q] : (m - r) * c[q] + r * c[q + 1];
  }
  return out;
}

/** Spreads t workloads over m identical convex nodes as evenly as possible (the optimum of {@link convexPower}). */
export function spreadEvenly(t: number, m: number): number[] {
  const q = Math.floor(t / m);
  const r = t - q * m;
  return Array.from({ length: m }, (_v, i) => (i < r ? q + 1 : q));
}

/** The m-fold min-plus power of any curve, by repeated squaring (O(N² log m)). */
export function minPlusPower(c: Float64Array, m: number, n: number): Float64Array {
  let result: Float64Array | undefined;
  let base = c.length === n + 1 ? c : resize(c, n);
  let e = m;
  while (e > 0) {
    if (e & 1) result = result ? minPlusConvolve(result, base, n) : base;
    e >>= 1;
    if (e > 0) base = minPlusConvolve(base, base, n);
  }
  return result ?? identity(n);
}

/** The combined curve of a group: one node's curve, or its m-fold power. */
export function groupCurve(g: CostGroup, n: number): Float64Array {
  if (g.count === 1) return g.cost.length === n + 1 ? g.cost : resize(g.cost, n);
  return isConvex(g.cost) ? convexPower(g.cost, g.count, n) : minPlusPower(g.cost, g.count, n);
}

/**
 * Solves the placement for k = 0..n over the given groups. With `explain`, also reconstructs, for each k,
 * how many workloads each node takes (non-convex groups of several nodes are expanded node by node so the
 * reconstruction stays exact).
 */
export function solvePlacement(groups: readonly CostGroup[], n: number, explain = false): PlacementSolution {
  if (!explain) {
    let dp = identity(n);
    for (const g of groups) dp = minPlusConvolve(dp, groupCurve(g, n), n);
    return { totals: dp };
  }
  // Units: one entry per convolution step; a convex group is one unit, a non-convex one is m units.
  const units: { group: number; curve: Float64Array; convexCount: number }[] = [];
  groups.forEach((g, gi) => {
    if (g.count === 1 || isConvex(g.cost)) units.push({ group: gi, curve: groupCurve(g, n), convexCount: g.count });
    else for (let i = 0; i < g.count; i++) units.push({ group: gi, curve: resize(g.cost, n), convexCount: 1 });
  });
  let dp = identity(n);
  const args: Int32Array[] = [];
  for (const u of units) {
    const arg = new Int32Array(n + 1).fill(-1);
    dp = minPlusConvolve(dp, u.curve, n, arg);
    args.push(arg);
  }
  const counts: (number[][] | undefined)[] = [];
  for (let k = 1; k <= n; k++) {
    if (dp[k] === Infinity) {
      counts.push(undefined);
      continue;
    }
    const perGroup: number[][] = groups.map(() => []);
    const taken = new Array<number>(units.length);
    let t = k;
    for (let u = units.length - 1; u >= 0; u--) {
      taken[u] = args[u][t];
      t -= taken[u];
    }
    units.forEach((u, i) => {
      if (u.convexCount > 1) perGroup[u.group].push(...spreadEvenly(taken[i], u.convexCount));
      else perGroup[u.group].push(taken[i]);
    });
    counts.push(perGroup);
  }
  return { totals: dp, counts };
}

/** The min-plus identity of length n+1: `[0, +Inf, …]`. */
function identity(n: number): Float64Array {
  const a = new Float64Array(n + 1).fill(Infinity);
  a[0] = 0;
  return a;
}

/** Copies `c` to length n+1, padding with +Inf. */
function resize(c: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n + 1).fill(Infinity);
  out.set(c.subarray(0, n + 1));
  return out;
}
