/**
 * @module agent/procfs/clock
 * The host's clock tick rate (USER_HZ) for `/proc/<pid>/stat` CPU times, as the kernel hands it to every
 * process in its auxiliary vector (`AT_CLKTCK` in `/proc/self/auxv`, what `getconf CLK_TCK` reads), read
 * once without starting a process; 100 (the Linux default on every common architecture) when unreadable.
 */
import { readFileSync } from 'node:fs';
import { arch, endianness } from 'node:os';

/** Default USER_HZ when the auxiliary vector cannot be read. */
export const DEFAULT_CLOCK_TICKS = 100;

/** The auxiliary vector's key for the clock tick rate (linux/auxvec.h). */
const AT_CLKTCK = 17;

/**
 * The `AT_CLKTCK` value of an auxiliary vector (pairs of machine words: key, value; key 0 ends it), or
 * undefined when absent. `wordBytes` is 8 on 64-bit platforms and 4 on 32-bit ones.
 */
export function clockTicksFromAuxv(auxv: Buffer, wordBytes: 4 | 8, littleEndian: boolean): number | undefined {
  const word = (at: number): number =>
    wordBytes === 8
      ? Number(littleEndian ? auxv.readBigUInt64LE(at) : auxv.readBigUInt64BE(at))
      : littleEndian
        ? auxv.readUInt32LE(at)
        : auxv.readUInt32BE(at);
  for (let at = 0; at + 2 * wordBytes <= auxv.length; at += 2 * wordBytes) {
    const key = word(at);
    if (key === 0) return undefined;
    if (key === AT_CLKTCK) {
      const ticks = word(at + wordBytes);
      return Number.isInteger(ticks) && ticks > 0 ? ticks : undefined;
    }
  }
  return undefined;
}

let cached: number | undefined;

/** Clock ticks per second of this host (cached after the first call). */
export function hostClockTicks(): number {
  if (cached !== undefined) return cached;
  let ticks: number | undefined;
  try {
    const wordBytes = ['x64', 'arm64', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el'].includes(arch()) ? 8 : 4;
    ticks = clockTicksFromAuxv(readFileSync('/proc/self/auxv'), wordBytes, endianness() === 'LE');
  } catch {
    // no procfs: keep the Linux default
  }
  cached = ticks ?? DEFAULT_CLOCK_TICKS;
  return cached;
}
