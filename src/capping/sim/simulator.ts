/**
 * @module capping/sim/simulator
 * The deterministic capping simulator. Per step: each workload's autoscaler asks for replicas
 * (ceil(demand / targetPerReplica), within min/max, bounded by the capper's limit), new replicas serve
 * after `readySeconds`, load is served up to capacity, power follows the replica model (idle + perUnit ×
 * load per replica, with seeded noise; a starting replica draws its idle power) plus node idle when
 * `includeIdle`. Every `intervalSeconds` the capper builds the capping state from what it measured and
 * runs the real step (`runCappingStep`: the algorithm, then the shared guard) and applies the result.
 * Same scenario and seed → same output.
 */
import { runCappingStep } from '../algorithm/step.js';
import { emptyGuardMemory, type GuardMemory } from '../algorithm/guard.js';
import {
  CAPPING_API_VERSION,
  type CappingAlgorithm,
  type CappingState,
  type CapNodeState,
  type PodState,
  type TargetState,
} from '../algorithm/types.js';
import { SeededRandom } from './random.js';
import { ReplicaPowerEstimator } from './replica-power.js';
import { demandAt, type Scenario, type Workload } from './scenario.js';

/** Figures of one run. */
export interface SimSummary {
  budgetWatts: number;
  wattSecondsOverBudget: number;
  /** Watt-seconds over budget after the first interval plus the longest readiness delay. */
  wattSecondsOverBudgetAfterSettle: number;
  settleSeconds: number;
  maxOvershootWatts: number;
  fractionOfTimeOverBudget: number;
  demandServedFraction: number;
  workPerJoule: number;
  actions: number;
  flaps: number;
  /** The most flaps of one target within any 10-minute span. */
  maxFlapsPerTargetPer10Min: number;
  /** Steps where the algorithm failed and every limit was held. */
  holds: number;
  energyJoules: number;
}

/** Time series of one run (one entry per step). */
export interface SimSeries {
  t: number[];
  watts: number[];
  budgetWatts: number[];
  demand: number[];
  served: number[];
  targets: Record<string, { replicas: number[]; limit: number[] }>;
}

/** One run's result. */
export interface SimResult {
  scenario: string;
  algorithm: string;
  seed: number;
  summary: SimSummary;
  series: SimSeries;
  /** Reasons of the first holds (at most 5), for `cap algorithms test`. */
  holdReasons: string[];
}

interface Pod {
  name: string;
  node: number;
  readyAt: number;
  /** What the capping state says of this pod (`ready` refreshed each time a state is built). */
  state: PodState;
}

interface Live {
  w: Workload;
  id: string;
  pods: Pod[];
  limit: number | undefined;
  lastAction: number | undefined;
  lastDirection: 0 | 1 | -1;
  flapTimes: number[];
  wantHistory: Array<[number, number]>;
  demandHistory: Array<[number, number]>;
  /** The state's `[secondsAgo, demand]` pairs, rewritten in place each time a state is built. */
  stateHistory: Array<[number, number]>;
  /** Demand at the current step. */
  demand: number;
  estimator: ReplicaPowerEstimator;
  podSeq: number;
}

/** Options of a run. */
export interface SimOptions {
  /** Keep the per-target series (default true). */
  perTargetSeries?: boolean;
  /** Called with the wall time (ms) of each capper step, for benchmarks. */
  onCapperStep?: (ms: number) => void;
}

/** How much demand history the state carries (what `forecast` uses by default). */
const DEMAND_HISTORY_SECONDS = 300;
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

/** Resolves the budget to watts; percent forms use an uncapped run of the same scenario. */
export function resolveBudgetWatts(s: Scenario): number {
  if ('watts' in s.budget) return s.budget.watts;
  const uncapped = uncappedPowerSeries(s);
  if ('percentOfPeak' in s.budget) return (Math.max(...uncapped) * s.budget.percentOfPeak) / 100;
  return ((uncapped.reduce((a, b) => a + b, 0) / uncapped.length) * s.budget.percentOfAverage) / 100;
}

/** Noise-free power of the scenario with no capper, per step. */
export function uncappedPowerSeries(s: Scenario): number[] {
  const idle = s.includeIdle ? s.nodes.reduce((a, n) => a + n.idleWatts, 0) : 0;
  const out: number[] = [];
  for (let t = 0; t < s.durationSeconds; t += s.stepSeconds) {
    let p = idle;
    for (const w of s.workloads) {
      const d = demandAt(w, t);
      const n = Math.min(w.maxReplicas, Math.max(w.minReplicas, Math.ceil(d / w.autoscaler.targetPerReplica - 1e-9)));
      const served = Math.min(d, n * w.capacityPerReplica);
      p += n * w.replicaWatts.idle + w.replicaWatts.perUnit * served;
    }
    out.push(p);
  }
  return out;
}

function missingAt(w: Workload, t: number): boolean {
  return w.metricsMissing.some(([a, b]) => t >= a && t < b);
}

/** Runs `scenario` with `algorithm`. */
export async function simulate(scenario: Scenario, algorithm: CappingAlgorithm, options: SimOptions = {}): Promise<SimResult> {
  const s = scenario;
  const rng = new SeededRandom(s.seed);
  const budget = resolveBudgetWatts(s);
  const nodeIdle = s.nodes.reduce((a, n) => a + n.idleWatts, 0);
  const baseline = s.includeIdle ? nodeIdle : 0;
  const keepTargets = options.perTargetSeries ?? true;
  let nodeCursor = 0;
  const live: Live[] = s.workloads.map((w) => {
    const est = new ReplicaPowerEstimator(w.capacityPerReplica);
    if (s.warmStart) {
      // The history a recommender has of a workload that ran before: loads across its capacity.
      for (let k = 0; k <= 20; k++) {
        const load = (w.capacityPerReplica * k) / 20;
        est.observe(-3600 + k, load, (w.replicaWatts.idle + w.replicaWatts.perUnit * load) * (1 + s.noiseFraction * rng.normal()));
      }
    }
    const l: Live = {
      w,
      id: `${w.kind}/sim/${w.name}`,
      pods: [],
      limit: undefined,
      lastAction: undefined,
      lastDirection: 0,
      flapTimes: [],
      wantHistory: [],
      demandHistory: [],
      stateHistory: [],
      demand: 0,
      estimator: est,
      podSeq: 0,
    };
    for (let k = 0; k < w.replicas; k++) l.pods.push(newPod(s, l, nodeCursor++ % s.nodes.length, 0));
    return l;
  });
  const series: SimSeries = { t: [], watts: [], budgetWatts: [], demand: [], served: [], targets: {} };
  if (keepTargets) for (const l of live) series.targets[l.w.name] = { replicas: [], limit: [] };
  let memory: GuardMemory = emptyGuardMemory();
  const settle = s.intervalSeconds + Math.max(...s.workloads.map((w) => w.readySeconds));
  const byId = new Map(live.map((l) => [l.id, l]));
  const sum = { over: 0, overSettled: 0, maxOver: 0, stepsOver: 0, steps: 0, demand: 0, served: 0, energy: 0, actions: 0, flaps: 0, holds: 0 };
  const holdReasons: string[] = [];
  const nodeWatts = new Float64Array(s.nodes.length);
  const dt = s.stepSeconds;
  const stepsPerInterval = Math.round(s.intervalSeconds / dt);

  for (let step = 0; step * dt < s.durationSeconds; step++) {
    const t = step * dt;
    let power = baseline;
    let demandTotal = 0;
    let servedTotal = 0;
    nodeWatts.fill(0);
    for (const l of live) {
      const w = l.w;
      const d = demandAt(w, t);
      l.demand = d;
      let want = Math.min(w.maxReplicas, Math.max(w.minReplicas, Math.ceil(d / w.autoscaler.targetPerReplica - 1e-9)));
      if (w.autoscaler.scaleDownStabilizationSeconds > 0) {
        l.wantHistory.push([t, want]);
        while (l.wantHistory.length > 0 && t - l.wantHistory[0][0] >= w.autoscaler.scaleDownStabilizationSeconds) l.wantHistory.shift();
        want = Math.max(...l.wantHistory.map(([, v]) => v));
      }
      const desired = Math.min(want, l.limit ?? w.maxReplicas);
      while (l.pods.length < desired) l.pods.push(newPod(s, l, nodeCursor++ % s.nodes.length, t + w.readySeconds));
      if (l.pods.length > desired) {
        l.pods.sort((a, b) => b.readyAt - a.readyAt || 0); // newest first: starting pods go first
        l.pods.splice(0, l.pods.length - desired);
        l.pods.sort((a, b) => a.readyAt - b.readyAt);
      }
      let ready = 0;
      for (const p of l.pods) if (p.readyAt <= t) ready++;
      const served = Math.min(d, ready * w.capacityPerReplica);
      const load = ready > 0 ? served / ready : 0;
      let targetWatts = 0;
      let readyWatts = 0;
      for (const p of l.pods) {
        const isReady = p.readyAt <= t;
        const pw = Math.max(0, (w.replicaWatts.idle + (isReady ? w.replicaWatts.perUnit * load : 0)) * (1 + s.noiseFraction * rng.normal()));
        targetWatts += pw;
        if (isReady) readyWatts += pw;
        nodeWatts[p.node] += pw;
      }
      if (ready > 0 && !missingAt(w, t)) l.estimator.observe(t, load, readyWatts / ready);
      power += targetWatts;
      demandTotal += d;
      servedTotal += served;
      if (keepTargets) {
        series.targets[w.name].replicas.push(l.pods.length);
        series.targets[w.name].limit.push(l.limit ?? w.maxReplicas);
      }
    }
    const over = Math.max(0, power - budget);
    sum.over += over * dt;
    if (t >= settle) sum.overSettled += over * dt;
    sum.maxOver = Math.max(sum.maxOver, over);
    if (over > 0) sum.stepsOver++;
    sum.steps++;
    sum.demand += demandTotal * dt;
    sum.served += servedTotal * dt;
    sum.energy += power * dt;
    series.t.push(t);
    series.watts.push(round(power, 1));
    series.budgetWatts.push(round(budget, 1));
    series.demand.push(round(demandTotal, 2));
    series.served.push(round(servedTotal, 2));

    if (step % stepsPerInterval !== 0) continue;
    const state = buildState(s, live, t, budget, baseline, power, series, nodeWatts, settle);
    const started = performance.now();
    const result = await runCappingStep(algorithm, state, memory);
    options.onCapperStep?.(performance.now() - started);
    memory = result.memory;
    if (result.hold) {
      sum.holds++;
      if (holdReasons.length < 5) holdReasons.push(`t=${t}s: ${result.hold.reason}`);
    }
    for (const d of result.decisions.targets) {
      if (d.change === 'none') continue;
      const l = byId.get(d.target) as Live;
      l.limit = d.uncapped ? undefined : d.maxReplicas;
      l.lastAction = t;
      sum.actions++;
      const dir = d.change === 'raise' ? 1 : -1;
      if (l.lastDirection !== 0 && dir !== l.lastDirection) {
        sum.flaps++;
        l.flapTimes.push(t);
      }
      l.lastDirection = dir;
    }
    for (const pd of result.decisions.pods) {
      const l = byId.get(pd.target) as Live;
      const k = l.pods.findIndex((p) => p.name === pd.pod);
      if (k < 0) continue;
      const [gone] = l.pods.splice(k, 1);
      sum.actions++;
      if (pd.action === 'Migrate') {
        const to = pd.toNode !== undefined ? s.nodes.findIndex((n) => n.name === pd.toNode) : -1;
        l.pods.push(newPod(s, l, to >= 0 ? to : gone.node, t + dt + l.w.readySeconds));
      }
    }
  }

  let maxFlaps = 0;
  for (const l of live) {
    for (let a = 0, b = 0; b < l.flapTimes.length; b++) {
      while (l.flapTimes[b] - l.flapTimes[a] >= 600) a++;
      maxFlaps = Math.max(maxFlaps, b - a + 1);
    }
  }
  return {
    scenario: s.name,
    algorithm: algorithm.name,
    seed: s.seed,
    summary: {
      budgetWatts: round(budget, 1),
      wattSecondsOverBudget: round(sum.over, 1),
      wattSecondsOverBudgetAfterSettle: round(sum.overSettled, 1),
      settleSeconds: settle,
      maxOvershootWatts: round(sum.maxOver, 1),
      fractionOfTimeOverBudget: round(sum.stepsOver / sum.steps, 4),
      demandServedFraction: round(sum.demand > 0 ? sum.served / sum.demand : 1, 4),
      workPerJoule: round(sum.energy > 0 ? sum.served / sum.energy : 0, 5),
      actions: sum.actions,
      flaps: sum.flaps,
      maxFlapsPerTargetPer10Min: maxFlaps,
      holds: sum.holds,
      energyJoules: round(sum.energy, 0),
    },
    series,
    holdReasons,
  };
}

function newPod(s: Scenario, l: Live, node: number, readyAt: number): Pod {
  const name = `${l.w.name}-${l.podSeq++}`;
  return { name, node, readyAt, state: { name, node: s.nodes[node].name, ready: readyAt <= 0 } };
}

/**
 * The capping state the capper would build from what it measured. For speed at hundreds of targets the
 * pods' and the demand history's objects are reused from one state to the next: a state is used (or
 * serialized) within its step and never kept.
 */
function buildState(
  s: Scenario,
  live: Live[],
  t: number,
  budget: number,
  baseline: number,
  power: number,
  series: SimSeries,
  nodeWatts: Float64Array,
  horizon: number,
): CappingState {
  const targets: TargetState[] = [];
  for (const l of live) {
    const w = l.w;
    const d = l.demand;
    l.demandHistory.push([t, d]);
    while (l.demandHistory.length > 0 && t - l.demandHistory[0][0] > DEMAND_HISTORY_SECONDS) l.demandHistory.shift();
    let ready = 0;
    const pods: PodState[] = new Array(l.pods.length);
    for (const [k, p] of l.pods.entries()) {
      const isReady = p.readyAt <= t;
      if (isReady) ready++;
      p.state.ready = isReady;
      pods[k] = p.state;
    }
    const target: TargetState = {
      id: l.id,
      kind: w.kind,
      namespace: 'sim',
      name: w.name,
      replicas: l.pods.length,
      readyReplicas: ready,
      desiredReplicas: Math.min(w.maxReplicas, Math.max(w.minReplicas, Math.ceil(d / w.autoscaler.targetPerReplica - 1e-9))),
      minReplicas: w.minReplicas,
      maxReplicas: w.maxReplicas,
      priority: w.priority,
      readySeconds: w.readySeconds,
      pods,
    };
    if (l.limit !== undefined) target.currentLimit = l.limit;
    const watts = missingAt(w, t) ? undefined : l.estimator.estimate();
    if (watts) target.wattsPerReplica = watts;
    if (w.performance) {
      target.workPerReplica = w.capacityPerReplica;
      target.demand = d;
      const history = l.stateHistory;
      const n = l.demandHistory.length - 1;
      history.length = Math.min(history.length, n);
      for (let k = 0; k < n; k++) {
        const from = l.demandHistory[k];
        if (k < history.length) {
          const to = history[k];
          to[0] = t - from[0];
          to[1] = from[1];
        } else history.push([t - from[0], from[1]]);
      }
      target.demandHistory = history;
    }
    if (l.lastAction !== undefined) target.secondsSinceLastAction = t - l.lastAction;
    targets.push(target);
  }
  const nodes: CapNodeState[] = s.nodes.map((n, k) => ({
    name: n.name,
    watts: round(n.idleWatts + nodeWatts[k], 1),
    idleWatts: n.idleWatts,
    headroomWatts: round(n.maxWatts - n.idleWatts - nodeWatts[k], 1),
  }));
  // The recommender's short forecast: a least-squares line through the last 5 minutes of power.
  const k0 = Math.max(0, series.t.length - Math.round(300 / s.stepSeconds));
  const ts = series.t.slice(k0);
  const ps = series.watts.slice(k0);
  let forecast = power;
  if (ts.length >= 3) {
    const mt = ts.reduce((a, b) => a + b, 0) / ts.length;
    const mp = ps.reduce((a, b) => a + b, 0) / ps.length;
    let sxy = 0;
    let sxx = 0;
    for (let k = 0; k < ts.length; k++) {
      sxy += (ts[k] - mt) * (ps[k] - mp);
      sxx += (ts[k] - mt) ** 2;
    }
    const slope = sxx > 0 ? sxy / sxx : 0;
    forecast = Math.max(power, mp + slope * (t + horizon - mt));
  }
  return {
    apiVersion: CAPPING_API_VERSION,
    nowSeconds: t,
    policy: {
      name: s.name,
      budgetWatts: budget,
      thresholds: s.thresholds,
      actions: s.actions,
      includeIdle: s.includeIdle,
      intervalSeconds: s.intervalSeconds,
    },
    currentWatts: power,
    forecastWatts: forecast,
    baselineWatts: baseline,
    targets,
    nodes,
    parameters: {},
  };
}
