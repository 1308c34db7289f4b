/**
 * @module capping/algorithms/efficiency
 * Maximises the total useful work served within the budget: a knapsack over replicas per target, where
 * replica n of a target is worth min(demand, n × workPerReplica) − min(demand, (n−1) × workPerReplica)
 * and weighs its planned watts (`replicaCosts`: its power at the load it adds); floors are taken first. Solved exactly (see `knapsack.ts`). Budget
 * left after the work is maximised becomes headroom, shared by need, up to each maximum.
 * A target without `performance` data (no demand or work per replica) counts each replica it needs as
 * worth the median work per replica of the targets that have it (1 when none has).
 */
import { Type, type Static } from 'typebox';
import type { AlertDecision, CappingAlgorithm, CappingDecisions, CappingState, TargetState } from '../algorithm/types.js';
import { solveReplicaKnapsack } from './knapsack.js';
import { PercentileParam, fillProportionally, neededReplicas, costOf, plannable, replicaCosts, toDecisions, usableWatts } from './shared.js';

/** Parameters of `efficiency`. */
export const EfficiencyParameters = Type.Object(
  {
    percentile: Type.Optional(PercentileParam),
    nodeLimit: Type.Optional(
      Type.Integer({
        minimum: 1000,
        maximum: 10_000_000,
        default: 5_000,
        description: 'Branch-and-bound nodes before the best solution found is used',
      }),
    ),
  },
  { additionalProperties: false },
);
export type EfficiencyParameters = Static<typeof EfficiencyParameters>;

/** Marginal work of each replica above the floor, up to the max; zero once demand is served. */
export function marginalWork(t: TargetState, fallbackWork: number): number[] {
  const perReplica = t.workPerReplica ?? fallbackWork;
  const demand = t.demand !== undefined && t.workPerReplica !== undefined ? t.demand : neededReplicas(t) * perReplica;
  const out: number[] = [];
  for (let n = t.minReplicas + 1; n <= t.maxReplicas; n++) {
    const v = Math.min(demand, n * perReplica) - Math.min(demand, (n - 1) * perReplica);
    if (v <= 0) break;
    out.push(v);
  }
  return out;
}

const round = (x: number) => Math.round(x * 10) / 10;

function median(xs: number[]): number {
  if (xs.length === 0) return 1;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** The efficiency allocation. */
export function efficiencyDecide(state: CappingState, params: EfficiencyParameters = {}): CappingDecisions {
  const targets = plannable(state);
  const w = targets.map((t) => replicaCosts(t, params.percentile));
  const fallback = median(targets.filter((t) => t.workPerReplica !== undefined && t.demand !== undefined).map((t) => t.workPerReplica as number));
  const alloc = targets.map((t) => t.minReplicas);
  const room = usableWatts(state) - alloc.reduce((s, n, i) => s + costOf(w[i], n), 0);
  const alerts: AlertDecision[] = [];
  let optimal = true;
  let left = room;
  if (room > 0) {
    const sol = solveReplicaKnapsack(
      targets.map((t, i) => {
        const values = marginalWork(t, fallback);
        return { weights: w[i].slice(t.minReplicas, t.minReplicas + values.length), values };
      }),
      room,
      params.nodeLimit ?? 5_000,
    );
    for (const [i, n] of sol.counts.entries()) alloc[i] += n;
    left = room - sol.weight;
    optimal = sol.optimal;
    if (!sol.optimal)
      alerts.push({
        severity: 'info',
        reason: `efficiency: search stopped after ${sol.nodes} nodes; the best allocation found (work ${round(sol.value)}, at most ${round(sol.upperBound)} possible) is used`,
      });
  }
  const need = targets.map(neededReplicas);
  const shares = need.map((n) => Math.max(n, 1));
  left = fillProportionally(alloc, need, w, shares, left);
  fillProportionally(
    alloc,
    targets.map((t) => t.maxReplicas),
    w,
    shares,
    left,
  );
  return {
    replicas: toDecisions(
      targets,
      alloc,
      (t, n) =>
        `efficiency: ${n} replicas maximise the work served within the budget${optimal ? '' : ' (best found)'}${t.workPerReplica === undefined ? ' (no performance data: replicas valued at the median work)' : ''}`,
    ),
    alerts,
  };
}

/** Creates `efficiency`. */
export function createEfficiency(params: EfficiencyParameters): CappingAlgorithm {
  return { name: 'efficiency', decide: (s) => efficiencyDecide(s, params) };
}
