/**
 * @module agent/attribution/attribute
 * Attribution of one interval's node energy to the workloads of one level (process, container, pod or
 * VM), per zone. Each workload's share is its CPU-time delta over the sum of ALL process CPU-time
 * deltas; CPU time outside the level (processes in no container, for the container level) is a residual
 * share that stays unattributed at that level. Shares are exact integers: Σ over the level's workloads
 * plus the residual equals the zone's energy to the microjoule.
 */
import { apportionInto } from './apportion.js';

/** The result for one level: per workload, per zone µJ; and the residual per zone. */
export interface LevelAttribution {
  /** `shares[w][z]`: µJ of zone z given to workload w. */
  shares: number[][];
  /** `residual[z]`: µJ of zone z owned by CPU time outside this level's workloads. */
  residual: number[];
}

/**
 * Attributes per-zone energy to the first `n` workloads by weight, into flat arrays (the refresh hot
 * path: no allocation). `weights` holds workload w's CPU-time delta at `w` and must have room for
 * `n + 1` entries (entry `n` is overwritten with the residual weight); `totalWeight` is the sum over all
 * processes (≥ Σweights). Workload w's µJ of zone z goes to `shares[w * Z + z]` (Z zones; `shares`
 * holds at least `(n + 1) * Z` entries) and the residual of zone z to `residual[z]`. When `totalWeight`
 * is 0 nothing is attributed and the whole energy is residual.
 */
export function attributeLevelInto(
  zoneEnergy: readonly number[],
  weights: { [i: number]: number },
  n: number,
  totalWeight: number,
  shares: { [i: number]: number },
  residual: { [i: number]: number },
): void {
  const zones = zoneEnergy.length;
  let inLevel = 0;
  for (let w = 0; w < n; w++) if (weights[w] > 0) inLevel += weights[w];
  const residualWeight = Math.max(0, totalWeight - inLevel);
  weights[n] = residualWeight;
  for (let z = 0; z < zones; z++) {
    if (!(inLevel + residualWeight > 0)) {
      for (let w = 0; w < n; w++) shares[w * zones + z] = 0;
      residual[z] = zoneEnergy[z];
      continue;
    }
    apportionInto(zoneEnergy[z], weights, n + 1, shares, z, zones);
    residual[z] = shares[n * zones + z];
  }
}

/**
 * Attributes per-zone energy to workloads by weight. `weights[w]` is workload w's CPU-time delta;
 * `totalWeight` is the sum over all processes (≥ Σweights). When `totalWeight` is 0 nothing is attributed
 * and the whole energy is residual.
 */
export function attributeLevel(zoneEnergy: readonly number[], weights: readonly number[], totalWeight: number): LevelAttribution {
  const n = weights.length;
  const zones = zoneEnergy.length;
  const w = new Float64Array(n + 1);
  w.set(weights);
  const flat = new Float64Array((n + 1) * zones);
  const residual = new Array<number>(zones).fill(0);
  attributeLevelInto(zoneEnergy, w, n, totalWeight, flat, residual);
  const shares = Array.from({ length: n }, (_, i) => Array.from(flat.subarray(i * zones, (i + 1) * zones)));
  return { shares, residual };
}
