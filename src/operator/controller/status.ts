/**
 * @module operator/controller/status
 * Pure status computations: conditions that keep their transition time while unchanged, the
 * Available condition from the agent DaemonSet (the Kepler operator's rules, without a
 * non-standard `Degraded` status), and the aggregation of PowerNodes into per-metric availability.
 */
import type { Condition } from '../../api/v1alpha1/common.js';
import type { DaemonSetCounts, MetricAvailability, PowerMonitorStatus } from '../../api/v1alpha1/powermonitor.js';
import type { PowerNode } from '../../api/v1alpha1/powernode.js';
import type { KubeObject } from '../../kube/types.js';

/** A condition before its transition time is known. */
export type ConditionInput = Omit<Condition, 'lastTransitionTime' | 'observedGeneration'>;

/** Sets `next` in `conditions` (a new list), keeping lastTransitionTime when the status did not change. */
export function setCondition(
  conditions: readonly Condition[] | undefined,
  next: ConditionInput,
  generation: number | undefined,
  now: string,
): Condition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === next.type);
  const prev = i >= 0 ? list[i] : undefined;
  const cond: Condition = {
    ...next,
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    lastTransitionTime: prev && prev.status === next.status ? prev.lastTransitionTime : now,
  };
  if (i >= 0) list[i] = cond;
  else list.push(cond);
  return list.sort((a, b) => a.type.localeCompare(b.type));
}

/** The DaemonSet counters of a live DaemonSet's status. */
export function daemonSetCounts(ds: KubeObject | undefined): DaemonSetCounts {
  const s = (ds?.status ?? {}) as Partial<Record<keyof DaemonSetCounts, number>>;
  return {
    desiredNumberScheduled: s.desiredNumberScheduled ?? 0,
    currentNumberScheduled: s.currentNumberScheduled ?? 0,
    numberReady: s.numberReady ?? 0,
    updatedNumberScheduled: s.updatedNumberScheduled ?? 0,
    numberAvailable: s.numberAvailable ?? 0,
    numberUnavailable: s.numberUnavailable ?? 0,
    numberMisscheduled: s.numberMisscheduled ?? 0,
  };
}

/**
 * The plain and the GPU agent DaemonSets as one (`spec.agent.gpu`): counts summed, out of sync when
 * either is. Either may be missing. Pure.
 */
export function mergeAgentDaemonSets(plain: KubeObject | undefined, gpu: KubeObject | undefined): KubeObject | undefined {
  if (!plain || !gpu) return plain ?? gpu;
  const a = daemonSetCounts(plain);
  const b = daemonSetCounts(gpu);
  const counts = Object.fromEntries(Object.keys(a).map((k) => [k, a[k as keyof DaemonSetCounts] + b[k as keyof DaemonSetCounts]]));
  const lag = (d: KubeObject) => (d.metadata.generation ?? 0) - ((d.status as { observedGeneration?: number } | undefined)?.observedGeneration ?? 0);
  return { ...plain, metadata: { ...plain.metadata, generation: Math.max(lag(plain), lag(gpu), 0) }, status: { ...counts, observedGeneration: 0 } };
}

/** The Available condition from the agent DaemonSet. */
export function availableCondition(ds: KubeObject | undefined): ConditionInput {
  if (!ds) return { type: 'Available', status: 'False', reason: 'DaemonSetNotFound', message: 'the agent DaemonSet does not exist yet' };
  const c = daemonSetCounts(ds);
  const observed = (ds.status as { observedGeneration?: number } | undefined)?.observedGeneration ?? 0;
  if ((ds.metadata.generation ?? 0) > observed)
    return {
      type: 'Available',
      status: 'Unknown',
      reason: 'DaemonSetOutOfSync',
      message: 'the DaemonSet controller has not observed the latest spec yet',
    };
  if (c.desiredNumberScheduled === 0 || c.numberReady === 0)
    return {
      type: 'Available',
      status: 'False',
      reason: 'DaemonSetPodsNotRunning',
      message: `${c.numberReady} of ${c.desiredNumberScheduled} agent pods ready; check spec.agent.nodeSelector and tolerations`,
    };
  if (c.updatedNumberScheduled < c.desiredNumberScheduled)
    return {
      type: 'Available',
      status: 'Unknown',
      reason: 'DaemonSetRolloutInProgress',
      message: `${c.updatedNumberScheduled} of ${c.desiredNumberScheduled} agent pods updated`,
    };
  if (c.numberAvailable < c.desiredNumberScheduled)
    return {
      type: 'Available',
      status: 'Unknown',
      reason: 'DaemonSetPartiallyAvailable',
      message: `${c.numberAvailable} of ${c.desiredNumberScheduled} agent pods available`,
    };
  if (c.numberUnavailable > 0)
    return { type: 'Available', status: 'False', reason: 'DaemonSetPartiallyAvailable', message: `${c.numberUnavailable} agent pods unavailable` };
  return { type: 'Available', status: 'True', reason: 'DaemonSetReady', message: `${c.numberReady} agent pods ready` };
}

/** PowerNodes aggregated for the PowerMonitor status. */
export function aggregatePowerNodes(nodes: readonly PowerNode[]): Pick<PowerMonitorStatus, 'nodes' | 'metrics'> {
  let measured = 0;
  let estimated = 0;
  let watts = 0;
  const counts = new Map<string, { enabled: number; disabled: number; unavailable: number }>();
  for (const n of nodes) {
    const s = n.status;
    if (!s) continue;
    if (s.source === 'estimated') estimated++;
    else measured++;
    watts += Number.isFinite(s.watts) ? s.watts : 0;
    for (const [metric, state] of Object.entries(s.metrics ?? {})) {
      const c = counts.get(metric) ?? { enabled: 0, disabled: 0, unavailable: 0 };
      c[state as 'enabled' | 'disabled' | 'unavailable']++;
      counts.set(metric, c);
    }
  }
  const metrics: Record<string, MetricAvailability> = {};
  for (const [metric, c] of [...counts].sort(([a], [b]) => a.localeCompare(b))) {
    const total = c.enabled + c.disabled + c.unavailable;
    const state = c.enabled === total ? 'enabled' : c.disabled === total ? 'disabled' : c.unavailable === total ? 'unavailable' : 'partial';
    metrics[metric] = { state, ...c };
  }
  return { nodes: { total: measured + estimated, measured, estimated, watts: Math.round(watts * 10) / 10 }, metrics };
}
