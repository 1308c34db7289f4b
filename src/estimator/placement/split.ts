/**
 * @module estimator/placement/split
 * Multi-cluster placement (WAOFed's job), pure: each cluster's estimator answers `watt_increases[k-1]`,
 * the least total increase for k workloads inside that cluster; the split of N workloads across
 * clusters that adds the fewest watts in total is the same min-plus combination, over clusters instead
 * of nodes. A cluster whose estimator failed is a row of +Inf (it takes none), as in WAOFed.
 */
import { solvePlacement, type CostGroup } from '../minplus.js';

/** One cluster's answer. */
export interface ClusterCurve {
  name: string;
  /** `watt_increases` for k = 1..N (+Inf where it cannot place k). */
  wattIncreases: readonly number[];
}

/** The best split. */
export interface ClusterSplit {
  /** Least total watts added for N workloads (+Inf when no split places them all). */
  total: number;
  /** Workloads per cluster (every cluster listed, 0 included); undefined when `total` is +Inf. */
  counts?: Record<string, number>;
}

/** The split of `n` workloads over the clusters' curves that adds the fewest watts. */
export function splitAcrossClusters(clusters: readonly ClusterCurve[], n: number): ClusterSplit {
  if (n === 0) return { total: 0, counts: Object.fromEntries(clusters.map((c) => [c.name, 0])) };
  const groups: CostGroup[] = clusters.map((c) => {
    const cost = new Float64Array(n + 1).fill(Infinity);
    cost[0] = 0;
    for (let k = 1; k <= n && k <= c.wattIncreases.length; k++) {
      const v = c.wattIncreases[k - 1];
      cost[k] = Number.isNaN(v) ? Infinity : v;
    }
    return { cost, count: 1 };
  });
  const sol = solvePlacement(groups, n, true);
  const total = sol.totals[n];
  const perGroup = sol.counts?.[n - 1];
  if (total === Infinity || !perGroup) return { total: Infinity };
  return { total, counts: Object.fromEntries(clusters.map((c, i) => [c.name, perGroup[i][0]])) };
}
