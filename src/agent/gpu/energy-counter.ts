/**
 * @module agent/gpu/energy-counter
 * A GPU's total-energy counter (NVML, mJ since the driver loaded, 64-bit) turned into per-interval
 * energy. The counter only goes backwards when it was reset (driver reload, GPU reset) or wrapped;
 * neither can be told from the other, so both make a gap, as does a step implying more power than
 * the board can draw. A gap is never a spike: the interval's energy is left out and counted.
 */

/** One step of the counter. */
export type EnergyStep =
  | { kind: 'baseline' }
  | { kind: 'ok'; deltaMicroJoules: number; watts: number }
  | { kind: 'gap'; reason: 'reset' | 'implausible' };

/** Energy between two readings `prevMj` → `curMj` over `intervalMs`. Pure. */
export function energyStep(prevMj: bigint | undefined, curMj: bigint, intervalMs: number, maxPlausibleWatts: number): EnergyStep {
  if (prevMj === undefined) return { kind: 'baseline' };
  if (curMj < prevMj) return { kind: 'gap', reason: 'reset' };
  const deltaMicroJoules = Number(curMj - prevMj) * 1000;
  const watts = intervalMs > 0 ? deltaMicroJoules / (intervalMs * 1000) : Infinity;
  if (watts > maxPlausibleWatts || (intervalMs <= 0 && deltaMicroJoules > 0)) return { kind: 'gap', reason: 'implausible' };
  return { kind: 'ok', deltaMicroJoules, watts: intervalMs > 0 ? watts : 0 };
}

/** Remembers a counter's last value and time; a gap or a lost reading re-baselines it. */
export class EnergyCounter {
  private prevMj: bigint | undefined;
  private prevAtMs = 0;

  constructor(readonly maxPlausibleWatts: number) {}

  /** Feeds a reading taken at `atMs` (monotonic ms). */
  step(curMj: bigint, atMs: number): EnergyStep {
    const s = energyStep(this.prevMj, curMj, atMs - this.prevAtMs, this.maxPlausibleWatts);
    this.prevMj = curMj;
    this.prevAtMs = atMs;
    return s;
  }

  /** Forgets the last reading (the GPU was lost or unreadable): the next reading is a new baseline. */
  forget(): void {
    this.prevMj = undefined;
  }
}
