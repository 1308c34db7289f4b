/**
 * @module operator/capping/recommender
 * The Recommender's pure part: from the resolved targets and one reading of pod power, it updates each
 * target's decaying per-replica histogram and the policy's power series, resolves the budget to watts
 * (percentOfPeak/percentOfAverage over the policy's own series), forecasts the next interval, and
 * builds the algorithm's {@link CappingState}. A target whose pods have no power data this round gets
 * no `wattsPerReplica`, so the shared guard holds its limit: missing metrics never scale anything.
 */
import { parseDuration } from '../../core/duration.js';
import { CAPPING_API_VERSION, type CappingState, type CapNodeState, type TargetState } from '../../capping/algorithm/types.js';
import { emptyGuardMemory, type GuardMemory } from '../../capping/algorithm/guard.js';
import type { CapActionRecord, PowerCapPolicySpec } from '../../api/v1alpha1/powercappolicy.js';
import { DecayingHistogram, ShortSeries } from './history.js';
import type { ResolvedTarget } from './targets.js';

/** What the Recommender remembers of one policy between rounds (in memory; a restart starts afresh). */
export interface PolicyMemory {
  histograms: Map<string, DecayingHistogram>;
  /** Total watts of the targets, per round. */
  total: ShortSeries;
  guard: GuardMemory;
  /** When an over-budget alert was last sent (s). */
  lastAlertSeconds?: number;
  /** Since when the targets' power (and its forecast) has stayed below release × budget (s). */
  belowReleaseSince?: number;
}

/** Half-life of the per-replica histograms: power per replica follows load, so it must fade in minutes, not VPA's 24 h. */
export const HISTOGRAM_HALF_LIFE_SECONDS = 600;

/** A fresh memory. */
export function newPolicyMemory(): PolicyMemory {
  return { histograms: new Map(), total: new ShortSeries(), guard: emptyGuardMemory() };
}

/** Thresholds with defaults, durations in seconds. */
export interface ResolvedThresholds {
  act: number;
  release: number;
  intervalSeconds: number;
  cooldownSeconds: number;
  stabilizationWindowSeconds: number;
}

const seconds = (text: string | undefined, def: number) => {
  const ms = text === undefined ? undefined : parseDuration(text);
  return ms === undefined ? def : ms / 1000;
};

/** The thresholds of a spec with their defaults. Pure. */
export function resolveThresholds(spec: PowerCapPolicySpec): ResolvedThresholds {
  const t = spec.thresholds ?? {};
  return {
    act: t.act ?? 0.95,
    release: t.release ?? 0.8,
    intervalSeconds: Math.max(1, seconds(t.interval, 30)),
    cooldownSeconds: seconds(t.cooldown, 120),
    stabilizationWindowSeconds: seconds(t.stabilizationWindow, 300),
  };
}

/** The budget in watts, or why it is not known yet. Pure (reads the series). */
export function resolveBudget(spec: PowerCapPolicySpec, total: ShortSeries, nowSeconds: number): { watts: number } | { pending: string } {
  const b = spec.budget;
  if (b.watts !== undefined) return { watts: b.watts };
  const rel = b.percentOfPeak ?? b.percentOfAverage;
  if (!rel) return { pending: 'no budget form set' };
  const windowS = seconds(rel.window, 3600);
  const samples = total.window(nowSeconds, windowS);
  const covered = samples.length > 0 ? nowSeconds - samples[0][0] : 0;
  if (covered < windowS / 2)
    return { pending: `a relative budget needs half its window (${windowS / 2}s) of history; watched ${Math.round(covered)}s` };
  const ref = b.percentOfPeak ? total.max(nowSeconds, windowS)! : total.mean(nowSeconds, windowS)!;
  return { watts: (rel.percent / 100) * ref };
}

/** One target after a reading. */
export interface TargetReading {
  target: ResolvedTarget;
  /** Watts of its pods with data, summed; undefined when none of its pods has data. */
  watts?: number;
  /** Pods with data. */
  podsWithData: number;
  p50?: number;
  p90?: number;
  /** Useful work per second (spec.performance), when measured. */
  work?: number;
}

/** Seconds since the capper's last action on each target, from the status history. Pure. */
export function secondsSinceActions(actions: readonly CapActionRecord[] | undefined, nowSeconds: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const a of actions ?? []) {
    if (a.dryRun || a.action === 'Alert') continue;
    const t = Date.parse(a.time) / 1000;
    if (!Number.isFinite(t)) continue;
    const ago = Math.max(0, nowSeconds - t);
    const prev = out.get(a.target);
    if (prev === undefined || ago < prev) out.set(a.target, ago);
  }
  return out;
}

/** The `Kind/name` label of a target (status, actions). */
export const targetLabel = (t: Pick<ResolvedTarget, 'kind' | 'name'>) => `${t.kind}/${t.name}`;

/**
 * Folds one reading into the memory: per target, watts per replica into its histogram and the total
 * into the series. Returns the per-target readings (p50/p90 after this sample).
 */
export function observe(
  memory: PolicyMemory,
  targets: readonly ResolvedTarget[],
  podWatts: ReadonlyMap<string, number>,
  work: ReadonlyMap<string, number>,
  nowSeconds: number,
): { readings: TargetReading[]; currentWatts: number; complete: boolean } {
  const readings: TargetReading[] = [];
  let total = 0;
  let complete = true;
  for (const t of targets) {
    if (t.state !== 'Ok') {
      readings.push({ target: t, podsWithData: 0 });
      continue;
    }
    let watts = 0;
    let n = 0;
    for (const p of t.pods) {
      const w = podWatts.get(p.name);
      if (w === undefined) continue;
      watts += w;
      n++;
    }
    if (n === 0) {
      complete = false;
      readings.push({ target: t, podsWithData: 0, work: work.get(t.id) });
      continue;
    }
    let h = memory.histograms.get(t.id);
    if (!h) {
      h = new DecayingHistogram({ halfLifeSeconds: HISTOGRAM_HALF_LIFE_SECONDS });
      memory.histograms.set(t.id, h);
    }
    h.add(watts / n, nowSeconds);
    total += watts;
    readings.push({ target: t, watts, podsWithData: n, p50: h.percentile(0.5), p90: h.percentile(0.9), work: work.get(t.id) });
  }
  if (complete) memory.total.add(nowSeconds, total);
  return { readings, currentWatts: total, complete };
}

/** Builds the algorithm's state. Pure. */
export function buildState(input: {
  policyKey: string;
  spec: PowerCapPolicySpec;
  thresholds: ResolvedThresholds;
  budgetWatts: number;
  readings: readonly TargetReading[];
  currentWatts: number;
  forecastWatts?: number;
  nodes: readonly CapNodeState[];
  sinceAction: ReadonlyMap<string, number>;
  nowSeconds: number;
}): CappingState {
  const { spec, thresholds: th } = input;
  const targets: TargetState[] = [];
  for (const r of input.readings) {
    const t = r.target;
    if (t.state !== 'Ok') continue;
    const replicas = t.pods.length;
    const ready = t.pods.filter((p) => p.ready).length;
    const maxReplicas = Math.max(t.userMax, t.minReplicas);
    const hasData = r.watts !== undefined && r.p50 !== undefined && r.p90 !== undefined;
    const since = input.sinceAction.get(`${t.kind}/${t.name}`);
    targets.push({
      id: t.id,
      kind: t.kind,
      namespace: t.namespace,
      name: t.name,
      replicas,
      readyReplicas: ready,
      ...(t.desiredReplicas !== undefined ? { desiredReplicas: t.desiredReplicas } : {}),
      minReplicas: t.minReplicas,
      maxReplicas,
      // The limit in force is the live value (another writer may have changed what the capper wrote).
      ...(t.currentLimit !== undefined ? { currentLimit: Math.min(t.live ?? t.currentLimit, maxReplicas) } : {}),
      priority: t.priority,
      ...(hasData ? { wattsPerReplica: { p50: r.p50!, p90: Math.max(r.p90!, r.p50!) } } : {}),
      ...(r.work !== undefined && ready > 0 && r.work > 0 ? { workPerReplica: r.work / ready, demand: r.work } : {}),
      readySeconds: t.readySeconds,
      ...(since !== undefined ? { secondsSinceLastAction: since } : {}),
      pods: t.pods.map((p) => ({ name: p.name, ...(p.node ? { node: p.node } : {}), ready: p.ready })),
    });
  }
  return {
    apiVersion: CAPPING_API_VERSION,
    nowSeconds: input.nowSeconds,
    policy: {
      name: input.policyKey,
      budgetWatts: input.budgetWatts,
      thresholds: {
        act: th.act,
        release: th.release,
        cooldownSeconds: th.cooldownSeconds,
        stabilizationWindowSeconds: th.stabilizationWindowSeconds,
      },
      actions: [...(spec.actions ?? ['LimitReplicas', 'Alert'])],
      includeIdle: spec.budget.includeIdle ?? false,
      intervalSeconds: th.intervalSeconds,
    },
    currentWatts: input.currentWatts,
    ...(input.forecastWatts !== undefined ? { forecastWatts: input.forecastWatts } : {}),
    baselineWatts: 0,
    targets,
    nodes: [...input.nodes],
    parameters: (spec.algorithm?.parameters ?? {}) as Record<string, unknown>,
  };
}
