/**
 * @module agent/meters/counter
 * Energy counter arithmetic, in integer microjoules: deltas across a wraparound at
 * `max_energy_range_uj`, the power an interval implies, and the plausibility test that drops an
 * interval (counter reset, double wrap, a jump beyond what the zone can draw) instead of producing a spike.
 */

/**
 * Default implied-power bound per counter (one socket's zone, one sensor), watts: far above any
 * CPU package, far below what a counter reset read as a wrap implies. `monitor.maxZoneWatts` sets it.
 */
export const DEFAULT_MAX_PLAUSIBLE_WATTS = 2000;

/**
 * How far above a zone's advertised maximum power (`max_power_range_uw`, `constraint_*_max_power_uw`)
 * an interval may go before it is dropped: RAPL limits are averages over a time window, so a short
 * interval can briefly read above them.
 */
export const ADVERTISED_POWER_MARGIN = 1.5;

/**
 * The implied-power bound of one counter: `ceiling`, or the advertised maximum × {@link ADVERTISED_POWER_MARGIN}
 * when the zone advertises one (`advertisedMicroWatts` > 0) and that is lower. Pure.
 */
export function plausibleWatts(advertisedMicroWatts: number, ceiling: number): number {
  return advertisedMicroWatts > 0 ? Math.min(ceiling, (advertisedMicroWatts / 1e6) * ADVERTISED_POWER_MARGIN) : ceiling;
}

/** The outcome of one counter step. */
export interface CounterStep {
  /** Energy used since the previous reading, µJ (0 when dropped or a baseline). */
  deltaMicroJoules: number;
  /** The counter passed its maximum during the interval. */
  wrapped: boolean;
  /** Set when the interval was discarded; names why. */
  dropped?: 'reset' | 'implausible';
  /** The first reading (at start, or after a failed read): it starts the baseline, no energy was measured. */
  baseline?: boolean;
}

/**
 * Energy between two readings of a counter that wraps at `max` µJ (Linux powercap semantics:
 * after a wrap the delta is `(max − prev) + cur`). Returns undefined when the counter went
 * backwards and no range is known (`max` ≤ 0) or `prev` lies above `max`: a reset, not a wrap.
 */
export function counterDelta(prev: number, cur: number, max: number): { delta: number; wrapped: boolean } | undefined {
  if (cur >= prev) return { delta: cur - prev, wrapped: false };
  if (max > 0 && prev <= max && cur <= max) return { delta: max - prev + cur, wrapped: true };
  return undefined;
}

/** Watts implied by `deltaMicroJoules` over `intervalMs` (µJ/µs = W). */
export function impliedWatts(deltaMicroJoules: number, intervalMs: number): number {
  return intervalMs > 0 ? deltaMicroJoules / (intervalMs * 1000) : Infinity;
}

/**
 * One step of a counter: the delta from `prev` to `cur`, dropped when the counter reset or when the
 * implied power exceeds `maxPlausibleWatts` (a reset read as a wrap, more than one wrap, a jump).
 */
export function stepCounter(prev: number, cur: number, max: number, intervalMs: number, maxPlausibleWatts: number): CounterStep {
  const d = counterDelta(prev, cur, max);
  if (d === undefined) return { deltaMicroJoules: 0, wrapped: false, dropped: 'reset' };
  if (impliedWatts(d.delta, intervalMs) > maxPlausibleWatts) return { deltaMicroJoules: 0, wrapped: d.wrapped, dropped: 'implausible' };
  return { deltaMicroJoules: d.delta, wrapped: d.wrapped };
}

/** Remembers a counter's last value and time, and turns successive readings into {@link CounterStep}s. */
export class CounterTracker {
  private prev: number | undefined;
  private prevAtMs = 0;

  constructor(
    /** Wrap point in µJ (`max_energy_range_uj`); 0 when unknown. */
    readonly max: number,
    /** Implied power above which an interval is dropped. */
    readonly maxPlausibleWatts: number,
  ) {}

  /** Feeds a reading taken at `atMs` (monotonic ms); the first reading is the baseline and yields a zero delta. */
  step(cur: number, atMs: number): CounterStep {
    const prev = this.prev;
    const intervalMs = atMs - this.prevAtMs;
    this.prev = cur;
    this.prevAtMs = atMs;
    if (prev === undefined) return { deltaMicroJoules: 0, wrapped: false, baseline: true };
    return stepCounter(prev, cur, this.max, intervalMs, this.maxPlausibleWatts);
  }

  /** Forgets the last reading (the read failed): the next reading starts a new baseline. */
  reset(): void {
    this.prev = undefined;
  }
}
