/**
 * @module agent/attribution/attribute
 * Attribution of one interval's node energy to the workloads of one level (process, container, pod or
 * VM), per zone. Each workload's share is its CPU-time delta over the sum of ALL process CPU-time
 * deltas; CPU time outside the level (processes in no container, for the container level) is a residual
 * share that stays unattributed at that level. Shares are exact integers: Σ over the level's workloads
 * plus the residual equals the zone's energy to the microjoule.
 */
import { apportion } from './apportion.js';

/** The result for one level: per workload, per zone µJ; and the residual per zone. */
export interface LevelAttribution {
  /** `shares[w][z]`: µJ of zone z given to workload w. */
  shares: number[][];
  /** `residual[z]`: µJ of zone z owned by CPU time outside this level's workloads. */
  residual: number[];
}

/**
 * Attributes per-zone energy to workloads by weight. `weights[w]` is workload w's CPU-time delta;
 * `totalWeight` is the sum over all processes (≥ Σweights). When `totalWeight` is 0 nothing is attributed
 * and the whole energy is residual.
 */
export function attributeLevel(zoneEnergy: readonly number[], weights: readonly number[], totalWeight: number): LevelAttribution {
  const n = weights.length;
  let inLevel = 0;
  for (const w of weights) inLevel += w > 0 ? w : 0;
  const residualWeight = Math.max(0, totalWeight - inLevel);
  const shares: number[][] = Array.from({ length: n }, () => new Array<number>(zoneEnergy.length).fill(0));
  const residual = new Array<number>(zoneEnergy.length).fill(0);
  const all = [...weights, residualWeight];
  for (let z = 0; z < zoneEnergy.length; z++) {
    if (!(inLevel + residualWeight > 0)) {
      residual[z] = zoneEnergy[z];
      continue;
    }
    const parts = apportion(zoneEnergy[z], all);
    for (let w = 0; w < n; w++) shares[w][z] = parts[w];
    residual[z] = parts[n];
  }
  return { shares, residual };
}
