/**
 * @module estimator/node-state
 * One node of one Estimator: its monitors run now and then every `refreshInterval` (each read bounded
 * by a timeout), their readings merge into the node's status, and each reading's age and last error are
 * kept for `/nodes`. A reading older than three refresh intervals is stale: it leaves the status (so a
 * dead sensor is never reused forever) and is reported as stale.
 */
import type { Logger } from '../core/logger.js';
import { STATUS_KEYS, type NodeInfo, type NodeMonitor, type NodeStatus, type PowerPredictor } from './types.js';
import { errorMessage } from '../core/errors.js';

/** Readings older than this many refresh intervals leave the status. */
export const STALE_AFTER_INTERVALS = 3;

/** The latest outcome of one monitor agent. */
export interface MonitorRecord {
  type: string;
  endpoint?: string;
  values: Partial<NodeStatus>;
  /** When the last successful read finished (ms since epoch). */
  lastSuccess?: number;
  lastError?: string;
  lastErrorAt?: number;
}

/** Bounds how many refreshes run at once (shared by the nodes of an Estimator). */
export class RefreshLimiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(readonly limit: number) {}

  /** Runs `fn` when a slot is free. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    this.running++;
    try {
      return await fn();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

/** What a node state is built from. */
export interface NodeStateOptions {
  node: NodeInfo;
  monitors: { monitor: NodeMonitor; endpoint?: string; timeoutMs: number }[];
  /** The predictor, or why it could not be built (every prediction then fails). */
  predictor: PowerPredictor | Error;
  refreshMs: number;
  log?: Logger;
  now?: () => number;
  /** Shared bound on concurrent refreshes (thousands of nodes must not all hit their BMCs at once). */
  limiter?: RefreshLimiter;
}

/** The live state of one node. */
export class NodeState {
  readonly node: NodeInfo;
  readonly predictor: PowerPredictor | Error;
  readonly refreshMs: number;
  readonly records: MonitorRecord[];
  private readonly monitors: NodeStateOptions['monitors'];
  private readonly log?: Logger;
  private readonly now: () => number;
  private readonly limiter?: RefreshLimiter;
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;
  private abort?: AbortController;
  /** Last prediction error, for `/nodes`. */
  lastPredictionError?: string;
  /** Called after every refresh (the Estimator then rebuilds its node snapshot). */
  onUpdate?: () => void;

  constructor(opts: NodeStateOptions) {
    this.node = opts.node;
    this.predictor = opts.predictor;
    this.refreshMs = opts.refreshMs;
    this.monitors = opts.monitors;
    this.log = opts.log;
    this.now = opts.now ?? Date.now;
    this.limiter = opts.limiter;
    this.records = opts.monitors.map((m) => ({ type: m.monitor.type, endpoint: m.endpoint, values: {} }));
  }

  /** Runs every monitor once (in parallel, each bounded by its timeout); concurrent calls share one run. */
  refresh(): Promise<void> {
    this.inFlight ??= (this.limiter ? this.limiter.run(() => this.runMonitors()) : this.runMonitors()).finally(() => {
      this.inFlight = undefined;
      this.onUpdate?.();
    });
    return this.inFlight;
  }

  private async runMonitors(): Promise<void> {
    this.abort = new AbortController();
    const outer = this.abort.signal;
    await Promise.all(
      this.monitors.map(async (m, i) => {
        const signal = AbortSignal.any([outer, AbortSignal.timeout(m.timeoutMs)]);
        const rec = this.records[i];
        try {
          const values = await m.monitor.read(this.node, signal);
          rec.values = values;
          rec.lastSuccess = this.now();
          rec.lastError = undefined;
        } catch (err) {
          if (outer.aborted) return;
          rec.lastError =
            signal.aborted && !(err instanceof Error && /timed out/.test(err.message)) ? `timed out after ${m.timeoutMs} ms` : errorMessage(err);
          rec.lastErrorAt = this.now();
          this.log?.debug({ node: this.node.name, agent: m.monitor.type, err: rec.lastError }, 'node monitor failed');
        }
      }),
    );
  }

  /** Starts the refresh loop (first run now). */
  start(): void {
    if (this.timer || this.monitors.length === 0) return;
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.refreshMs);
    this.timer.unref();
  }

  /** Stops the loop and aborts a run in progress. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.abort?.abort();
  }

  /** True when a reading of this age has gone stale. */
  isStale(rec: MonitorRecord, at = this.now()): boolean {
    return rec.lastSuccess === undefined || at - rec.lastSuccess > STALE_AFTER_INTERVALS * this.refreshMs;
  }

  /** The merged status from every fresh reading (later agents win on the same key). */
  status(at = this.now()): NodeStatus {
    const out: NodeStatus = {};
    for (const rec of this.records) if (!this.isStale(rec, at)) Object.assign(out, rec.values);
    return out;
  }

  /** Free CPU in millicores (allocatable − used), when allocatable is known. */
  freeMilli(status: NodeStatus): number | undefined {
    if (this.node.allocatableMilli === undefined) return undefined;
    return Math.max(0, this.node.allocatableMilli - (status.cpuUsedMilli ?? 0));
  }
}

/** A stable string of a status (cache and grouping keys). */
export function statusKey(s: NodeStatus): string {
  return STATUS_KEYS.map((k) => (s[k] === undefined ? '' : String(s[k]))).join(',');
}
