/**
 * @module estimator/scheduler/bound-deltas
 * The watts the last prioritize call predicted a pod adds on each of its candidate nodes, kept per pod
 * UID until the pod watch sees where the pod was bound (bounded: the oldest pods are forgotten first).
 * One Float32Array over the Estimator's node indices per pod, so a 5,000-node call keeps 20 KB.
 */
import type { NodeCosts } from './node-costs.js';

/** Pods remembered at most. */
export const MAX_PODS = 256;

interface Entry {
  index: ReadonlyMap<string, number>;
  /** Watts added by node index; NaN where the node was not a scored candidate. */
  watts: Float32Array;
}

/** Last predicted deltas per pod UID, bounded. */
export class BoundDeltas {
  private readonly pods = new Map<string, Entry>();

  constructor(private readonly max = MAX_PODS) {}

  /**
   * Remembers the deltas of pod `uid`: `added[k]` (NaN when not scored) for the candidate with node
   * index `idx[k]` (−1: not in the Estimator), for `k < n`. Replaces the pod's previous call.
   */
  remember(uid: string, costs: NodeCosts, idx: Int32Array, added: Float64Array, n: number): void {
    const watts = new Float32Array(costs.states.length).fill(NaN);
    for (let k = 0; k < n; k++) if (idx[k] >= 0) watts[idx[k]] = added[k];
    this.pods.delete(uid);
    this.pods.set(uid, { index: costs.index, watts });
    if (this.pods.size > this.max) this.pods.delete(this.pods.keys().next().value as string);
  }

  /** The watts pod `uid` was predicted to add on `node`, forgetting the pod; undefined when unknown. */
  take(uid: string, node: string): number | undefined {
    const e = this.pods.get(uid);
    if (!e) return undefined;
    this.pods.delete(uid);
    const i = e.index.get(node);
    if (i === undefined || Number.isNaN(e.watts[i])) return undefined;
    return e.watts[i];
  }

  /** Pods remembered now. */
  get size(): number {
    return this.pods.size;
  }
}
