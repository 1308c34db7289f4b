/**
 * @module capping/algorithms/priority
 * Fills targets in priority order (higher `priority` first), so the lowest priority is cut first:
 * floors for all, then each priority level up to its need (shared by need within a level), then the rest
 * of the budget as headroom up to each maximum, shared by need (headroom reserved for an idle
 * high-priority target would only block the others).
 */
import { Type, type Static } from 'typebox';
import type { CappingAlgorithm, CappingDecisions, CappingState } from '../algorithm/types.js';
import { PercentileParam, fillProportionally, neededReplicas, costOf, plannable, replicaCosts, toDecisions, usableWatts } from './shared.js';

/** Parameters of `priority`. */
export const PriorityParameters = Type.Object({ percentile: Type.Optional(PercentileParam) }, { additionalProperties: false });
export type PriorityParameters = Static<typeof PriorityParameters>;

/** The priority fill. */
export function priorityDecide(state: CappingState, params: PriorityParameters = {}): CappingDecisions {
  const targets = plannable(state);
  const w = targets.map((t) => replicaCosts(t, params.percentile));
  const need = targets.map(neededReplicas);
  const max = targets.map((t) => t.maxReplicas);
  const alloc = targets.map((t) => t.minReplicas);
  const shares = need.map((n) => Math.max(n, 1));
  const levels = [...new Set(targets.map((t) => t.priority))]
    .sort((a, b) => b - a)
    .map((p) => [...targets.keys()].filter((i) => targets[i].priority === p));
  let left = usableWatts(state) - alloc.reduce((s, n, i) => s + costOf(w[i], n), 0);
  for (const members of levels) left = fillProportionally(alloc, need, w, shares, left, members);
  fillProportionally(alloc, max, w, shares, left);
  return {
    replicas: toDecisions(targets, alloc, (t, n, i) =>
      n < need[i]
        ? `priority: ${n} of ${need[i]} needed replicas; priority ${t.priority} is cut before higher ones`
        : `priority: need ${need[i]} met (priority ${t.priority}), headroom to ${n}`,
    ),
  };
}

/** Creates `priority`. */
export function createPriority(params: PriorityParameters): CappingAlgorithm {
  return { name: 'priority', decide: (s) => priorityDecide(s, params) };
}
