/**
 * @module estimator/costs
 * From predicted watts to per-node cost curves (pure). A node's cost of taking k workloads is
 * W(k) − W(0). As in WAO, a node whose prediction fails anywhere (a non-finite watt value) takes 0
 * workloads for free and any k ≥ 1 at +Inf; beyond the node's free-CPU capacity the cost is +Inf.
 */

/**
 * The cost curve of one node: `cost[k] = W(k) − W(0)` for k = 0..N (so `cost[0] = 0`), +Inf for
 * every k above `capacity` (the number of workloads its free CPU holds; Infinity when unknown), and
 * `[0, +Inf, …]` when any predicted value is not finite.
 */
export function costCurve(watts: ArrayLike<number>, capacity = Infinity): Float64Array {
  const n = watts.length - 1;
  const out = new Float64Array(n + 1);
  let ok = true;
  for (let k = 0; k <= n && ok; k++) ok = Number.isFinite(watts[k]);
  for (let k = 1; k <= n; k++) out[k] = ok && k <= capacity ? watts[k] - watts[0] : Infinity;
  for (let k = 1; k <= n; k++) if (Number.isNaN(out[k]) || out[k] === -Infinity) out[k] = Infinity;
  return out;
}

/** How many workloads of `cpuMilli` fit in `freeMilli` of CPU; Infinity when either is unknown or cpuMilli is 0. */
export function workloadCapacity(freeMilli: number | undefined, cpuMilli: number): number {
  if (freeMilli === undefined || !Number.isFinite(freeMilli) || cpuMilli <= 0) return Infinity;
  return Math.max(0, Math.floor(freeMilli / cpuMilli + 1e-9));
}
