/**
 * @module agent/meters/hwmon
 * The hwmon node meter: energy sensors (`energyN_input`, µJ) read as counters, power-only sensors
 * (`powerN_input` / `powerN_average`, µW) integrated into cumulative counters. Same-named zones are
 * aggregated as in the RAPL meter.
 */
import { performance } from 'node:perf_hooks';
import type { NodeMeter } from '../types.js';
import type { CreatedNodeMeter, NodeMeterContext } from './registry.js';
import { CounterTracker, DEFAULT_MAX_PLAUSIBLE_WATTS } from './counter.js';
import { PowerIntegrator } from './power-integrator.js';
import { discoverHwmonZones } from './hwmon-sensors.js';
import { SysfsZoneMeter, sysfsMeterOptions } from './sysfs-zone-meter.js';
import { fsSysfsReader, isPermissionDenied, readInteger, type SysfsReader } from './sysfs-reader.js';
import { ERR_METER_UNAVAILABLE } from './errors.js';
import { errorMessage } from '../../core/errors.js';

/** Options of {@link createHwmonMeter}. */
export interface HwmonMeterOptions {
  sysfs: string;
  reader?: SysfsReader;
  /** Monotonic clock in ms. */
  now?: () => number;
  /** A sensor implying more than this many watts in an interval is dropped. */
  maxPlausibleWatts?: number;
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
        const why = isPermissionDenied(err) ? 'permission denied (run the agent as root or grant read access to the file)' : errorMessage(err);
        throw ERR_METER_UNAVAILABLE(`hwmon: cannot read ${m.source.file}: ${why}`, { path: m.source.file });
      }
    }
  }
  const maxPlausibleWatts = opts.maxPlausibleWatts ?? DEFAULT_MAX_PLAUSIBLE_WATTS;
  return new SysfsZoneMeter('hwmon', groups, reader, opts.now ?? (() => performance.now()), {
    fileOf: (m) => m.source.file,
    accumulatorOf: (m) => (m.source.kind === 'energy' ? new CounterTracker(0, maxPlausibleWatts) : new PowerIntegrator(maxPlausibleWatts)),
  });
}

/** The `hwmon` entry of the meter registry: createHwmonMeter on `host.sysfs`. */
export async function createNodeMeter(ctx: NodeMeterContext): Promise<CreatedNodeMeter> {
  return { meter: await createHwmonMeter(sysfsMeterOptions(ctx)), notes: [] };
}
