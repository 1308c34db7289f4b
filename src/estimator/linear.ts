/**
 * @module estimator/linear
 * The exact answer when every node's predictor is linear in the request (pure).
 *
 * A node whose watts grow by the same `slope` per workload, up to its capacity, has a convex cost curve
 * whose every marginal is `slope`; the optimum for k workloads then takes the k smallest marginals
 * (the greedy rule {@link mergeConvex} applies with a heap). Ordering the node groups by slope once per
 * (snapshot, cpu_milli) leaves a request only a walk down that order: O(N + groups), no heap, no typed
 * arrays. The totals are the same floating-point sums, in the same order, as {@link mergeConvex}'s.
 * When slopes are proportional to cpu_milli (`(cpuMilli / 1000) × watts per core`), the order by watts
 * per core is an order by slope for every cpu_milli, so it is found once per snapshot.
 */
import { workloadCapacity } from './costs.js';

/** A group of nodes with one exact slope: their free CPU (millicores; +Inf when unknown). */
export interface SlopeGroup {
  /** Watts per workload, or per core when {@link linearTotals} is told `perCore`. */
  slope: number;
  /** Free CPU per node of the group. */
  free: ArrayLike<number>;
}

/**
 * Orders groups for {@link linearTotals}: by slope, ascending (stable); groups whose slope is not
 * finite take no workload (a failed prediction) and are left out.
 */
export function orderBySlope<T extends SlopeGroup>(groups: readonly T[]): T[] {
  return groups.filter((g) => Number.isFinite(g.slope)).sort((a, b) => a.slope - b.slope);
}

/**
 * `out[k-1]` = the least total watt increase of k workloads of `cpuMilli` each, k = 1..n, over groups
 * ordered by {@link orderBySlope}: each node takes up to the workloads its free CPU holds, cheapest
 * slope first; +Inf for every k beyond what all nodes hold together. With `perCore`, each group's
 * `slope` is watts per core and a workload adds `(cpuMilli / 1000) × slope`.
 */
export function linearTotals(ordered: readonly SlopeGroup[], cpuMilli: number, n: number, perCore = false): number[] {
  const out = new Array<number>(n);
  let t = 0;
  let total = 0;
  for (let g = 0; g < ordered.length && t < n; g++) {
    const { free } = ordered[g];
    const slope = perCore ? (cpuMilli / 1000) * ordered[g].slope : ordered[g].slope;
    for (let i = 0; i < free.length && t < n; i++) {
      const end = Math.min(n, t + workloadCapacity(free[i], cpuMilli));
      while (t < end) {
        total += slope;
        out[t++] = total;
      }
    }
  }
  while (t < n) out[t++] = Infinity;
  return out;
}
