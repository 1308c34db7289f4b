/**
 * @module agent/meters/fake
 * A deterministic synthetic meter for development and tests: zones package, core (nested) and dram
 * whose power follows the CPU busy ratio, accumulated into counters with a small range so that they
 * wrap often and every read goes through the same wraparound arithmetic as RAPL. Labelled as an
 * estimate: its numbers are not measurements.
 */
import type { MeterInfo } from '../../core/contracts.js';
import type { MeterReadContext, MeterSample, NodeMeter, ZoneDescriptor } from '../types.js';
import { CounterTracker, DEFAULT_MAX_PLAUSIBLE_WATTS } from './counter.js';
import type { CreatedNodeMeter } from './registry.js';

/** Options of {@link createFakeMeter}. */
export interface FakeMeterOptions {
  /** Counter range in µJ (default 1e9 = 1 kJ: wraps every ~20 s at 50 W); must exceed one interval's energy. */
  maxEnergyRangeUj?: number;
}

/** Synthetic watts of each zone at a busy ratio and read number (a small deterministic ripple). */
export function fakeWatts(busyRatio: number, n: number): Record<'package' | 'core' | 'dram', number> {
  const u = Math.min(1, Math.max(0, Number.isFinite(busyRatio) ? busyRatio : 0));
  const ripple = 1 + 0.05 * Math.sin(n / 3);
  const pkg = (15 + 45 * u) * ripple;
  return { package: pkg, core: 0.7 * (pkg - 10), dram: (3 + 4 * u) * ripple };
}

const ZONES: ZoneDescriptor[] = [
  { zone: 'package', path: 'fake-package', nested: false },
  { zone: 'core', path: 'fake-core', nested: true },
  { zone: 'dram', path: 'fake-dram', nested: false },
];

class FakeMeter implements NodeMeter {
  readonly info: MeterInfo = { name: 'fake', estimated: true, model: 'fake:synthetic' };
  private readonly counters = new Map<string, number>();
  private readonly trackers = new Map<string, CounterTracker>();
  private readonly carry = new Map<string, number>();
  private n = 0;
  private clockMs = 0;

  constructor(private readonly max: number) {
    for (const z of ZONES) {
      this.counters.set(z.zone, Math.floor(max / 2));
      this.trackers.set(z.zone, new CounterTracker(max, DEFAULT_MAX_PLAUSIBLE_WATTS));
    }
  }

  zones(): ZoneDescriptor[] {
    return ZONES.map((z) => ({ ...z }));
  }

  async read(ctx: MeterReadContext): Promise<MeterSample> {
    const first = this.n === 0;
    const watts = fakeWatts(ctx.busyRatio, this.n++);
    if (!first) this.clockMs += ctx.intervalMs;
    const sample: MeterSample = { zones: [], dropped: [] };
    for (const z of ZONES) {
      let counter = this.counters.get(z.zone)!;
      if (!first) {
        const exact = watts[z.zone as keyof typeof watts] * Math.max(0, ctx.intervalMs) * 1000 + (this.carry.get(z.zone) ?? 0);
        const add = Math.floor(exact);
        this.carry.set(z.zone, exact - add);
        counter = (counter + add) % this.max;
        this.counters.set(z.zone, counter);
      }
      const step = this.trackers.get(z.zone)!.step(counter, this.clockMs);
      sample.zones.push({ zone: z.zone, path: z.path, deltaMicroJoules: step.deltaMicroJoules });
      if (step.dropped) sample.dropped.push(z.path);
    }
    return sample;
  }
}

/** The fake meter. */
export function createFakeMeter(opts: FakeMeterOptions = {}): NodeMeter {
  return new FakeMeter(opts.maxEnergyRangeUj ?? 1e9);
}

/** The `fake` entry of the meter registry: the synthetic meter with its defaults. */
export async function createNodeMeter(): Promise<CreatedNodeMeter> {
  return { meter: createFakeMeter(), notes: [] };
}
