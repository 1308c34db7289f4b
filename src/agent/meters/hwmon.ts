/**
 * @module agent/meters/hwmon
 * The hwmon node meter: energy sensors (`energyN_input`, µJ) read as counters, power-only sensors
 * (`powerN_input` / `powerN_average`, µW) integrated into cumulative counters. Same-named zones are
 * aggregated as in the RAPL meter.
 */
import { performance } from 'node:perf_hooks';
import type { MeterInfo } from '../../core/contracts.js';
import type { MeterReadContext, MeterSample, NodeMeter, ZoneDescriptor } from '../types.js';
import { CounterTracker, DEFAULT_MAX_PLAUSIBLE_WATTS, type CounterStep } from './counter.js';
import { PowerIntegrator } from './power-integrator.js';
import { discoverHwmonZones, type HwmonSensor } from './hwmon-sensors.js';
import { buildSample } from './sample.js';
import { fsSysfsReader, isPermissionDenied, readInteger, type SysfsReader } from './sysfs-reader.js';
import type { ZoneGroup, ZoneMember } from './zones.js';
import { ERR_METER_READ, ERR_METER_UNAVAILABLE } from './errors.js';

/** Options of {@link createHwmonMeter}. */
export interface HwmonMeterOptions {
  sysfs: string;
  reader?: SysfsReader;
  /** Monotonic clock in ms. */
  now?: () => number;
  /** A sensor implying more than this many watts in an interval is dropped. */
  maxPlausibleWatts?: number;
}

type Accumulator = { step(value: number, atMs: number): CounterStep };

class HwmonMeter implements NodeMeter {
  readonly info: MeterInfo = { name: 'hwmon', estimated: false };
  private readonly accumulators = new Map<ZoneMember<HwmonSensor>, Accumulator>();

  constructor(
    private readonly groups: ZoneGroup<HwmonSensor>[],
    private readonly reader: SysfsReader,
    private readonly now: () => number,
    maxPlausibleWatts: number,
  ) {
    for (const g of groups) {
      for (const m of g.members) {
        this.accumulators.set(m, m.source.kind === 'energy' ? new CounterTracker(0, maxPlausibleWatts) : new PowerIntegrator(maxPlausibleWatts));
      }
    }
  }

  zones(): ZoneDescriptor[] {
    return this.groups.map((g) => ({ ...g.descriptor }));
  }

  async read(_ctx: MeterReadContext): Promise<MeterSample> {
    const members = this.groups.flatMap((g) => g.members);
    const values = await Promise.all(
      members.map(async (m) => {
        try {
          return await readInteger(this.reader, m.source.file);
        } catch (err) {
          throw ERR_METER_READ(`hwmon: ${(err as Error).message}`, { path: m.source.file }, { cause: err });
        }
      }),
    );
    const at = this.now();
    const steps = new Map(members.map((m, i) => [m, this.accumulators.get(m)!.step(values[i], at)]));
    return buildSample(this.groups, (m) => steps.get(m)!);
  }
}

/** Discovers hwmon power/energy sensors and checks they are readable. Throws `PP_AGENT_METER_UNAVAILABLE` otherwise. */
export async function createHwmonMeter(opts: HwmonMeterOptions): Promise<NodeMeter> {
  const reader = opts.reader ?? fsSysfsReader;
  const groups = await discoverHwmonZones(reader, opts.sysfs);
  for (const g of groups) {
    for (const m of g.members) {
      try {
        await readInteger(reader, m.source.file);
      } catch (err) {
        const why = isPermissionDenied(err) ? 'permission denied (run the agent as root or grant read access to the file)' : (err as Error).message;
        throw ERR_METER_UNAVAILABLE(`hwmon: cannot read ${m.source.file}: ${why}`, { path: m.source.file });
      }
    }
  }
  return new HwmonMeter(groups, reader, opts.now ?? (() => performance.now()), opts.maxPlausibleWatts ?? DEFAULT_MAX_PLAUSIBLE_WATTS);
}
