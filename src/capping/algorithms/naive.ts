/**
 * @module capping/algorithms/naive
 * Climatik's rule, kept only as the baseline to beat: each target on its own against the whole budget,
 * max replicas = floor(budget / watts of the whole deployment) × replicas, and 1 when there is no data.
 */
import { Type } from 'typebox';
import type { CappingAlgorithm, CappingDecisions, CappingState } from '../algorithm/types.js';

/** No parameters. */
export const NaiveParameters = Type.Object({}, { additionalProperties: false });

/** Climatik's baseline. */
export function naiveDecide(state: CappingState): CappingDecisions {
  const budget = state.policy.budgetWatts;
  return {
    replicas: state.targets.map((t) => {
      const deploymentWatts = t.replicas * (t.wattsPerReplica?.p50 ?? 0);
      if (deploymentWatts <= 0) return { target: t.id, maxReplicas: 1, reason: 'naive: no power data for the deployment: 1 replica' };
      const n = Math.floor(budget / deploymentWatts) * t.replicas;
      return { target: t.id, maxReplicas: n, reason: `naive: floor(${budget} W / ${Math.round(deploymentWatts)} W) × ${t.replicas} replicas = ${n}` };
    }),
  };
}

/** Creates the naive algorithm. */
export function createNaive(): CappingAlgorithm {
  return { name: 'naive', decide: naiveDecide };
}
