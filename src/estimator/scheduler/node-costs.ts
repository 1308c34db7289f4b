/**
 * @module estimator/scheduler/node-costs
 * The watts one pod adds on each candidate node, incrementally: `W(usage + pod CPU) − W(usage)` from the
 * node's own predictor and status (the estimator's `predictRow`, so the same monitors, predictors and
 * prediction cache answer both APIs). A node's result is kept per pod CPU size and reused while the
 * node's monitor readings are unchanged (same successful reads, none gone stale) and the node's refresh
 * interval has not passed; only the other nodes are predicted again, in parallel and bounded by a
 * deadline. Nodes still being predicted at the deadline are reported `pending` and finish in the
 * background for the next call.
 */
import type { Estimator } from '../estimator.js';
import type { NodeState } from '../node-state.js';

/** Largest number of pod CPU sizes kept per Estimator. */
const MAX_SIZES = 64;
/** Parallel predictions per call. */
const CONCURRENCY = 32;

/** The predicted watts of one node for one pod CPU size. */
export interface CpuCost {
  /** W(usage + pod) − W(usage); +Inf when the prediction failed. */
  delta: number;
  /** Why the prediction failed, when it did. */
  error?: string;
}

interface Entry {
  cost?: CpuCost;
  /** Monitor readings it was computed from: lastSuccess of each fresh record, −1 for stale ones. */
  sig?: Float64Array;
  expires: number;
  pending?: Promise<void>;
}

/** Per-Estimator incremental cost cache. */
export class NodeCosts {
  private readonly states = new Map<string, NodeState>();
  private readonly sizes = new Map<number, Map<string, Entry>>();

  constructor(
    readonly estimator: Estimator,
    private readonly now: () => number = Date.now,
  ) {
    for (const s of estimator.nodes) this.states.set(s.node.name, s);
  }

  /** The node state of `name`, when the Estimator has that node. */
  state(name: string): NodeState | undefined {
    return this.states.get(name);
  }

  /** The readings signature of a node at `at`. */
  private signature(s: NodeState, at: number): Float64Array {
    const sig = new Float64Array(s.records.length);
    for (let i = 0; i < sig.length; i++) sig[i] = s.isStale(s.records[i], at) ? -1 : (s.records[i].lastSuccess as number);
    return sig;
  }

  private entries(cpuMilli: number): Map<string, Entry> {
    let m = this.sizes.get(cpuMilli);
    if (!m) {
      if (this.sizes.size >= MAX_SIZES) this.sizes.delete(this.sizes.keys().next().value as number);
      m = new Map();
      this.sizes.set(cpuMilli, m);
    }
    return m;
  }

  /**
   * The cost of a `cpuMilli` pod on each named node (undefined for nodes the Estimator lacks and for
   * nodes still pending when `deadlineMs` passes).
   */
  async costs(names: readonly string[], cpuMilli: number, deadlineMs: number): Promise<(CpuCost | undefined)[]> {
    const at = this.now();
    const entries = this.entries(cpuMilli);
    const out = new Array<CpuCost | undefined>(names.length);
    const todo: number[] = [];
    for (let i = 0; i < names.length; i++) {
      const s = this.states.get(names[i]);
      if (!s) continue;
      const e = entries.get(names[i]);
      if (e?.cost && e.expires > at && e.sig && sameSig(e.sig, s, at)) out[i] = e.cost;
      else todo.push(i);
    }
    if (todo.length === 0) return out;
    let next = 0;
    const worker = async () => {
      while (next < todo.length) {
        const i = todo[next++];
        const name = names[i];
        const s = this.states.get(name) as NodeState;
        let e = entries.get(name);
        if (!e?.pending) {
          const sig = this.signature(s, at);
          const fresh: Entry = { expires: 0 };
          fresh.pending = this.predict(s, cpuMilli).then((cost) => {
            fresh.cost = cost;
            fresh.sig = sig;
            fresh.expires = this.now() + s.refreshMs;
            fresh.pending = undefined;
          });
          entries.set(name, fresh);
          e = fresh;
        }
        await e.pending;
        out[i] = e.cost;
      }
    };
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((r) => {
      timer = setTimeout(r, Math.max(0, deadlineMs));
    });
    await Promise.race([Promise.all(Array.from({ length: Math.min(CONCURRENCY, todo.length) }, worker)), deadline]);
    clearTimeout(timer);
    return out;
  }

  private async predict(s: NodeState, cpuMilli: number): Promise<CpuCost> {
    if (s.predictor instanceof Error) return { delta: Infinity, error: `predictor unusable: ${s.predictor.message}` };
    const w = await this.estimator.predictRow(s, cpuMilli, 1);
    const delta = w[1] - w[0];
    if (!Number.isFinite(delta)) return { delta: Infinity, error: s.lastPredictionError ?? `predictor ${s.predictor.type} gives no finite watts for this node` };
    return { delta };
  }
}

/** True when a node's readings still match a signature. */
function sameSig(sig: Float64Array, s: NodeState, at: number): boolean {
  if (sig.length !== s.records.length) return false;
  for (let i = 0; i < sig.length; i++) {
    const v = s.isStale(s.records[i], at) ? -1 : (s.records[i].lastSuccess as number);
    if (v !== sig[i]) return false;
  }
  return true;
}
