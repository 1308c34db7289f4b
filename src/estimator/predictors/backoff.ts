/**
 * @module estimator/predictors/backoff
 * Back-off per predictor endpoint: after a failed call (network error, timeout, error status, an
 * answer without watts) an endpoint is not called again until a delay has passed, doubling with each
 * consecutive failure up to a cap, so a dead MLServer costs one timeout per back-off period instead of
 * one per estimation request. A success clears it. Calls aborted by the caller do not count.
 */
import { ErrPCPredictor } from '../errors.js';
import { errorMessage } from '../../core/errors.js';

/** Delays of {@link EndpointBackoff}. */
export interface BackoffPolicy {
  /** Delay after the first failure (ms). */
  baseMs: number;
  /** Longest delay (ms). */
  maxMs: number;
}

/** 1 s after the first failure, doubling, at most 60 s. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, maxMs: 60_000 };

/** The delay after `failures` consecutive failures (≥ 1). Pure. */
export function backoffDelayMs(failures: number, policy: BackoffPolicy): number {
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(30, failures - 1));
}

/** Failure state per endpoint URL (one entry per failing endpoint; cleared on success). */
export class EndpointBackoff {
  private readonly state = new Map<string, { failures: number; until: number; last: string }>();

  constructor(
    private readonly policy: BackoffPolicy = DEFAULT_BACKOFF,
    private readonly now: () => number = Date.now,
  ) {}

  /** Runs `call` against `endpoint` unless it is backing off (then throws `ErrPCPredictor` at once); records the outcome. */
  async call<T>(endpoint: string, signal: AbortSignal, call: () => Promise<T>): Promise<T> {
    const s = this.state.get(endpoint);
    const t = this.now();
    if (s && t < s.until) {
      throw ErrPCPredictor(
        `predictor endpoint ${endpoint} failed ${s.failures} time(s) in a row (last: ${s.last}); next try in ${Math.ceil((s.until - t) / 1000)} s`,
      );
    }
    try {
      const out = await call();
      this.state.delete(endpoint);
      return out;
    } catch (err) {
      if (!signal.aborted) {
        const failures = (s?.failures ?? 0) + 1;
        this.state.set(endpoint, { failures, until: this.now() + backoffDelayMs(failures, this.policy), last: errorMessage(err) });
      }
      throw err;
    }
  }
}

/** The back-off every HTTP predictor of this process shares, so nodes that use one endpoint back off together. */
export const sharedEndpointBackoff = new EndpointBackoff();
