/**
 * @module estimator/scheduler/decide
 * The extender's decisions (pure): which candidate nodes a policy excludes and why, and the 0–10 scores.
 * Columnar — one typed array per figure, one entry per candidate — so a call over thousands of nodes
 * allocates no object per node.
 *
 * Policies:
 * - `watts` (default): exclude nodes where the pod cannot be placed (+Inf: no power prediction, more GPUs
 *   than the node's GPU curve lists, more CPU than the node has free by measured usage); score by watts added.
 * - `spread`: as `watts`, and also exclude nodes already running `spreadMax` pods of the pod's workload.
 * - `temperature`: as `watts`, and also exclude nodes whose inlet temperature is above `maxInletTemp` °C.
 *
 * Scores: 10 for the fewest watts added, 0 for the most, linear in between (rounded); among nodes that add
 * the same watts (up to floating-point noise), those with less CPU headroom after the pod score one less.
 * Excluded nodes, and nodes the estimator has no figure for, score 0. If a policy would exclude every
 * node, nothing is excluded (the extender never makes a pod unschedulable by itself) and scores rank by
 * watts alone.
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

/** What the pod asks of every node. */
export interface PodAsk {
  cpuMilli: number;
  gpus: number;
}

/**
 * What is known about the candidates, one entry per candidate in `[0, n)`. NaN means unknown.
 * The arrays may be longer than `n` (reused buffers).
 */
export interface Candidates {
  n: number;
  /** Watts the pod's CPU adds (+Inf: no prediction; NaN: unknown — node not in the Estimator, or pending). */
  cpuWatts: Float64Array;
  /** Watts the pod's GPUs add (0 without a GPU curve, +Inf beyond it). */
  gpuWatts: Float64Array;
  /** Allocatable − used CPU, millicores (NaN when unknown). */
  freeMilli: Float64Array;
  /** Inlet/ambient temperature, °C (NaN without a reading). */
  inletTemp: Float64Array;
  /** Pods of the same workload already on the node. */
  workloadPods: Float64Array;
}

/** Exclusion kinds by code (0 = not excluded); the names are the `reason` label of the filtered-nodes metric. */
export const EXCLUSION_KINDS = ['', 'prediction', 'gpu', 'cpu', 'spread', 'temperature'] as const;
/** Kinds where preempting pods would not help (the scheduler's FailedAndUnresolvableNodes). */
const UNRESOLVABLE = [false, true, true, false, false, true];

/** Codes of the exclusion kinds (indices into EXCLUSION_KINDS). */
const X = { none: 0, prediction: 1, gpu: 2, cpu: 3, spread: 4, temperature: 5 } as const;

/** The exclusion code of candidate `i` under `policy` (0: not excluded). */
export function exclusionCode(c: Candidates, i: number, pod: PodAsk, policy: Policy): number {
  if (c.cpuWatts[i] === Infinity) return X.prediction;
  if (c.gpuWatts[i] === Infinity) return X.gpu;
  if (pod.cpuMilli > c.freeMilli[i]) return X.cpu; // false when NaN
  if (policy.name === 'spread' && c.workloadPods[i] >= policy.spreadMax) return X.spread;
  if (policy.name === 'temperature' && c.inletTemp[i] > policy.maxInletTemp) return X.temperature;
  return X.none;
}

/** True when exclusion `code` is unresolvable by preemption. */
export function unresolvable(code: number): boolean {
  return UNRESOLVABLE[code];
}

/** Why candidate `i` is excluded with `code` (user-facing text; `predictionError` for `prediction`). */
export function exclusionReason(code: number, c: Candidates, i: number, pod: PodAsk, policy: Policy, predictionError?: string): string {
  switch (code) {
    case X.prediction:
      return `no power prediction for this node: ${predictionError ?? 'the predictor failed'}`;
    case X.gpu:
      return `the pod asks for ${pod.gpus} GPU(s); the node's GPU curve (label powerplane.io/gpu-watts) has fewer or is malformed`;
    case X.cpu:
      return `the pod needs ${pod.cpuMilli} mCPU; ${Math.floor(c.freeMilli[i])} mCPU free by measured usage`;
    case X.spread:
      return `spread: ${c.workloadPods[i]} pod(s) of this workload already on the node (at most ${policy.spreadMax})`;
    case X.temperature:
      return `temperature: inlet ${c.inletTemp[i]} °C is above ${policy.maxInletTemp} °C`;
    default:
      return '';
  }
}

/**
 * Decides every candidate under `policy` into `codes` (exclusion codes); returns true when the policy
 * excluded every node, in which case the codes are all cleared (fallback).
 */
export function decide(c: Candidates, pod: PodAsk, policy: Policy, codes: Uint8Array): boolean {
  let excluded = 0;
  for (let i = 0; i < c.n; i++) if ((codes[i] = exclusionCode(c, i, pod, policy)) !== X.none) excluded++;
  const fallback = c.n > 0 && excluded === c.n;
  if (fallback) codes.fill(X.none, 0, c.n);
  return fallback;
}

/** Watts equal up to floating-point noise. */
function sameWatts(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Scratch buffers of {@link scores}, reusable across calls. */
export class ScoreScratch {
  added = new Float64Array(0);
  sorted = new Float64Array(0);
  groupBest = new Float64Array(0);
  groupOf = new Int32Array(0);
  /** Grows the buffers to hold `n`. */
  ensure(n: number): void {
    if (this.added.length >= n) return;
    const cap = Math.max(n, this.added.length * 2);
    this.added = new Float64Array(cap);
    this.sorted = new Float64Array(cap);
    this.groupBest = new Float64Array(cap);
    this.groupOf = new Int32Array(cap);
  }
}

/** First index in `a[0..len)` (sorted ascending) whose value is ≥ `v`. */
function lowerBound(a: Float64Array, len: number, v: number): number {
  let lo = 0;
  let hi = len;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Scores 0–10 (see the module comment) into `out[0..n)`, in candidate order. Deterministic.
 * Headroom is `freeMilli − cpuMilli` (−Inf when unknown). Returns the number of eligible candidates.
 */
export function scores(c: Candidates, pod: PodAsk, codes: Uint8Array, out: Uint8Array, scratch: ScoreScratch = new ScoreScratch()): number {
  const n = c.n;
  scratch.ensure(n);
  const { added, sorted, groupBest, groupOf } = scratch;
  let min = Infinity;
  let max = -Infinity;
  let m = 0;
  for (let i = 0; i < n; i++) {
    const a = c.cpuWatts[i] + c.gpuWatts[i];
    // eligible: not excluded and a finite figure (NaN and ±Inf fail the comparison)
    if (codes[i] === X.none && a > -Infinity && a < Infinity) {
      added[i] = a;
      sorted[m++] = a;
      if (a < min) min = a;
      if (a > max) max = a;
    } else added[i] = NaN;
  }
  const flat = max - min <= 0 || sameWatts(max, min);
  for (let i = 0; i < n; i++) {
    const a = added[i];
    if (Number.isNaN(a)) out[i] = MIN_EXTENDER_PRIORITY;
    else out[i] = flat ? MAX_EXTENDER_PRIORITY : Math.round((MAX_EXTENDER_PRIORITY * (max - a)) / (max - min));
  }
  if (m < 2) return m;
  // ties by headroom: within a group of equal watts (each value within noise of the group's first,
  // in ascending order), all but the roomiest score one less
  const s = sorted.subarray(0, m).sort();
  const groupStart = groupOf; // reused: groupStart[k] = sorted index where sorted[k]'s group begins
  let groups = 0;
  for (let k = 0, g = 0; k < m; k++) {
    if (k > 0 && !sameWatts(s[g], s[k])) g = k;
    if (g === k) groups++;
    groupStart[k] = g;
  }
  if (groups === m) return m; // no ties
  groupBest.fill(-Infinity, 0, m);
  const headroom = (i: number) => (Number.isNaN(c.freeMilli[i]) ? -Infinity : c.freeMilli[i] - pod.cpuMilli);
  const gOf = (i: number) => groupStart[lowerBound(s, m, added[i])];
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(added[i])) continue;
    const g = gOf(i);
    const h = headroom(i);
    if (h > groupBest[g]) groupBest[g] = h;
  }
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(added[i])) continue;
    const g = gOf(i);
    // a group of one keeps its score; -Inf headroom compared to -Inf best does not lower
    if (headroom(i) < groupBest[g] && out[i] > MIN_EXTENDER_PRIORITY) out[i]--;
  }
  return m;
}
