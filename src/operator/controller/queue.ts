/**
 * @module operator/controller/queue
 * A keyed work queue: a key added while waiting is processed once; a key added while being
 * processed is processed again afterwards; never two runs of one key at once; failed keys come back
 * after an exponential backoff (reset on success).
 */

/** What the handler answers for a key. */
export type QueueResult = { requeueAfterMs?: number; failed?: boolean } | void;

/** Options of {@link WorkQueue}. */
export interface WorkQueueOptions {
  /** Delay before a newly added key runs, to coalesce bursts of events (default 20 ms). */
  coalesceMs?: number;
  /** First backoff after a failure (default 250 ms), doubled per failure up to `maxBackoffMs` (default 60 s). */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
}

/** The backoff after `failures` consecutive failures. Pure. */
export function queueBackoff(failures: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(failures - 1, 20)));
}

/** A keyed work queue with coalescing, per-key exclusion and backoff. */
export class WorkQueue {
  readonly #handler: (key: string) => Promise<QueueResult>;
  readonly #opts: Required<WorkQueueOptions>;
  readonly #timers = new Map<string, { timer: NodeJS.Timeout; due: number }>();
  readonly #running = new Set<string>();
  readonly #dirty = new Set<string>();
  readonly #failures = new Map<string, number>();
  readonly #idleWaiters: Array<() => void> = [];
  #stopped = false;

  constructor(handler: (key: string) => Promise<QueueResult>, opts: WorkQueueOptions = {}) {
    this.#handler = handler;
    this.#opts = { coalesceMs: 20, baseBackoffMs: 250, maxBackoffMs: 60_000, ...opts };
  }

  /** Schedules `key` after `delayMs` (default: the coalescing delay); when already scheduled, the earlier time wins. */
  add(key: string, delayMs = this.#opts.coalesceMs): void {
    if (this.#stopped) return;
    if (this.#running.has(key)) {
      this.#dirty.add(key);
      return;
    }
    const due = Date.now() + delayMs;
    const pending = this.#timers.get(key);
    if (pending) {
      if (pending.due <= due) return;
      clearTimeout(pending.timer);
    }
    const timer = setTimeout(() => void this.#run(key), delayMs);
    timer.unref();
    this.#timers.set(key, { timer, due });
  }

  /**
   * Resolves when nothing runs and nothing is due within `horizonMs` (default 1 s; periodic
   * refreshes scheduled further out do not count). For tests and benchmarks.
   */
  async idle(horizonMs = 1000): Promise<void> {
    for (;;) {
      const soon = [...this.#timers.values()].some((t) => t.due <= Date.now() + horizonMs);
      if (!soon && this.#running.size === 0) return;
      await new Promise<void>((r) => {
        this.#idleWaiters.push(r);
        setTimeout(r, 10);
      });
    }
  }

  /** Stops scheduling; running handlers finish. */
  stop(): void {
    this.#stopped = true;
    for (const t of this.#timers.values()) clearTimeout(t.timer);
    this.#timers.clear();
    this.#notifyIdle();
  }

  async #run(key: string): Promise<void> {
    this.#timers.delete(key);
    if (this.#stopped) return;
    this.#running.add(key);
    let result: QueueResult;
    try {
      result = await this.#handler(key);
    } catch {
      result = { failed: true };
    }
    this.#running.delete(key);
    if (result?.failed) {
      const n = (this.#failures.get(key) ?? 0) + 1;
      this.#failures.set(key, n);
      this.add(key, Math.max(result.requeueAfterMs ?? 0, queueBackoff(n, this.#opts.baseBackoffMs, this.#opts.maxBackoffMs)));
    } else {
      this.#failures.delete(key);
      if (result?.requeueAfterMs !== undefined) this.add(key, result.requeueAfterMs);
    }
    if (this.#dirty.delete(key)) this.add(key);
    this.#notifyIdle();
  }

  #notifyIdle(): void {
    if (this.#timers.size > 0 || this.#running.size > 0) return;
    for (const w of this.#idleWaiters.splice(0)) w();
  }
}
