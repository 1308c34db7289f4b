/**
 * @module agent/meters/power-integrator
 * Turns a power-only sensor (µW) into a cumulative energy counter by trapezoidal integration over
 * time, in integer µJ with the fractional remainder carried so no energy is lost to rounding.
 */
import type { CounterStep } from './counter.js';

/** Integrates successive power readings. */
export class PowerIntegrator {
  private prevMicroWatts: number | undefined;
  private prevAtMs = 0;
  private carry = 0;

  constructor(
    /** A reading above this many watts is dropped. */
    readonly maxPlausibleWatts: number,
  ) {}

  /** Feeds a reading of `microWatts` at `atMs` (monotonic ms); returns the energy since the previous one. */
  step(microWatts: number, atMs: number): CounterStep {
    const prev = this.prevMicroWatts;
    const dt = atMs - this.prevAtMs;
    if (microWatts < 0 || microWatts / 1e6 > this.maxPlausibleWatts) {
      this.prevAtMs = atMs;
      this.prevMicroWatts = undefined;
      return { deltaMicroJoules: 0, wrapped: false, dropped: 'implausible' };
    }
    this.prevMicroWatts = microWatts;
    this.prevAtMs = atMs;
    if (prev === undefined) return { deltaMicroJoules: 0, wrapped: false, baseline: true };
    if (dt <= 0) return { deltaMicroJoules: 0, wrapped: false };
    const exact = ((prev + microWatts) / 2) * (dt / 1000) + this.carry;
    const delta = Math.floor(exact);
    this.carry = exact - delta;
    return { deltaMicroJoules: delta, wrapped: false };
  }

  /** Forgets the last reading (the read failed): the next reading starts a new baseline. */
  reset(): void {
    this.prevMicroWatts = undefined;
    this.carry = 0;
  }
}
