/**
 * @module capping/sim/bound
 * The best any capper could do on a scenario: at every step, the most load servable by whole replicas
 * whose power fits the budget, with the scenario's own replica model (no noise, floors running, readiness
 * ignored: an upper bound). Per step an exact search over replica counts: a dynamic programme over
 * workloads keeping the Pareto front of (watts, load served).
 */
import { demandAt, type Scenario } from './scenario.js';

/** Load units servable at time `t` within `budget` watts (at most the demand). */
export function servableAt(s: Scenario, t: number, budget: number): number {
  const room = budget - (s.includeIdle ? s.nodes.reduce((a, n) => a + n.idleWatts, 0) : 0);
  let front: Array<[number, number]> = [[0, 0]];
  for (const w of s.workloads) {
    const d = demandAt(w, t);
    const top = Math.max(w.minReplicas, Math.min(w.maxReplicas, Math.ceil(d / w.capacityPerReplica - 1e-9)));
    const options: Array<[number, number]> = [];
    for (let n = w.minReplicas; n <= top; n++) {
      const served = Math.min(d, n * w.capacityPerReplica);
      options.push([n * w.replicaWatts.idle + w.replicaWatts.perUnit * served, served]);
    }
    const next: Array<[number, number]> = [];
    for (const [pw, ps] of front) for (const [ow, os] of options) if (pw + ow <= room + 1e-9) next.push([pw + ow, ps + os]);
    if (next.length === 0) return front.reduce((m, [, v]) => Math.max(m, v), 0) + options[0][1]; // floors over budget: floors run anyway
    next.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
    front = [];
    for (const p of next) if (front.length === 0 || p[1] > front[front.length - 1][1]) front.push(p);
  }
  return front[front.length - 1][1];
}

/** Fraction of the total demand (over the run) that the best possible capper serves. */
export function bestServedFraction(s: Scenario, budget: number): number {
  let demand = 0;
  let served = 0;
  for (let t = 0; t < s.durationSeconds; t += s.stepSeconds) {
    demand += s.workloads.reduce((a, w) => a + demandAt(w, t), 0);
    served += servableAt(s, t, budget);
  }
  return demand > 0 ? served / demand : 1;
}

/** Workload limit combinations above which {@link bestHeldLimitsServedFraction} is not computed. */
export const HELD_LIMITS_MAX_COMBINATIONS = 100_000;

/**
 * A reference for cappers that do not flap: the demand served (fraction of the total) when every
 * workload's limit is held for `holdSeconds` at a time (windows from t = 0), each window with the best
 * limits whose power stays within the budget at every step of it (the autoscaler's rule within the limits,
 * no noise, readiness ignored, floors running when nothing fits). Not an upper bound for every capper
 * that flaps at most once per window (one may still move monotonically within it), but the best any
 * capper holding its limits can do; the per-step bound ({@link bestServedFraction}) instead re-allocates
 * at every step. Exhaustive over limit combinations: `undefined` when there are more than
 * {@link HELD_LIMITS_MAX_COMBINATIONS}.
 */
export function bestHeldLimitsServedFraction(s: Scenario, budget: number, holdSeconds = 600): number | undefined {
  const ws = s.workloads;
  let combos = 1;
  for (const w of ws) combos *= w.maxReplicas - w.minReplicas + 1;
  if (combos > HELD_LIMITS_MAX_COMBINATIONS) return undefined;
  const room = budget - (s.includeIdle ? s.nodes.reduce((a, n) => a + n.idleWatts, 0) : 0);
  let demand = 0;
  let served = 0;
  for (let w0 = 0; w0 < s.durationSeconds; w0 += holdSeconds) {
    const times: number[] = [];
    for (let t = w0; t < Math.min(w0 + holdSeconds, s.durationSeconds); t += s.stepSeconds) times.push(t);
    const d = times.map((t) => ws.map((w) => demandAt(w, t)));
    for (const row of d) demand += row.reduce((a, b) => a + b, 0);
    const limits = ws.map((w) => w.minReplicas);
    let best = -1;
    let floorsServed = 0;
    for (let c = 0; c < combos; c++) {
      let fits = true;
      let got = 0;
      for (const row of d) {
        let p = 0;
        for (const [i, w] of ws.entries()) {
          const n = Math.min(limits[i], Math.max(w.minReplicas, Math.ceil(row[i] / w.autoscaler.targetPerReplica - 1e-9)));
          const sv = Math.min(row[i], n * w.capacityPerReplica);
          p += n * w.replicaWatts.idle + w.replicaWatts.perUnit * sv;
          got += sv;
        }
        if (p > room + 1e-9) fits = false;
      }
      if (c === 0) floorsServed = got;
      if (fits && got > best) best = got;
      for (let i = 0; i < ws.length; i++) {
        if (++limits[i] <= ws[i].maxReplicas) break;
        limits[i] = ws[i].minReplicas;
      }
    }
    served += best >= 0 ? best : floorsServed;
  }
  return demand > 0 ? served / demand : 1;
}
