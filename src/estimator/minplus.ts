/**
 * @module estimator/minplus
 * The exact optimum of WAO's placement problem by a min-plus dynamic program (pure).
 *
 * Given per-node cost curves c_i (c_i[0] = 0, c_i[k] = increase when node i takes k workloads), the
 * answer for k is min over (k_1..k_n), Σk_i = k, of Σ c_i[k_i]; every k = 0..N at once. Folding the
 * nodes one by one with a min-plus convolution costs O(nodes·N²). Two exact shortcuts:
 * - convex curves (linear models, capacity limits, failed nodes) are merged greedily: the optimum for t
 *   takes the t smallest marginals, found with a heap in O(G + N log G); a linear curve is given by its
 *   exact slope and limit, so it needs no array at all;
 * - identical nodes form a group: m copies of a non-convex curve are raised to the m-th min-plus power
 *   by repeated squaring (O(N² log m)); convex groups offer each marginal m times.
 * Loops stop at the last finite entry of each curve, so capacity limits also speed things up.
 */
import { lastFinite, minPlusConvolve } from './convolve.js';

/** A cost curve shared by `count` identical nodes, as an array. */
export interface DenseCostGroup {
  /** `cost[k]` for k = 0..N; `cost[0]` must be 0. */
  cost: Float64Array;
  /** Number of identical nodes in the group (≥ 1). */
  count: number;
  /**
   * Magnitude of the watts the curve was computed from (|W(0)|), so the convexity test can tell
   * rounding noise from a real dent; 0 when the curve is exact.
   */
  scale?: number;
}

/** A linear cost curve shared by `count` identical nodes: `cost[k] = k·slope` for k ≤ limit, +Inf above. */
export interface LinearCostGroup {
  /** Watts per workload (exact, from the predictor's own slope). */
  slope: number;
  /** Most workloads one node takes (its capacity). */
  limit: number;
  count: number;
}

/** A group of identical nodes: a dense curve or an exact linear one. */
export type CostGroup = DenseCostGroup | LinearCostGroup;

/** True for a {@link LinearCostGroup}. */
export function isLinear(g: CostGroup): g is LinearCostGroup {
  return (g as LinearCostGroup).slope !== undefined;
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

/**
 * Units in the last place of the largest magnitude by which increments may fall and still count as
 * non-decreasing. Each cost `W(k) − W(0)` carries a few ulps of rounding from the prediction and the
 * subtraction, and an increment difference adds four such errors, so 64 ulps leave a wide margin while
 * staying far below any real dent (64 ulps of 10 kW is 1.4e-10 W).
 */
export const CONVEXITY_ULPS = 64;

/**
 * True when the finite prefix of `c` has non-decreasing increments (a +Inf tail keeps it convex).
 * Increments may fall by up to {@link CONVEXITY_ULPS} ulps of the largest magnitude involved (the
 * curve's largest finite value or `scale`, the magnitude of the watts it came from): that is rounding
 * noise, not a dent, so linear curves stay convex at any N. The greedy answer for such a curve differs
 * from the DP's by at most that tolerance per workload.
 *
 * One pass, which stops at the first dent: the tolerance grows with the magnitude seen so far, and a
 * smaller tolerance only finds more candidates, so the full magnitude is read only when a fall exceeds
 * the running one.
 */
export function isConvex(c: Float64Array, scale = 0): boolean {
  const f = lastFinite(c);
  let mag = Math.abs(scale);
  let whole = false; // mag covers all of c[0..f]
  for (let k = 0; k <= f; k++) {
    const v = c[k];
    // an +Inf entry followed by a finite one is not convex
    if (v === Infinity) return false;
    if (!whole && Math.abs(v) > mag) mag = Math.abs(v);
    if (k < 2 || !(c[k] - c[k - 1] < c[k - 1] - c[k - 2] - CONVEXITY_ULPS * Number.EPSILON * mag)) continue;
    if (whole) return false;
    for (let i = k + 1; i <= f; i++) if (Math.abs(c[i]) > mag) mag = Math.abs(c[i]);
    whole = true;
    if (c[k] - c[k - 1] < c[k - 1] - c[k - 2] - CONVEXITY_ULPS * Number.EPSILON * mag) return false;
  }
  return true;
}

/** Spreads t workloads over m identical convex nodes as evenly as possible (an optimum for convex curves). */
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

/** One node's curve of a group as an array of length n+1 (a linear group is written out). */
export function nodeCurve(g: CostGroup, n: number): Float64Array {
  if (!isLinear(g)) return g.cost.length === n + 1 ? g.cost : resize(g.cost, n);
  const out = new Float64Array(n + 1).fill(Infinity);
  for (let k = 0; k <= Math.min(n, g.limit); k++) out[k] = k * g.slope;
  return out;
}

/** The combined curve of a group: one node's curve, or its m-fold min-plus power. */
export function groupCurve(g: CostGroup, n: number): Float64Array {
  const c = nodeCurve(g, n);
  return g.count === 1 ? c : minPlusPower(c, g.count, n);
}

/** Result of {@link mergeConvex}. */
export interface ConvexMerge {
  /** `curve[t]` = minimum total for t workloads over the merged groups (a convex curve). */
  curve: Float64Array;
  /** `order[t-1]` = index (into the merged list) of the group that takes the t-th workload. */
  order: Int32Array;
}

/**
 * Merges convex groups exactly by the greedy rule of separable convex allocation: the optimum for t
 * workloads takes the t smallest marginal costs, and since each node's marginals are non-decreasing,
 * a heap over the groups' next marginals yields them in order, nested in t. O(G + N log G).
 * A group of m identical nodes offers each marginal m times (one per node, spread evenly).
 */
export function mergeConvex(groups: readonly CostGroup[], n: number): ConvexMerge {
  const curve = new Float64Array(n + 1).fill(Infinity);
  curve[0] = 0;
  const order = new Int32Array(n).fill(-1);
  const G = groups.length;
  const level = new Int32Array(G);
  const left = new Int32Array(G);
  const fin = new Int32Array(G);
  const key = new Float64Array(G);
  const heap = new Int32Array(G);
  let size = 0;
  for (let g = 0; g < G; g++) {
    const grp = groups[g];
    if (isLinear(grp)) {
      fin[g] = grp.slope === Infinity || Number.isNaN(grp.slope) ? 0 : Math.max(0, grp.limit);
      key[g] = grp.slope;
    } else {
      fin[g] = lastFinite(grp.cost);
      if (fin[g] >= 1) key[g] = grp.cost[1] - grp.cost[0];
    }
    if (fin[g] < 1 || grp.count < 1) continue;
    left[g] = groups[g].count;
    heap[size++] = g;
  }
  for (let i = (size >> 1) - 1; i >= 0; i--) siftDown(heap, key, size, i);
  for (let t = 1; t <= n && size > 0; t++) {
    const g = heap[0];
    curve[t] = curve[t - 1] + key[g];
    order[t - 1] = g;
    if (--left[g] > 0) continue;
    const next = ++level[g];
    if (next + 1 <= fin[g]) {
      const grp = groups[g];
      if (!isLinear(grp)) key[g] = grp.cost[next + 1] - grp.cost[next];
      left[g] = grp.count;
    } else {
      heap[0] = heap[--size];
    }
    siftDown(heap, key, size, 0);
  }
  return { curve, order };
}

/** Restores the min-heap `heap[0..size)` of group indices below i, ordered by `key` (ties: lower index first). */
function siftDown(heap: Int32Array, key: Float64Array, size: number, i: number): void {
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < size && before(key, heap[l], heap[m])) m = l;
    if (r < size && before(key, heap[r], heap[m])) m = r;
    if (m === i) return;
    const t = heap[i];
    heap[i] = heap[m];
    heap[m] = t;
    i = m;
  }
}

/** Heap order: smaller key first, then the lower group index. */
function before(key: Float64Array, a: number, b: number): boolean {
  return key[a] < key[b] || (key[a] === key[b] && a < b);
}

/** Which groups are convex (linear ones always are). */
export function convexGroups(groups: readonly CostGroup[]): boolean[] {
  return groups.map((g) => isLinear(g) || isConvex(g.cost, g.scale));
}

/**
 * How many min-plus additions {@link solvePlacement} needs, about: the DP over the non-convex groups
 * (each bounded by its last finite entry, with log₂ m squarings for m identical nodes), the join, and
 * the greedy merge of the convex ones. Used to decide whether a solve may block the caller.
 */
export function placementWork(groups: readonly CostGroup[], n: number, isConvexGroup: ArrayLike<boolean> = convexGroups(groups)): number {
  let work = 0;
  let nonConvex = false;
  groups.forEach((g, gi) => {
    work += 1;
    if (isLinear(g) || isConvexGroup[gi]) return;
    nonConvex = true;
    const fin = lastFinite(g.cost);
    work += (Math.max(fin, 0) + 1) * (n + 1) * (g.count === 1 ? 1 : 2 * Math.ceil(Math.log2(g.count + 1)));
  });
  return work + n * Math.log2(groups.length + 2) + (nonConvex ? (n + 1) * (n + 1) : 0);
}

/**
 * Solves the placement for k = 0..n over the given groups: convex groups are merged greedily
 * ({@link mergeConvex}), the others are folded in by the min-plus DP, and one last convolution joins the
 * two. With `explain`, also reconstructs, for each k, how many workloads each node takes (non-convex
 * groups of several nodes are expanded node by node so the reconstruction stays exact).
 */
export function solvePlacement(
  groups: readonly CostGroup[],
  n: number,
  explain = false,
  isConvexGroup: ArrayLike<boolean> = convexGroups(groups),
): PlacementSolution {
  const convex: number[] = [];
  const units: { group: number; curve: Float64Array }[] = [];
  groups.forEach((g, gi) => {
    if (isLinear(g) || isConvexGroup[gi]) convex.push(gi);
    else if (g.count === 1 || !explain) units.push({ group: gi, curve: groupCurve(g, n) });
    else for (let i = 0; i < g.count; i++) units.push({ group: gi, curve: resize(g.cost, n) });
  });
  const merged = mergeConvex(
    convex.map((gi) => groups[gi]),
    n,
  );
  const args: Int32Array[] = [];
  let dp: Float64Array;
  // without explain, the first fold (from the identity) is the first curve itself, and each later fold
  // writes into the buffer the one before last used (two arrays in all)
  let spare: Float64Array | undefined;
  if (explain || units.length === 0) dp = identity(n);
  else {
    dp = foldIdentity(units[0].curve, n);
    spare = new Float64Array(n + 1);
  }
  for (let i = spare ? 1 : 0; i < units.length; i++) {
    const arg = explain ? new Int32Array(n + 1).fill(-1) : undefined;
    const next = minPlusConvolve(dp, units[i].curve, n, arg, spare);
    if (spare) spare = dp;
    dp = next;
    if (arg) args.push(arg);
  }
  // joins: totals[t] = min_b merged[t-b] + dp[b]; `split[t]` = b, the share of the non-convex units
  const split = explain ? new Int32Array(n + 1).fill(-1) : undefined;
  const totals = units.length === 0 ? merged.curve : convex.length === 0 ? dp : minPlusConvolve(merged.curve, dp, n, split, spare);
  if (!explain) return { totals };
  const counts: (number[][] | undefined)[] = [];
  for (let k = 1; k <= n; k++) {
    if (totals[k] === Infinity) {
      counts.push(undefined);
      continue;
    }
    const b = units.length === 0 ? 0 : convex.length === 0 ? k : (split as Int32Array)[k];
    const perGroup: number[][] = groups.map(() => []);
    // convex part: the first k−b greedy steps
    const taken = new Array<number>(convex.length).fill(0);
    for (let s = 0; s < k - b; s++) taken[merged.order[s]]++;
    convex.forEach((gi, i) => perGroup[gi].push(...spreadEvenly(taken[i], groups[gi].count)));
    // non-convex part: walk the DP back
    const unitTaken = new Array<number>(units.length);
    let t = b;
    for (let u = units.length - 1; u >= 0; u--) {
      unitTaken[u] = args[u][t];
      t -= unitTaken[u];
    }
    units.forEach((u, i) => perGroup[u.group].push(unitTaken[i]));
    counts.push(perGroup);
  }
  return { totals, counts };
}

/** The min-plus identity of length n+1: `[0, +Inf, …]`. */
function identity(n: number): Float64Array {
  const a = new Float64Array(n + 1).fill(Infinity);
  a[0] = 0;
  return a;
}

/**
 * The min-plus convolution of the identity with `c`, as the textbook loop computes it: `0 + c[t]` where
 * that is below +Inf (so −0 becomes +0 and NaN +Inf), +Inf elsewhere and beyond `c`.
 */
function foldIdentity(c: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n + 1);
  for (let t = 0; t <= n; t++) {
    const v = t < c.length ? 0 + c[t] : Infinity;
    out[t] = v < Infinity ? v : Infinity;
  }
  return out;
}

/** Copies `c` to length n+1, padding with +Inf. */
function resize(c: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n + 1).fill(Infinity);
  out.set(c.subarray(0, n + 1));
  return out;
}
