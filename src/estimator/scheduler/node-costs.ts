/**
 * @module estimator/scheduler/node-costs
 * The watts one pod adds on each candidate node, incrementally: `W(usage + pod CPU) − W(usage)` from the
 * node's own predictor and status (the estimator's `predictRow`, so the same monitors, predictors and
 * prediction cache answer both APIs).
 *
 * Laid out for thousands of nodes per call without per-call objects: the Estimator's nodes get fixed
 * indices at construction, and everything per node lives in typed arrays indexed by them. A node's
 * *epoch* moves on when its monitor readings change (a new successful read, or one going stale); the
 * status-derived figures (free CPU, inlet temperature) are recomputed only then. A cost is kept per pod
 * CPU size and reused while the node's epoch is the one it was computed at and the node's refresh
 * interval has not passed; only the other nodes are predicted again, in parallel and bounded by a
 * deadline. Nodes still being predicted at the deadline stay unknown (NaN) and finish in the background
 * for the next call.
 */
import { PREDICT_TIMEOUT_MS, type Estimator } from '../estimator.js';
import type { NodeState } from '../node-state.js';
import { STALE_AFTER_INTERVALS } from '../node-state.js';
import { gpuWatts } from './gpu-curve.js';

/** Largest number of pod CPU sizes kept per Estimator. */
const MAX_SIZES = 64;
/** Parallel predictions per call. */
const CONCURRENCY = 32;

/** The costs of one pod CPU size on every node of the Estimator (by node index). */
class SizeCosts {
  /** W(usage + pod) − W(usage); NaN: not computed; +Inf: the prediction failed. */
  readonly delta: Float64Array;
  /** The node epoch each delta was computed at. */
  readonly epochAt: Uint32Array;
  /** When each delta expires (ms since epoch). */
  readonly expires: Float64Array;
  /** Why a prediction failed, by node index (sparse). */
  readonly errors = new Map<number, string>();
  /** Predictions in flight, by node index. */
  readonly pending = new Map<number, Promise<void>>();
  constructor(n: number) {
    this.delta = new Float64Array(n).fill(NaN);
    this.epochAt = new Uint32Array(n);
    this.expires = new Float64Array(n);
  }
}

/** Per-Estimator incremental cost cache over fixed node indices. */
export class NodeCosts {
  /** Node index by name. */
  readonly index: ReadonlyMap<string, number>;
  /** Node states by index. */
  readonly states: readonly NodeState[];
  /** Free CPU (allocatable − used by measured usage) by node index, at the node's current epoch; NaN when unknown. */
  readonly freeMilli: Float64Array;
  /** Inlet temperature by node index, at the node's current epoch; NaN without a reading. */
  readonly inletTemp: Float64Array;
  /** Readings epoch by node index (starts at 1). */
  private readonly epoch: Uint32Array;
  /** Readings signature by node index: per monitor record, its lastSuccess or −1 when stale. */
  private readonly sigs: Float64Array[];
  private readonly sizes = new Map<number, SizeCosts>();

  constructor(
    readonly estimator: Estimator,
    private readonly now: () => number = Date.now,
  ) {
    const n = estimator.nodes.length;
    const index = new Map<string, number>();
    estimator.nodes.forEach((s, i) => index.set(s.node.name, i));
    this.index = index;
    this.states = estimator.nodes;
    this.freeMilli = new Float64Array(n).fill(NaN);
    this.inletTemp = new Float64Array(n).fill(NaN);
    this.epoch = new Uint32Array(n);
    this.sigs = estimator.nodes.map((s) => new Float64Array(s.records.length).fill(-2));
  }

  /** Node indices of `names` into `out` (−1 for nodes the Estimator lacks). */
  resolve(names: readonly string[], out: Int32Array): void {
    for (let i = 0; i < names.length; i++) out[i] = this.index.get(names[i]) ?? -1;
  }

  /** Watts `gpus` GPUs add on node `i` (0 without a GPU curve, +Inf beyond it). */
  gpuWatts(i: number, gpus: number): number {
    return gpus <= 0 ? 0 : gpuWatts(this.states[i].node, gpus);
  }

  /** Brings node `i`'s epoch and status figures up to date with its readings at `at`. */
  private sync(i: number, at: number): void {
    const s = this.states[i];
    const sig = this.sigs[i];
    const staleAfter = STALE_AFTER_INTERVALS * s.refreshMs;
    let changed = false;
    for (let r = 0; r < sig.length; r++) {
      const last = s.records[r].lastSuccess;
      const v = last === undefined || at - last > staleAfter ? -1 : last;
      if (v !== sig[r]) {
        sig[r] = v;
        changed = true;
      }
    }
    if (!changed && this.epoch[i] !== 0) return;
    this.epoch[i]++;
    const status = s.status(at);
    this.freeMilli[i] = s.freeMilli(status) ?? NaN;
    this.inletTemp[i] = status.ambientTemp ?? NaN;
  }

  private size(cpuMilli: number): SizeCosts {
    let c = this.sizes.get(cpuMilli);
    if (!c) {
      if (this.sizes.size >= MAX_SIZES) this.sizes.delete(this.sizes.keys().next().value as number);
      c = new SizeCosts(this.states.length);
      this.sizes.set(cpuMilli, c);
    }
    return c;
  }

  /**
   * Brings the nodes `idx[0..m)` (−1 entries skipped) up to date and returns the costs of a `cpuMilli`
   * pod by node index: reused where still valid, predicted otherwise (bounded by `deadlineMs`; NaN
   * for nodes still pending then). Read the returned arrays before the next await.
   */
  async costs(
    idx: Int32Array,
    m: number,
    cpuMilli: number,
    deadlineMs: number,
  ): Promise<{ delta: Float64Array; errors: ReadonlyMap<number, string> }> {
    const at = this.now();
    const c = this.size(cpuMilli);
    let todo: number[] | undefined;
    for (let k = 0; k < m; k++) {
      const i = idx[k];
      if (i < 0) continue;
      this.sync(i, at);
      if (!(c.epochAt[i] === this.epoch[i] && c.expires[i] > at && !Number.isNaN(c.delta[i]))) (todo ??= []).push(i);
    }
    if (todo) await this.predictAll(c, todo, cpuMilli, deadlineMs);
    return c;
  }

  private async predictAll(c: SizeCosts, todo: number[], cpuMilli: number, deadlineMs: number): Promise<void> {
    let next = 0;
    // one time limit for the call's predictions (they may finish after the deadline, for the next call)
    const signal = AbortSignal.timeout(PREDICT_TIMEOUT_MS);
    const worker = async () => {
      while (next < todo.length) {
        const i = todo[next++];
        let p = c.pending.get(i);
        if (!p) {
          const epoch = this.epoch[i];
          const s = this.states[i];
          c.delta[i] = NaN;
          p = this.predict(s, cpuMilli, signal).then(({ delta, error }) => {
            c.delta[i] = delta;
            if (error === undefined) c.errors.delete(i);
            else c.errors.set(i, error);
            c.epochAt[i] = epoch;
            c.expires[i] = this.now() + s.refreshMs;
            c.pending.delete(i);
          });
          c.pending.set(i, p);
        }
        await p;
      }
    };
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((r) => {
      timer = setTimeout(r, Math.max(0, deadlineMs));
    });
    await Promise.race([Promise.all(Array.from({ length: Math.min(CONCURRENCY, todo.length) }, worker)), deadline]);
    clearTimeout(timer);
  }

  private async predict(s: NodeState, cpuMilli: number, signal: AbortSignal): Promise<{ delta: number; error?: string }> {
    if (s.predictor instanceof Error) return { delta: Infinity, error: `predictor unusable: ${s.predictor.message}` };
    const w = await this.estimator.predictRow(s, cpuMilli, 1, undefined, undefined, signal);
    const delta = w[1] - w[0];
    if (!Number.isFinite(delta))
      return { delta: Infinity, error: s.lastPredictionError ?? `predictor ${s.predictor.type} gives no finite watts for this node` };
    return { delta };
  }
}
