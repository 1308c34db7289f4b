/**
 * @module capping/algorithms/proportional
 * Shares the budget across targets by demand, in whole replicas: floors first, then each target up to
 * what it needs in proportion to that need, then the rest of the budget as headroom up to each maximum,
 * again in proportion to need.
 */
import { Type, type Static } from 'typebox';
import type { CappingAlgorithm, CappingDecisions, CappingState } from '../algorithm/types.js';
import { PercentileParam, fillProportionally, neededReplicas, costOf, plannable, replicaCosts, toDecisions, usableWatts } from './shared.js';

/** Parameters of `proportional`. */
export const ProportionalParameters = Type.Object({ percentile: Type.Optional(PercentileParam) }, { additionalProperties: false });
export type ProportionalParameters = Static<typeof ProportionalParameters>;

/** The proportional share. */
export function proportionalDecide(state: CappingState, params: ProportionalParameters = {}): CappingDecisions {
  const targets = plannable(state);
  const w = targets.map((t) => replicaCosts(t, params.percentile));
  const need = targets.map(neededReplicas);
  const alloc = targets.map((t) => t.minReplicas);
  let left = usableWatts(state) - alloc.reduce((s, n, i) => s + costOf(w[i], n), 0);
  const shares = need.map((n) => Math.max(n, 1));
  left = fillProportionally(alloc, need, w, shares, left);
  const short = alloc.some((n, i) => n < need[i]);
  fillProportionally(
    alloc,
    targets.map((t) => t.maxReplicas),
    w,
    shares,
    left,
  );
  return {
    replicas: toDecisions(targets, alloc, (_t, n, i) =>
      short
        ? `proportional: budget short of the need, ${n} of ${need[i]} needed replicas (shared by need)`
        : `proportional: need ${need[i]} met, headroom to ${n}`,
    ),
  };
}

/** Creates `proportional`. */
export function createProportional(params: ProportionalParameters): CappingAlgorithm {
  return { name: 'proportional', decide: (s) => proportionalDecide(s, params) };
}
