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
