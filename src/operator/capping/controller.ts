/**
 * @module operator/capping/controller
 * The PowerCapPolicy control loop, every `thresholds.interval` per policy:
 * 1. Recommender: resolve targets, read pod power, update histograms and the forecast, resolve the
 *    budget, build the state, run the algorithm through the shared guard (`runCappingStep`).
 * 2. Actuator (Enforce only, allowed actions only): write or restore limits, evict or migrate pods;
 *    every action is an Event on the target, a status line and a counter.
 * 3. Status (conditions RecommendationProvided, OverBudget, Enforcing, MetricsUnavailable; watts;
 *    per-target recommendation; the last 20 actions) and the gauges.
 * Off and DryRun restore what the policy changed; so does deleting it (finalizer).
 */
import type { Logger } from '../../core/logger.js';
import type { KubeClient } from '../../kube/client.js';
import { runCappingStep, holdEverything } from '../../capping/algorithm/step.js';
import { DEFAULT_ALGORITHM } from '../../capping/algorithms/registry.js';
import type { CappingAlgorithm, CapNodeState, TargetState } from '../../capping/algorithm/types.js';
import type { GuardedDecisions } from '../../capping/algorithm/guard.js';
import { API_VERSION, type Condition } from '../../api/v1alpha1/common.js';
import {
  POWER_CAP_POLICY_KIND,
  POWER_CAP_POLICY_REF,
  TARGET_KINDS,
  type CapActionRecord,
  type CapTargetStatus,
  type PowerCapPolicy,
  type PowerCapPolicySpec,
  type PowerCapPolicyStatus,
  type TargetKind,
} from '../../api/v1alpha1/powercappolicy.js';
import { defaultedPowerCapPolicySpec, powerCapPolicyProblems } from '../api/validation.js';
import { FIELD_MANAGER } from '../components/labels.js';
import { ensureFinalizer, hasFinalizer, removeFinalizer } from '../reconciler/finalizer.js';
import { setCondition, type ConditionInput } from '../controller/status.js';
import type { QueueResult } from '../controller/queue.js';
import { changedByOther, limitTarget, restoreTarget, type WriteOutcome } from './actuator.js';
import { evictPod } from './kube-ops.js';
import type { CappingMetrics } from './metrics.js';
import { Notifier } from './notify.js';
import { podCpuMilli, preferredNodes, type NodeCostSource } from './node-costs.js';
import { DEFAULT_ZONES, type PodPowerSource } from './power-source.js';
import {
  buildState,
  newPolicyMemory,
  observe,
  resolveBudget,
  resolveThresholds,
  secondsSinceActions,
  targetLabel,
  type PolicyMemory,
  type TargetReading,
} from './recommender.js';
import { ANNOTATIONS, TARGET_REFS, availableKinds, listTargetSpecs, resolveTargets, type ResolvedTarget } from './targets.js';
import { errorMessage } from '../../core/errors.js';

/** How many actions the status keeps. */
export const ACTION_HISTORY = 20;

/** What the capping controller needs. */
export interface CappingControllerDeps {
  kube: KubeClient;
  log: Logger;
  /** The algorithm named by spec.algorithm (throws when unknown). */
  algorithm(spec: { name: string; parameters?: Record<string, unknown> }): Promise<CappingAlgorithm>;
  /** The power source of a policy (its spec.prometheusUrl, the operator's default, or the agents). */
  powerSource(spec: PowerCapPolicySpec): PodPowerSource;
  /** Nodes with their power (PowerNodes). */
  nodes(): CapNodeState[];
  /** The estimator's per-node cost curves, which rank Migrate destinations; absent: PowerNode headroom and watts rank them. */
  nodeCosts?: NodeCostSource;
  metrics: CappingMetrics;
  now?: () => Date;
}

type Mode = 'Off' | 'DryRun' | 'Enforce';

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const round1 = (x: number) => Math.round(x * 10) / 10;

/** Reconciles PowerCapPolicies. */
export class CappingController {
  readonly #d: CappingControllerDeps;
  readonly #memory = new Map<string, PolicyMemory>();
  readonly notifier: Notifier;

  constructor(deps: CappingControllerDeps) {
    this.#d = deps;
    this.notifier = new Notifier({ kube: deps.kube, log: deps.log, now: deps.now });
  }

  #now(): Date {
    return this.#d.now?.() ?? new Date();
  }

  /** Reconciles `namespace/name`. */
  async reconcile(key: string): Promise<QueueResult> {
    const [namespace, name] = key.split('/');
    const policy = await this.#d.kube.getOrUndefined<PowerCapPolicy>(POWER_CAP_POLICY_REF, name, namespace);
    if (!policy) {
      this.#memory.delete(key);
      this.#d.metrics.forget(namespace, name);
      return;
    }
    if (policy.metadata.deletionTimestamp) {
      if (hasFinalizer(policy)) {
        await this.#restoreAll(policy, key, 'policy deleted');
        await removeFinalizer(this.#d.kube, { ...policy, apiVersion: API_VERSION, kind: POWER_CAP_POLICY_KIND });
      }
      this.#memory.delete(key);
      this.#d.metrics.forget(namespace, name);
      return;
    }
    await ensureFinalizer(this.#d.kube, { ...policy, apiVersion: API_VERSION, kind: POWER_CAP_POLICY_KIND });
    return this.#round(policy, key);
  }

  async #round(policy: PowerCapPolicy, key: string): Promise<QueueResult> {
    const now = this.#now();
    const nowS = now.getTime() / 1000;
    const nowIso = iso(now);
    const gen = policy.metadata.generation;
    const namespace = policy.metadata.namespace ?? '';
    const old = policy.status ?? {};
    let actions = [...(old.actions ?? [])];
    const record = (r: Omit<CapActionRecord, 'time'>) => {
      actions.push({ time: nowIso, ...r });
      actions = actions.slice(-ACTION_HISTORY);
    };
    let conditions: Condition[] = old.conditions ?? [];
    const cond = (c: ConditionInput) => {
      conditions = setCondition(conditions, c, gen, nowIso);
    };

    const problems = powerCapPolicyProblems(policy.spec);
    if (problems.length > 0) {
      cond({
        type: 'RecommendationProvided',
        status: 'False',
        reason: 'InvalidSpec',
        message: problems
          .map((p) => `${p.field}: ${p.message}`)
          .join('; ')
          .slice(0, 32768),
      });
      await this.#writeStatus(policy, { ...old, observedGeneration: gen, conditions, lastEvaluation: nowIso });
      return;
    }
    const spec = defaultedPowerCapPolicySpec(policy.spec);
    const mode = (spec.mode ?? 'DryRun') as Mode;
    const th = resolveThresholds(spec);
    const requeue = { requeueAfterMs: th.intervalSeconds * 1000 };
    const allowed = new Set(spec.actions ?? ['LimitReplicas', 'Alert']);

    if (mode === 'Off') {
      for (const r of await this.#restoreAll(policy, key, 'mode Off')) record(r);
      cond({ type: 'Enforcing', status: 'False', reason: 'Off', message: 'mode Off: nothing is recommended or changed' });
      cond({ type: 'RecommendationProvided', status: 'False', reason: 'Off', message: 'mode Off' });
      this.#d.metrics.forget(namespace, policy.metadata.name);
      await this.#writeStatus(policy, { observedGeneration: gen, conditions, lastEvaluation: nowIso, actions, targets: [] });
      return;
    }

    const memory = this.#memory.get(key) ?? newPolicyMemory();
    this.#memory.set(key, memory);
    const available = await availableKinds(this.#d.kube);
    const specs = await listTargetSpecs(this.#d.kube, namespace, spec.targets ?? [], spec.selector, available);
    const targets = await resolveTargets(this.#d.kube, namespace, specs, available);

    // Read power.
    const source = this.#d.powerSource(spec);
    let podWatts: Map<string, number> | undefined;
    let sourceError: string | undefined;
    try {
      podWatts = await source.podWatts(namespace, { zones: spec.budget.zones ?? [...DEFAULT_ZONES], includeIdle: spec.budget.includeIdle ?? false });
    } catch (err) {
      sourceError = `${source.kind}: ${errorMessage(err)}`;
    }
    const work = new Map<string, number>();
    if (podWatts && source.scalar) {
      for (const p of spec.performance ?? []) {
        const v = await source.scalar(p.query).catch(() => undefined);
        if (v !== undefined) work.set(`${p.kind}/${namespace}/${p.name}`, v);
      }
    }
    const { readings, currentWatts, complete } = observe(memory, targets, podWatts ?? new Map(), work, nowS);
    const okTargets = targets.filter((t) => t.state === 'Ok');
    const missing = readings.filter((r) => r.target.state === 'Ok' && r.watts === undefined).map((r) => targetLabel(r.target));
    const noData = sourceError !== undefined || okTargets.length === 0 || missing.length === okTargets.length;
    if (sourceError) cond({ type: 'MetricsUnavailable', status: 'True', reason: 'SourceUnreachable', message: `${sourceError}: no action is taken` });
    else if (missing.length > 0)
      cond({
        type: 'MetricsUnavailable',
        status: 'True',
        reason: 'NoPowerData',
        message: `no power data for ${missing.join(', ')} (from ${source.kind}): their limits are held`,
      });
    else
      cond({
        type: 'MetricsUnavailable',
        status: 'False',
        reason: 'PowerDataPresent',
        message: `power of ${okTargets.length} targets read from ${source.kind}`,
      });

    const budget = resolveBudget(spec, memory.total, nowS);
    const maxReady = Math.max(0, ...okTargets.map((t) => t.readySeconds));
    const forecast = complete ? memory.total.forecast(nowS, th.intervalSeconds + maxReady, Math.max(300, 10 * th.intervalSeconds)) : undefined;
    const statusBase: PowerCapPolicyStatus = {
      observedGeneration: gen,
      lastEvaluation: nowIso,
      algorithm: spec.algorithm?.name,
      ...('watts' in budget ? { budgetWatts: round1(budget.watts) } : {}),
      ...(!noData ? { currentWatts: round1(currentWatts) } : {}),
      ...(forecast !== undefined && !noData ? { forecastWatts: round1(forecast) } : {}),
    };

    // Recommend.
    let decisions: GuardedDecisions | undefined;
    if (noData || !('watts' in budget)) {
      const why = noData
        ? (sourceError ?? (okTargets.length === 0 ? 'no target could be resolved' : 'no power data for any target'))
        : 'pending' in budget
          ? budget.pending
          : '';
      cond({
        type: 'RecommendationProvided',
        status: 'False',
        reason: noData ? 'MetricsUnavailable' : 'BudgetPending',
        message: `${why}: nothing is recommended, every limit is held`,
      });
      cond({ type: 'OverBudget', status: 'Unknown', reason: noData ? 'MetricsUnavailable' : 'BudgetPending', message: why });
    } else {
      const state = buildState({
        policyKey: key,
        spec,
        thresholds: th,
        budgetWatts: budget.watts,
        readings,
        currentWatts,
        forecastWatts: forecast,
        nodes: this.#d.nodes(),
        sinceAction: secondsSinceActions(old.actions, nowS),
        nowSeconds: nowS,
      });
      let algorithm: CappingAlgorithm | undefined;
      try {
        algorithm = await this.#d.algorithm({
          name: spec.algorithm?.name ?? DEFAULT_ALGORITHM,
          parameters: spec.algorithm?.parameters as Record<string, unknown> | undefined,
        });
      } catch (err) {
        decisions = holdEverything(state, `algorithm ${spec.algorithm?.name}: ${errorMessage(err)}`);
        cond({ type: 'RecommendationProvided', status: 'False', reason: 'AlgorithmUnknown', message: errorMessage(err) });
      }
      if (algorithm) {
        const step = await runCappingStep(algorithm, state, memory.guard);
        memory.guard = step.memory;
        decisions = step.decisions;
        if (step.hold) {
          cond({ type: 'RecommendationProvided', status: 'False', reason: step.hold.code, message: step.hold.reason });
          await this.notifier.event(policy, { severity: 'warning', reason: step.hold.code, message: step.hold.reason });
        } else {
          cond({
            type: 'RecommendationProvided',
            status: 'True',
            reason: 'Recommended',
            message: `algorithm ${algorithm.name} over ${state.targets.length} targets`,
          });
        }
      }
      const pressure = Math.max(currentWatts, forecast ?? 0);
      if (pressure < th.release * budget.watts) memory.belowReleaseSince ??= nowS;
      else memory.belowReleaseSince = undefined;
      if (decisions) decisions = restoreBelowRelease(decisions, state.targets, memory.belowReleaseSince, nowS, th);
      const act = th.act * budget.watts;
      const over = currentWatts >= act;
      cond(
        over
          ? {
              type: 'OverBudget',
              status: 'True',
              reason: currentWatts > budget.watts ? 'AboveBudget' : 'AboveActThreshold',
              message: `${round1(currentWatts)} W ≥ act ${th.act} × budget ${round1(budget.watts)} W`,
            }
          : {
              type: 'OverBudget',
              status: 'False',
              reason: 'WithinBudget',
              message: `${round1(currentWatts)} W < act ${th.act} × budget ${round1(budget.watts)} W`,
            },
      );
    }

    // Act.
    const byId = new Map(targets.map((t) => [t.id, t]));
    const states = new Map<string, CapTargetStatus['state']>();
    const limiting = mode === 'Enforce' && allowed.has('LimitReplicas');
    if (!limiting) {
      for (const r of await this.#restoreTargets(
        targets.filter((t) => t.cappedBy === key),
        mode === 'Enforce' ? 'LimitReplicas not allowed' : `mode ${mode}`,
      ))
        record(r);
    }
    if (decisions) {
      for (const d of decisions.targets) {
        const t = byId.get(d.target)!;
        if (d.change === 'none') continue;
        const what = d.uncapped ? 'restore' : `limit ${d.maxReplicas}`;
        if (!limiting) {
          const last = [...actions].reverse().find((a) => a.target === targetLabel(t));
          const change = `max replicas ${d.previousLimit} → ${d.maxReplicas}`;
          if (!(last?.dryRun && last.change === change))
            record({
              target: targetLabel(t),
              action: 'LimitReplicas',
              change,
              reason: `${mode === 'Enforce' ? 'not allowed' : 'DryRun'}: would ${what}; ${d.reason}`.slice(0, 1024),
              dryRun: true,
            });
          continue;
        }
        const outcome: WriteOutcome | undefined = d.uncapped
          ? await restoreTarget(this.#d.kube, t)
          : await limitTarget(this.#d.kube, t, d.maxReplicas, key);
        if (!outcome) continue;
        if (outcome.ok) {
          t.live = d.uncapped ? t.userMax : d.maxReplicas;
          t.currentLimit = d.uncapped ? undefined : d.maxReplicas;
        }
        await this.#recordWrite(policy, key, t, outcome, d.uncapped ? 'Restore' : 'LimitReplicas', d.reason, record, states);
      }
      if (mode === 'Enforce') {
        for (const p of decisions.pods) {
          const t = byId.get(p.target);
          if (!t) continue;
          const outcome = await evictPod(this.#d.kube, p.pod, namespace);
          const change =
            outcome === 'evicted'
              ? `pod ${p.pod} evicted`
              : outcome === 'blocked'
                ? `pod ${p.pod} not evicted: a PodDisruptionBudget allows no disruption now (retried next interval)`
                : `pod ${p.pod} already gone`;
          record({ target: targetLabel(t), action: p.action, change, reason: p.reason });
          if (outcome === 'evicted') this.#d.metrics.action(namespace, policy.metadata.name, p.action, targetLabel(t));
          if (t.object)
            await this.notifier.event(t.object, {
              severity: outcome === 'evicted' ? 'info' : 'warning',
              reason: outcome === 'evicted' ? `PowerCap${p.action}` : 'PowerCapEvictionBlocked',
              message: `${change}: ${p.reason}`,
            });
        }
      }
      await this.#alerts(policy, key, spec, mode, decisions, memory, nowS, th.cooldownSeconds, statusBase, allowed, record);
    }

    const enforcingCount = targets.filter((t) => t.cappedBy === key).length;
    cond(
      mode === 'Enforce'
        ? {
            type: 'Enforcing',
            status: 'True',
            reason: 'Enforce',
            message: `mode Enforce; actions ${[...allowed].join(', ')}; ${enforcingCount} targets limited`,
          }
        : { type: 'Enforcing', status: 'False', reason: 'DryRun', message: 'mode DryRun: recommendations are recorded, nothing is changed' },
    );

    const added = await this.#migrationCosts(readings, decisions);
    const targetStatus = readings.map((r) => this.#targetStatus(r, decisions, states.get(r.target.id), added.get(r.target.id)));
    const status: PowerCapPolicyStatus = {
      ...statusBase,
      overBudget: conditions.find((c) => c.type === 'OverBudget')?.status === 'True',
      conditions,
      targets: targetStatus,
      actions,
    };
    await this.#writeStatus(policy, status);
    this.#d.metrics.observe(namespace, policy.metadata.name, {
      budget: statusBase.budgetWatts,
      current: statusBase.currentWatts,
      forecast: statusBase.forecastWatts,
      overBudget: statusBase.budgetWatts !== undefined && statusBase.currentWatts !== undefined ? status.overBudget : undefined,
    });
    return requeue;
  }

  async #recordWrite(
    policy: PowerCapPolicy,
    key: string,
    t: ResolvedTarget,
    outcome: WriteOutcome,
    action: string,
    reason: string,
    record: (r: Omit<CapActionRecord, 'time'>) => void,
    states: Map<string, CapTargetStatus['state']>,
  ): Promise<void> {
    const namespace = policy.metadata.namespace ?? '';
    if (outcome.ok) {
      record({ target: targetLabel(t), action, change: outcome.change, reason: reason.slice(0, 1024) });
      this.#d.metrics.action(namespace, policy.metadata.name, action, targetLabel(t));
      if (t.object)
        await this.notifier.event(t.object, {
          severity: 'info',
          reason: action === 'Restore' ? 'PowerCapRestored' : 'PowerCapLimited',
          message: `${outcome.change} by PowerCapPolicy ${key}: ${reason}`,
        });
      return;
    }
    if (outcome.conflict) states.set(t.id, 'ConflictingWriter');
    const last = policy.status?.actions?.slice(-1)[0];
    const change = `not changed: ${outcome.reason}`;
    if (!(last && last.target === targetLabel(t) && last.change === change)) {
      record({ target: targetLabel(t), action, change: change.slice(0, 512), reason: reason.slice(0, 1024) });
      if (t.object)
        await this.notifier.event(t.object, { severity: 'warning', reason: 'PowerCapConflict', message: `PowerCapPolicy ${key}: ${outcome.reason}` });
    }
  }

  async #alerts(
    policy: PowerCapPolicy,
    key: string,
    spec: PowerCapPolicySpec,
    mode: Mode,
    decisions: GuardedDecisions,
    memory: PolicyMemory,
    nowS: number,
    cooldownS: number,
    status: PowerCapPolicyStatus,
    allowed: ReadonlySet<string>,
    record: (r: Omit<CapActionRecord, 'time'>) => void,
  ): Promise<void> {
    const alerts = [...decisions.alerts];
    const overAct = status.currentWatts !== undefined && status.budgetWatts !== undefined && conditionsOver(status, spec);
    const canAct = mode === 'Enforce' && ['LimitReplicas', 'Evict', 'Migrate'].some((a) => allowed.has(a as never));
    if (overAct && !canAct)
      alerts.push({
        severity: 'warning',
        reason: `${status.currentWatts} W is over the act line of the ${status.budgetWatts} W budget and the policy cannot act (${mode === 'Enforce' ? 'no allowed action' : `mode ${mode}`})`,
      });
    if (alerts.length === 0) return;
    if (memory.lastAlertSeconds !== undefined && nowS - memory.lastAlertSeconds < cooldownS) return;
    memory.lastAlertSeconds = nowS;
    for (const a of alerts) {
      const n = {
        policy: key,
        namespace: policy.metadata.namespace ?? '',
        severity: a.severity,
        reason: 'OverBudget',
        message: a.reason,
        target: a.target,
        budgetWatts: status.budgetWatts,
        currentWatts: status.currentWatts,
      };
      await this.notifier.event(policy, n);
      if (allowed.has('Alert')) await this.notifier.alert(n, spec.notify ?? {});
      record({
        target: a.target
          ? a.target
              .split('/')
              .filter((_, i) => i !== 1)
              .join('/')
          : `PowerCapPolicy/${policy.metadata.name}`,
        action: 'Alert',
        change: `alert (${a.severity})`,
        reason: a.reason.slice(0, 1024),
      });
    }
  }

  /**
   * Per target with pods to move: the watts one of its pods (its template's CPU request) adds on each
   * node, from the estimator. A target without CPU requests, or an estimator that does not answer, gets
   * none (its destinations rank by PowerNode headroom).
   */
  async #migrationCosts(
    readings: readonly TargetReading[],
    decisions: GuardedDecisions | undefined,
  ): Promise<Map<string, ReadonlyMap<string, number>>> {
    const out = new Map<string, ReadonlyMap<string, number>>();
    const source = this.#d.nodeCosts;
    if (!source || !decisions?.pods.some((p) => p.action === 'Migrate')) return out;
    const bySize = new Map<number, Promise<ReadonlyMap<string, number> | undefined>>();
    for (const { target: t } of readings) {
      if (!decisions.pods.some((p) => p.action === 'Migrate' && p.target === t.id)) continue;
      const cpu = podCpuMilli(t.workload?.object);
      if (cpu === undefined) continue;
      if (!bySize.has(cpu)) {
        bySize.set(
          cpu,
          source.addedWatts(cpu).catch((err: unknown) => {
            this.#d.log.warn(
              { err, cpuMilli: cpu },
              'capping: the estimator gave no per-node costs; Migrate destinations rank by PowerNode headroom',
            );
            return undefined;
          }),
        );
      }
      const costs = await bySize.get(cpu);
      if (costs) out.set(t.id, costs);
    }
    return out;
  }

  #targetStatus(
    r: TargetReading,
    decisions: GuardedDecisions | undefined,
    override: CapTargetStatus['state'] | undefined,
    added?: ReadonlyMap<string, number>,
  ): CapTargetStatus {
    const t = r.target;
    const d = decisions?.targets.find((x) => x.target === t.id);
    const pods = decisions?.pods.filter((p) => p.target === t.id) ?? [];
    const req = decisions?.requests.find((x) => x.target === t.id);
    const state: CapTargetStatus['state'] =
      override ?? (t.state !== 'Ok' ? t.state : changedByOther(t) ? 'ConflictingWriter' : r.watts === undefined ? 'MetricsUnavailable' : 'Ok');
    const recommendation =
      d && r.watts !== undefined
        ? {
            maxReplicas: d.maxReplicas,
            ...(pods.some((p) => p.action === 'Evict') ? { evict: pods.filter((p) => p.action === 'Evict').map((p) => p.pod) } : {}),
            ...(pods.some((p) => p.action === 'Migrate') ? { migrate: pods.filter((p) => p.action === 'Migrate').map((p) => p.pod) } : {}),
            ...(req?.requests ? { requests: req.requests } : {}),
            ...(req?.limits ? { limits: req.limits } : {}),
            ...(req?.container ? { container: req.container } : {}),
            ...(pods.some((p) => p.action === 'Migrate')
              ? {
                  preferredNodes: preferredNodes(
                    this.#d.nodes(),
                    pods.filter((p) => p.action === 'Migrate'),
                    t,
                    added,
                  ),
                }
              : {}),
          }
        : undefined;
    const reason =
      t.state !== 'Ok'
        ? t.reason
        : r.watts === undefined
          ? 'no power data for its pods: nothing recommended, limit held'
          : (d?.reason ?? 'no recommendation');
    return {
      kind: t.kind,
      name: t.name,
      state,
      ...(t.state === 'Ok' ? { replicas: t.pods.length } : {}),
      ...(t.live !== undefined ? { maxReplicas: t.live } : {}),
      minReplicas: t.minReplicas,
      ...(r.watts !== undefined ? { watts: round1(r.watts) } : {}),
      ...(r.p50 !== undefined && r.p90 !== undefined ? { wattsPerReplica: { p50: round1(r.p50), p90: round1(Math.max(r.p50, r.p90)) } } : {}),
      ...(r.work !== undefined && r.watts ? { workPerWatt: Math.round((r.work / r.watts) * 1000) / 1000 } : {}),
      ...(recommendation ? { recommendation } : {}),
      reason: reason.slice(0, 1024),
    };
  }

  /** Restores every target this policy limited (found by annotation across the target kinds). */
  async #restoreAll(policy: PowerCapPolicy, key: string, why: string): Promise<Array<Omit<CapActionRecord, 'time'>>> {
    const namespace = policy.metadata.namespace ?? '';
    const available = await availableKinds(this.#d.kube);
    const specs: Array<{ kind: TargetKind; name: string }> = [];
    for (const kind of TARGET_KINDS) {
      if (!available.has(kind)) continue;
      for (const o of (await this.#d.kube.list(TARGET_REFS[kind], { namespace })).items) {
        if (o.metadata.annotations?.[ANNOTATIONS.policy] === key) specs.push({ kind, name: o.metadata.name ?? '' });
      }
    }
    if (specs.length === 0) return [];
    const targets = await resolveTargets(this.#d.kube, namespace, specs, available);
    return this.#restoreTargets(targets, why, policy);
  }

  async #restoreTargets(targets: ResolvedTarget[], why: string, policy?: PowerCapPolicy): Promise<Array<Omit<CapActionRecord, 'time'>>> {
    const out: Array<Omit<CapActionRecord, 'time'>> = [];
    for (const t of targets) {
      const outcome = await restoreTarget(this.#d.kube, t);
      if (!outcome) continue;
      const change = outcome.ok ? outcome.change : `annotations removed; ${outcome.reason}`;
      out.push({ target: targetLabel(t), action: 'Restore', change: change.slice(0, 512), reason: why });
      if (outcome.ok && policy) this.#d.metrics.action(policy.metadata.namespace ?? '', policy.metadata.name, 'Restore', targetLabel(t));
      if (t.object) await this.notifier.event(t.object, { severity: 'info', reason: 'PowerCapRestored', message: `${change} (${why})` });
    }
    return out;
  }

  async #writeStatus(policy: PowerCapPolicy, status: PowerCapPolicyStatus): Promise<void> {
    await this.#d.kube.applyStatus(
      {
        apiVersion: API_VERSION,
        kind: POWER_CAP_POLICY_KIND,
        metadata: { name: policy.metadata.name, namespace: policy.metadata.namespace },
        status,
      },
      { fieldManager: FIELD_MANAGER, force: true },
    );
  }
}

/**
 * Below the release line the user's value comes back: a limited target whose power (and forecast) has
 * stayed below release × budget for the stabilization window, and whose last change is older than the
 * cooldown, is restored (whatever smaller raise the algorithm proposed). Pure.
 */
export function restoreBelowRelease(
  d: GuardedDecisions,
  targets: readonly TargetState[],
  belowSince: number | undefined,
  nowS: number,
  th: { cooldownSeconds: number; stabilizationWindowSeconds: number },
): GuardedDecisions {
  if (belowSince === undefined || nowS - belowSince < th.stabilizationWindowSeconds) return d;
  const byId = new Map(targets.map((t) => [t.id, t]));
  return {
    ...d,
    targets: d.targets.map((x) => {
      const t = byId.get(x.target);
      if (!t || t.currentLimit === undefined || x.change === 'lower') return x;
      if (t.secondsSinceLastAction !== undefined && t.secondsSinceLastAction < th.cooldownSeconds) return x;
      return {
        ...x,
        maxReplicas: t.maxReplicas,
        change: 'raise',
        uncapped: true,
        reason: `power below the release line for ${Math.round(nowS - belowSince)}s (stabilization window ${th.stabilizationWindowSeconds}s): the user's value is restored`,
      };
    }),
  };
}

function conditionsOver(status: PowerCapPolicyStatus, spec: PowerCapPolicySpec): boolean {
  return (status.currentWatts ?? 0) >= (spec.thresholds?.act ?? 0.95) * (status.budgetWatts ?? Infinity);
}
