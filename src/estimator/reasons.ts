/**
 * @module estimator/reasons
 * Why a node cannot take even one workload, in words for people: no free CPU (used X of Y millicores),
 * a predictor that failed or gives no finite watts, and the monitors whose readings are stale. Used by
 * `?explain=true` (`infinite_reasons`), `powerplane estimate` and the dashboard's Estimator tab.
 */
import { workloadCapacity } from './costs.js';

/** What is known about one node for one request size. */
export interface NodeFacts {
  /** Millicores one workload asks for. */
  cpuMilli: number;
  allocatableMilli?: number;
  /** CPU in use (millicores), from the node's fresh readings. */
  usedMilli?: number;
  predictorType: string;
  /** Why the predictor could not be built. */
  predictorInvalid?: string;
  /** The last prediction error. */
  predictorError?: string;
  /** Predicted watts with one workload added (W(1)); +Inf when the predictor gives none. */
  wattsWithOne: number;
  monitors: { type: string; stale: boolean; ageSeconds: number | null; error: string | null }[];
}

/** Formats an integer for people: `1,950`. */
export function groupDigits(v: number): string {
  return Math.round(v).toLocaleString('en-US');
}

/** The monitor part of a reason: `monitor Fake stale for 42 s (last error: …)`, or undefined when fresh. */
function monitorReason(m: NodeFacts['monitors'][number]): string | undefined {
  if (!m.stale) return undefined;
  const age = m.ageSeconds === null ? `monitor ${m.type} has no reading yet` : `monitor ${m.type} stale for ${groupDigits(m.ageSeconds)} s`;
  return m.error ? `${age} (last error: ${m.error})` : age;
}

/**
 * Why a node cannot take even one workload of `facts.cpuMilli`: one sentence per cause, stale monitors
 * added as context. Empty when the node can take one.
 */
export function infiniteReasons(facts: NodeFacts): string[] {
  const out: string[] = [];
  const free = facts.allocatableMilli === undefined ? undefined : Math.max(0, facts.allocatableMilli - (facts.usedMilli ?? 0));
  if (facts.allocatableMilli !== undefined && workloadCapacity(free, facts.cpuMilli) === 0) {
    out.push(
      `no free CPU: used ${groupDigits(facts.usedMilli ?? 0)} of ${groupDigits(facts.allocatableMilli)} millicores, a workload asks for ${groupDigits(facts.cpuMilli)}`,
    );
  }
  if (facts.predictorInvalid !== undefined) out.push(`predictor invalid: ${facts.predictorInvalid}`);
  else if (facts.predictorError !== undefined) out.push(`predictor ${facts.predictorType} failed: ${facts.predictorError}`);
  else if (out.length === 0 && !Number.isFinite(facts.wattsWithOne))
    out.push(
      facts.predictorType === 'None'
        ? 'predictor None: this node takes no workloads'
        : `predictor ${facts.predictorType} gives no finite watts for one workload`,
    );
  if (out.length === 0) return out;
  for (const m of facts.monitors) {
    const r = monitorReason(m);
    if (r) out.push(r);
  }
  return out;
}
