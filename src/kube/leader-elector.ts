/**
 * @module kube/leader-elector
 * Runs a {@link LeaseLock} in a loop: try every `retryPeriodMs` until leading, then renew; when
 * renewals fail for `renewDeadlineMs` the contender stops leading (and calls `onStoppedLeading`).
 */
import type { LeaseLock } from './lease-lock.js';

/** Callbacks and timing of the loop. */
export interface LeaderElectorOptions {
  /** Attempt period (default 2 s). */
  retryPeriodMs?: number;
  /** A leader that could not renew for this long steps down (default 10 s). */
  renewDeadlineMs?: number;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
  /** Errors talking to the API server (the loop continues). */
  onError?: (err: unknown) => void;
}

/** Leader-election loop over a LeaseLock. */
export class LeaderElector {
  readonly #lock: LeaseLock;
  readonly #opts: LeaderElectorOptions;
  #timer: NodeJS.Timeout | undefined;
  #leading = false;
  #lastRenew = 0;
  #running = false;
  #inflight: Promise<void> = Promise.resolve();

  constructor(lock: LeaseLock, options: LeaderElectorOptions) {
    this.#lock = lock;
    this.#opts = options;
  }

  /** Whether this replica currently leads. */
  get leading(): boolean {
    return this.#leading;
  }

  /** Starts the loop (first attempt right away). */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#schedule(0);
  }

  /** Stops the loop and releases the lease when held (after an attempt in flight has finished, so it cannot renew afterwards). */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#inflight;
    if (this.#leading) this.#step(false);
    await this.#lock.release();
  }

  #schedule(ms: number): void {
    this.#timer = setTimeout(() => {
      this.#inflight = this.#tick();
    }, ms);
    this.#timer.unref();
  }

  async #tick(): Promise<void> {
    if (!this.#running) return;
    const now = Date.now();
    try {
      const ok = await this.#lock.tryAcquireOrRenew();
      if (ok) this.#lastRenew = now;
      if (this.#running) this.#step(ok || (this.#leading && now - this.#lastRenew < (this.#opts.renewDeadlineMs ?? 10_000)));
    } catch (err) {
      this.#opts.onError?.(err);
      if (this.#leading && now - this.#lastRenew >= (this.#opts.renewDeadlineMs ?? 10_000)) this.#step(false);
    }
    if (this.#running) this.#schedule(this.#opts.retryPeriodMs ?? 2000);
  }

  #step(leading: boolean): void {
    if (leading === this.#leading) return;
    this.#leading = leading;
    if (leading) this.#opts.onStartedLeading();
    else this.#opts.onStoppedLeading();
  }
}
