/**
 * @module capping/algorithm/guard
 * The safety rules every algorithm's proposal passes through, in one pure function shared by the
 * operator's Actuator and the simulator (so the simulator measures exactly what the cluster would do).
 *
 * Per target, with `prev` = the limit in force (`currentLimit`, or `maxReplicas` when uncapped):
 * 1. No power data (`wattsPerReplica` absent) → hold `prev`. Missing metrics never scale anything.
 * 2. Floors and max: the proposal is clamped to `[minReplicas, maxReplicas]`.
 * 3. Lowering below the running replicas (cutting replicas) only when the policy's power, or its
 *    forecast, is at or above `act × budget`; otherwise a lower proposal becomes a ceiling at the
 *    running replicas (pre-emptive: later growth is bounded, nothing running is cut).
 * 4. Raising: only to the lowest limit proposed over the stabilization window, and only while power is
 *    below `release × budget` or the raise is funded: power now plus what every raised target could
 *    still add up to its new limit (at worst-case watts per replica: p90 or at capacity) stays within the budget. Raises are
 *    granted in priority order until one is not funded.
 * 5. Cooldown: a target changed less than `cooldownSeconds` ago keeps its limit.
 * Pod evictions/migrations pass only when allowed, at or above the act line, for targets with power data,
 * never taking a target below its floor. Requests and alerts pass only when their action is allowed.
 */
import type { AlertDecision, CappingDecisions, CappingState, PodDecision, RequestsDecision, TargetState } from './types.js';

/**
 * What the guard remembers between steps: per target id, the recent proposals (`[nowSeconds, limit]`)
 * that can still be the lowest of the stabilization window (each lower than every later one).
 */
export interface GuardMemory {
  proposals: Record<string, Array<[number, number]>>;
}

/** A fresh, empty memory. */
export function emptyGuardMemory(): GuardMemory {
  return { proposals: {} };
}

/** The outcome for one target after the guard. */
export interface GuardedTargetDecision {
  target: string;
  /** The limit in force before this step. */
  previousLimit: number;
  /** The limit to apply (equal to `previousLimit` when nothing changes). */
  maxReplicas: number;
  /** What the algorithm proposed, before any rule; absent when it proposed nothing. */
  proposed?: number;
  change: 'lower' | 'raise' | 'none';
  /** True when the limit equals the target's own maximum: the capper should restore the user's value. */
  uncapped: boolean;
  /** The algorithm's reason, plus the rule that changed or held it. */
  reason: string;
}

/** The decisions to act on, one entry per target of the state, in state order. */
export interface GuardedDecisions {
  targets: GuardedTargetDecision[];
  pods: PodDecision[];
  requests: RequestsDecision[];
  alerts: AlertDecision[];
}

/** Worst-case watts of one replica: the larger of p90 and the power at capacity (0 without data). */
export function worstReplicaWatts(t: TargetState): number {
  return t.wattsPerReplica ? Math.max(t.wattsPerReplica.p90, t.wattsPerReplica.atCapacity ?? 0) : 0;
}

/** The limit in force for a target. */
export function limitInForce(t: TargetState): number {
  return t.currentLimit ?? t.maxReplicas;
}

/**
 * Applies floors, max, cooldown and hysteresis to an algorithm's proposal. Pure: returns the decisions
 * and the next memory; neither the state nor the memory passed in is modified.
 */
export function applyGuards(
  state: CappingState,
  proposal: CappingDecisions,
  memory: GuardMemory,
): { decisions: GuardedDecisions; memory: GuardMemory } {
  const { policy, nowSeconds } = state;
  const { act, release, cooldownSeconds, stabilizationWindowSeconds } = policy.thresholds;
  const budget = policy.budgetWatts;
  const pressure = Math.max(state.currentWatts, state.forecastWatts ?? 0);
  const atAct = pressure >= act * budget;
  const allowed = new Set(policy.actions);
  const byTarget = new Map(proposal.replicas.map((d) => [d.target, d]));
  const next: GuardMemory = { proposals: {} };
  const out: GuardedTargetDecision[] = [];
  const raises: Array<{ index: number; t: TargetState }> = [];

  for (const t of state.targets) {
    const prev = limitInForce(t);
    const d = byTarget.get(t.id);
    const hold = (reason: string, proposed?: number): GuardedTargetDecision => ({
      target: t.id,
      previousLimit: prev,
      maxReplicas: prev,
      proposed,
      change: 'none',
      uncapped: prev >= t.maxReplicas,
      reason,
    });
    if (t.wattsPerReplica === undefined) {
      out.push(hold('no power data for this target: limit held', d?.maxReplicas));
      continue;
    }
    if (d === undefined) {
      out.push(hold('the algorithm proposed nothing for this target: limit held'));
      continue;
    }
    const notes: string[] = [];
    let p = d.maxReplicas;
    if (p < t.minReplicas) {
      p = t.minReplicas;
      notes.push(`raised to the floor ${t.minReplicas}`);
    } else if (p > t.maxReplicas) {
      p = t.maxReplicas;
      notes.push(`lowered to the maximum ${t.maxReplicas}`);
    }
    // The window is kept as a monotonic queue: a proposal followed by a lower one can never be the minimum.
    const window: Array<[number, number]> = [];
    for (const e of memory.proposals[t.id] ?? [])
      if (nowSeconds - e[0] < stabilizationWindowSeconds && e[0] <= nowSeconds && e[1] < p) window.push(e);
    window.push([nowSeconds, p]);
    next.proposals[t.id] = window;
    if (p < prev && p < t.replicas && !atAct) {
      const ceiling = Math.min(prev, t.replicas);
      notes.push(`power ${round(pressure)} W is below the act line ${round(act * budget)} W: running replicas are not cut, ceiling ${ceiling}`);
      p = ceiling;
    }
    if (p > prev) {
      const stable = window[0][1]; // the queue is increasing: its first entry is the lowest
      if (stable < p) {
        notes.push(`stabilization window ${stabilizationWindowSeconds}s: raise only to ${Math.max(stable, prev)}`);
        p = Math.max(stable, prev);
      }
    }
    const why = notes.length === 0 ? d.reason : `${d.reason}; ${notes.join('; ')}`;
    if (p === prev) {
      out.push(hold(why, d.maxReplicas));
      continue;
    }
    if (t.secondsSinceLastAction !== undefined && t.secondsSinceLastAction < cooldownSeconds) {
      out.push(hold(`${why}; cooldown: changed ${round(t.secondsSinceLastAction)}s ago (cooldown ${cooldownSeconds}s)`, d.maxReplicas));
      continue;
    }
    out.push({
      target: t.id,
      previousLimit: prev,
      maxReplicas: p,
      proposed: d.maxReplicas,
      change: p < prev ? 'lower' : 'raise',
      uncapped: p >= t.maxReplicas,
      reason: why,
    });
    if (p > prev) raises.push({ index: out.length - 1, t });
  }

  // Raises: free below the release line, else only while funded within the budget.
  if (raises.length > 0 && pressure >= release * budget) {
    let worst = state.currentWatts;
    for (const [i, t] of state.targets.entries()) {
      const o = out[i];
      worst += Math.max(0, (o.change === 'raise' ? o.previousLimit : o.maxReplicas) - t.replicas) * worstReplicaWatts(t);
    }
    raises.sort((a, b) => b.t.priority - a.t.priority || a.index - b.index);
    let funded = true;
    for (const { index, t } of raises) {
      const o = out[index];
      const add = (Math.max(0, o.maxReplicas - t.replicas) - Math.max(0, o.previousLimit - t.replicas)) * worstReplicaWatts(t);
      if (funded && worst + add <= budget) {
        worst += add;
        o.reason += `; raise funded: worst case ${round(worst)} W within the budget ${round(budget)} W`;
        continue;
      }
      funded = false;
      out[index] = {
        ...o,
        maxReplicas: o.previousLimit,
        change: 'none',
        uncapped: o.previousLimit >= t.maxReplicas,
        reason: `${o.reason}; power ${round(pressure)} W is above the release line ${round(release * budget)} W and the raise is not funded: limit held`,
      };
    }
  }

  const stateById = new Map(proposal.pods?.length || proposal.requests?.length ? state.targets.map((t, i) => [t.id, { t, o: out[i] }]) : []);
  const pods: PodDecision[] = [];
  const evicted = new Map<string, number>();
  for (const pd of proposal.pods ?? []) {
    const e = stateById.get(pd.target);
    if (!e || !allowed.has(pd.action) || !atAct || e.t.wattsPerReplica === undefined) continue;
    if (e.t.secondsSinceLastAction !== undefined && e.t.secondsSinceLastAction < cooldownSeconds && e.o.change === 'none') continue;
    const n = (evicted.get(pd.target) ?? 0) + 1;
    if (pd.action === 'Evict' && e.t.replicas - n < e.t.minReplicas) continue;
    if (pd.action === 'Evict') evicted.set(pd.target, n);
    pods.push(pd);
  }
  const requests = allowed.has('SetRequests') ? (proposal.requests ?? []).filter((r) => stateById.has(r.target)) : [];
  const alerts = allowed.has('Alert') ? [...(proposal.alerts ?? [])] : [];
  const floorWatts = state.baselineWatts + state.targets.reduce((s, t) => s + t.minReplicas * worstReplicaWatts(t), 0);
  if (allowed.has('Alert') && floorWatts > budget)
    alerts.push({ severity: 'warning', reason: `the floors alone need ${round(floorWatts)} W, over the budget ${round(budget)} W: floors win` });
  return { decisions: { targets: out, pods, requests, alerts }, memory: next };
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
