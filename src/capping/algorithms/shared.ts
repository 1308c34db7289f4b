/**
 * @module capping/algorithms/shared
 * What the built-in algorithms share: the watts each replica is planned at, the replicas a target needs,
 * the budget left for the targets, and a fair whole-replica filler.
 */
import { Type, type Static } from 'typebox';
import { worstReplicaWatts } from '../algorithm/guard.js';
import type { CappingState, ReplicaDecision, TargetState } from '../algorithm/types.js';

/**
 * Parameter every budget-sharing built-in takes: the watts per replica to plan with. `capacity` (default):
 * the worst case, the larger of p90 and the power at capacity (a capped replica runs at capacity); `load`:
 * each replica at the power it draws at the load it will serve (see {@link replicaCosts}); `p90`; `p50`.
 */
export const PercentileParam = Type.Union([Type.Literal('capacity'), Type.Literal('load'), Type.Literal('p90'), Type.Literal('p50')], {
  default: 'capacity',
  description: 'Watts per replica to plan with',
});
export type Percentile = Static<typeof PercentileParam>;

/**
 * Watts each replica of `t` is planned at, replica 1 to `maxReplicas` (index k is replica k + 1).
 * `capacity` (default): every replica at the worst case, the larger of p90 and `atCapacity`. `load`: when
 * the power fit (`atIdle`, `atCapacity`) and the demand and work per replica are known, replica k costs
 * its power at the load it adds, `atIdle + (atCapacity − atIdle) × min(work, demand − (k − 1) × work) / work`,
 * and replicas beyond the demand (headroom, which a rising load would fill) the worst case; without the
 * fit, the worst case. `p90` / `p50`: every replica at that percentile. All zeros without power data.
 */
export function replicaCosts(t: TargetState, percentile: Percentile = 'capacity'): number[] {
  const out = new Array<number>(t.maxReplicas).fill(0);
  const w = t.wattsPerReplica;
  if (!w) return out;
  if (percentile === 'p50' || percentile === 'p90') return out.fill(w[percentile]);
  const worst = worstReplicaWatts(t);
  out.fill(worst);
  if (percentile === 'capacity') return out;
  const work = t.workPerReplica;
  if (w.atIdle === undefined || w.atCapacity === undefined || work === undefined || t.demand === undefined) return out;
  const perWork = Math.max(0, w.atCapacity - w.atIdle) / work;
  for (let k = 0; k < out.length && t.demand - k * work > 1e-9; k++)
    out[k] = Math.min(worst, w.atIdle + perWork * Math.min(work, t.demand - k * work));
  return out;
}

/** Watts of the first `n` replicas planned at `costs`. */
export function costOf(costs: readonly number[], n: number): number {
  let s = 0;
  for (let k = 0; k < n; k++) s += costs[k];
  return s;
}

/**
 * Replicas a target needs now: the autoscaler's wish, else demand over work per replica, else what runs;
 * within `[minReplicas, maxReplicas]`.
 */
export function neededReplicas(t: TargetState): number {
  let n = t.replicas;
  if (t.desiredReplicas !== undefined) n = t.desiredReplicas;
  else if (t.demand !== undefined && t.workPerReplica !== undefined) n = Math.ceil(t.demand / t.workPerReplica - 1e-9);
  return Math.min(t.maxReplicas, Math.max(t.minReplicas, n));
}

/** Targets with power data (the others are held by the guard and their power is reserved). */
export function plannable(state: CappingState): TargetState[] {
  return state.targets.filter((t) => t.wattsPerReplica !== undefined);
}

/**
 * Watts the plannable targets may use: the budget less the baseline and less the measured power of
 * targets without power data (what is left of `currentWatts` once the others are accounted).
 */
export function usableWatts(state: CappingState): number {
  const known = plannable(state).reduce((s, t) => s + t.replicas * (t.wattsPerReplica?.p50 ?? 0), 0);
  const unknown = state.targets.length > plannable(state).length ? Math.max(0, state.currentWatts - state.baselineWatts - known) : 0;
  return state.policy.budgetWatts - state.baselineWatts - unknown;
}

/**
 * Adds whole replicas one at a time, each to the target with the lowest `alloc / share` whose next replica
 * (costing `costs[i][alloc[i]]` watts) still fits in `watts` and is below its cap (ties: lower index); a
 * target whose next replica does not fit gets no more. Mutates `alloc`; returns the watts left.
 */
export function fillProportionally(
  alloc: number[],
  caps: readonly number[],
  costs: ReadonlyArray<readonly number[]>,
  shares: readonly number[],
  watts: number,
  members?: readonly number[],
): number {
  const heap = new MinHeap();
  for (const i of members ?? alloc.keys()) if (alloc[i] < caps[i]) heap.push(alloc[i] / shares[i], i);
  let left = watts;
  while (heap.size > 0) {
    const i = heap.pop();
    const cost = costs[i][alloc[i]];
    if (cost > left + 1e-9) continue;
    alloc[i]++;
    left -= cost;
    if (alloc[i] < caps[i]) heap.push(alloc[i] / shares[i], i);
  }
  return left;
}

/** Turns an allocation over `targets` into replica decisions with one reason per target. */
export function toDecisions(
  targets: readonly TargetState[],
  alloc: readonly number[],
  reason: (t: TargetState, n: number, i: number) => string,
): ReplicaDecision[] {
  return targets.map((t, i) => ({ target: t.id, maxReplicas: alloc[i], reason: reason(t, alloc[i], i) }));
}

/** A binary min-heap of (key, index), ties broken by the smaller index. */
export class MinHeap {
  private keys: number[] = [];
  private ids: number[] = [];

  get size(): number {
    return this.keys.length;
  }

  push(key: number, id: number): void {
    this.keys.push(key);
    this.ids.push(id);
    let i = this.keys.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  /** Removes and returns the index with the smallest key. */
  pop(): number {
    const top = this.ids[0];
    const lastK = this.keys.pop() as number;
    const lastI = this.ids.pop() as number;
    if (this.keys.length > 0) {
      this.keys[0] = lastK;
      this.ids[0] = lastI;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.keys.length && this.less(l, m)) m = l;
        if (r < this.keys.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    return this.keys[a] < this.keys[b] || (this.keys[a] === this.keys[b] && this.ids[a] < this.ids[b]);
  }

  private swap(a: number, b: number): void {
    [this.keys[a], this.keys[b]] = [this.keys[b], this.keys[a]];
    [this.ids[a], this.ids[b]] = [this.ids[b], this.ids[a]];
  }
}
