/**
 * @module estimator/scheduler/decide
 * The extender's decisions (pure): which candidate nodes a policy excludes and why, and the 0–10 scores.
 *
 * Policies:
 * - `watts` (default): exclude nodes where the pod cannot be placed (+Inf: no power prediction, more GPUs
 *   than the node's GPU curve lists, more CPU than the node has free by measured usage); score by watts added.
 * - `spread`: as `watts`, and also exclude nodes already running `spreadMax` pods of the pod's workload.
 * - `temperature`: as `watts`, and also exclude nodes whose inlet temperature is above `maxInletTemp` °C.
 *
 * Scores: 10 for the fewest watts added, 0 for the most, linear in between (rounded); among nodes that add
 * exactly the same watts, those with less CPU headroom after the pod score one less. Excluded nodes, and
 * nodes the estimator has no figure for, score 0. If a policy would exclude every node, nothing is
 * excluded (the extender never makes a pod unschedulable by itself) and scores rank by watts alone.
 */
import { MAX_EXTENDER_PRIORITY, MIN_EXTENDER_PRIORITY } from './wire.js';

/** The placement policies. */
export const POLICIES = ['watts', 'spread', 'temperature'] as const;
/** A placement policy. */
export type PolicyName = (typeof POLICIES)[number];

/** A policy with its parameters. */
export interface Policy {
  name: PolicyName;
  /** spread: most pods of one workload per node. */
  spreadMax: number;
  /** temperature: highest acceptable inlet temperature, °C. */
  maxInletTemp: number;
}

/** What is known about one candidate node for one pod. */
export interface Candidate {
  name: string;
  /** Watts the pod's CPU adds (+Inf: no prediction); undefined when unknown (node not in the Estimator, or pending). */
  cpuWatts?: number;
  /** Why the prediction failed, when it did. */
  predictionError?: string;
  /** Watts the pod's GPUs add (0 without a GPU curve, +Inf beyond it). */
  gpuWatts: number;
  gpus: number;
  /** Allocatable − used CPU, millicores, when known. */
  freeMilli?: number;
  cpuMilli: number;
  /** Inlet/ambient temperature, °C, when a monitor reads it. */
  inletTemp?: number;
  /** Pods of the same workload already on the node. */
  workloadPods: number;
}

/** Why a node is excluded. */
export interface Exclusion {
  /** What excluded it (the `reason` label of the filtered-nodes metric). */
  kind: 'prediction' | 'gpu' | 'cpu' | 'spread' | 'temperature';
  reason: string;
  /** True when preempting pods would not help (the scheduler's FailedAndUnresolvableNodes). */
  unresolvable: boolean;
}

/** The decision for one candidate. */
export interface Decision {
  name: string;
  /** Watts the pod adds on the node (undefined when unknown, +Inf when it cannot be placed). */
  added?: number;
  /** Free CPU after the pod, millicores (−Inf when unknown). */
  headroom: number;
  exclusion?: Exclusion;
}

/** The result for all candidates. */
export interface Decisions {
  items: Decision[];
  /** True when the policy excluded every node and the exclusions were dropped. */
  fallback: boolean;
}

/** Why `c` is excluded under `policy`, if it is. */
export function exclusionOf(c: Candidate, policy: Policy): Exclusion | undefined {
  if (c.cpuWatts === Infinity) return { kind: 'prediction', reason: `no power prediction for this node: ${c.predictionError ?? 'the predictor failed'}`, unresolvable: true };
  if (c.gpuWatts === Infinity) return { kind: 'gpu', reason: `the pod asks for ${c.gpus} GPU(s); the node's GPU curve (label powerplane.io/gpu-watts) has fewer or is malformed`, unresolvable: true };
  if (c.freeMilli !== undefined && c.cpuMilli > c.freeMilli) return { kind: 'cpu', reason: `the pod needs ${c.cpuMilli} mCPU; ${Math.floor(c.freeMilli)} mCPU free by measured usage`, unresolvable: false };
  if (policy.name === 'spread' && c.workloadPods >= policy.spreadMax) return { kind: 'spread', reason: `spread: ${c.workloadPods} pod(s) of this workload already on the node (at most ${policy.spreadMax})`, unresolvable: false };
  if (policy.name === 'temperature' && c.inletTemp !== undefined && c.inletTemp > policy.maxInletTemp) return { kind: 'temperature', reason: `temperature: inlet ${c.inletTemp} °C is above ${policy.maxInletTemp} °C`, unresolvable: true };
  return undefined;
}

/** Decides every candidate under `policy`. */
export function decide(candidates: readonly Candidate[], policy: Policy): Decisions {
  const items = candidates.map((c): Decision => ({
    name: c.name,
    added: c.cpuWatts === undefined ? undefined : c.cpuWatts + c.gpuWatts,
    headroom: c.freeMilli === undefined ? -Infinity : c.freeMilli - c.cpuMilli,
    exclusion: exclusionOf(c, policy),
  }));
  const fallback = items.length > 0 && items.every((d) => d.exclusion);
  if (fallback) for (const d of items) d.exclusion = undefined;
  return { items, fallback };
}

/** Watts equal up to floating-point noise. */
function sameWatts(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Scores 0–10 (see the module comment), in the order of `items`. Deterministic. */
export function scores(items: readonly Decision[]): number[] {
  const eligible = (d: Decision) => !d.exclusion && d.added !== undefined && Number.isFinite(d.added);
  let min = Infinity;
  let max = -Infinity;
  for (const d of items) {
    if (!eligible(d)) continue;
    min = Math.min(min, d.added as number);
    max = Math.max(max, d.added as number);
  }
  const out = items.map((d) => {
    if (!eligible(d)) return MIN_EXTENDER_PRIORITY;
    if (max - min <= 0 || sameWatts(max, min)) return MAX_EXTENDER_PRIORITY;
    return Math.round((MAX_EXTENDER_PRIORITY * (max - (d.added as number))) / (max - min));
  });
  // ties by headroom: within a group of equal watts, all but the roomiest score one less
  const order = items.map((_d, i) => i).filter((i) => eligible(items[i])).sort((a, b) => (items[a].added as number) - (items[b].added as number) || a - b);
  for (let g = 0; g < order.length; ) {
    let h = g + 1;
    while (h < order.length && sameWatts(items[order[g]].added as number, items[order[h]].added as number)) h++;
    if (h - g > 1) {
      let best = -Infinity;
      for (let k = g; k < h; k++) best = Math.max(best, items[order[k]].headroom);
      for (let k = g; k < h; k++) if (items[order[k]].headroom < best) out[order[k]] = Math.max(MIN_EXTENDER_PRIORITY, out[order[k]] - 1);
    }
    g = h;
  }
  return out;
}
