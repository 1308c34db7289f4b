/**
 * @module agent/procfs/clock
 * The host's clock tick rate (USER_HZ) for `/proc/<pid>/stat` CPU times: `getconf CLK_TCK`, read
 * once; 100 when getconf is missing (the Linux default on every common architecture).
 */
import { execFileSync } from 'node:child_process';

/** Default USER_HZ when `getconf` cannot be run. */
export const DEFAULT_CLOCK_TICKS = 100;

let cached: number | undefined;

/** Clock ticks per second of this host (cached after the first call). */
export function hostClockTicks(): number {
  if (cached !== undefined) return cached;
  cached = DEFAULT_CLOCK_TICKS;
  try {
    const out = execFileSync('getconf', ['CLK_TCK'], { stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000 })
      .toString()
      .trim();
    const n = Number(out);
    if (Number.isInteger(n) && n > 0) cached = n;
  } catch {
    // getconf missing: keep the Linux default.
  }
  return cached;
}
