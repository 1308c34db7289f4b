/**
 * @module agent/meters/rapl
 * The RAPL node meter: energy counters of every powercap zone, wraparound handled per socket with
 * `max_energy_range_uj` before multi-socket sums, intervals implying more than the zone's advertised
 * maximum power (or the ceiling) dropped. An unreadable
 * `energy_uj` (root-only since Linux 5.10) makes the meter unavailable with a message naming the
 * file and the fix, so selection moves on to the next meter.
 */
import { performance } from 'node:perf_hooks';
import type { NodeMeter } from '../types.js';
import type { CreatedNodeMeter, NodeMeterContext } from './registry.js';
import { CounterTracker, DEFAULT_MAX_PLAUSIBLE_WATTS, plausibleWatts } from './counter.js';
import { discoverRaplZones } from './rapl-zones.js';
import { SysfsZoneMeter, sysfsMeterOptions } from './sysfs-zone-meter.js';
import { fsSysfsReader, isPermissionDenied, readInteger, type SysfsReader } from './sysfs-reader.js';
import { ERR_METER_UNAVAILABLE } from './errors.js';
import { errorMessage } from '../../core/errors.js';

/** Options of {@link createRaplMeter}. */
export interface RaplMeterOptions {
  /** Host sysfs root (`--host.sysfs`). */
  sysfs: string;
  reader?: SysfsReader;
  /** Monotonic clock in ms. */
  now?: () => number;
  /**
   * Ceiling: an interval implying more than this per counter is dropped (counter reset, double wrap,
   * a jump). A zone that advertises its maximum power gets the lower bound of {@link plausibleWatts}.
   */
  maxPlausibleWatts?: number;
}

/** The message of an unreadable `energy_uj`: names the file and the ways to fix it. */
export function energyPermissionMessage(file: string): string {
  return (
    `cannot read ${file}: permission denied. Since Linux 5.10 (CVE-2020-8694) RAPL energy counters are readable by root only. ` +
    `Fix: run the agent as root (privileged DaemonSet, or a container with CAP_DAC_READ_SEARCH), or grant read access, ` +
    `e.g. \`sudo chmod a+r /sys/class/powercap/intel-rapl:*/energy_uj /sys/class/powercap/intel-rapl:*:*/energy_uj\` (reset at boot; use a udev rule to keep it)`
  );
}

/**
 * Discovers the powercap zones and checks every `energy_uj` is readable.
 * Throws `PP_AGENT_METER_UNAVAILABLE` (no zones, or EACCES with the fix in the message).
 */
export async function createRaplMeter(opts: RaplMeterOptions): Promise<NodeMeter> {
  const reader = opts.reader ?? fsSysfsReader;
  const groups = await discoverRaplZones(reader, opts.sysfs);
  for (const g of groups) {
    for (const m of g.members) {
      try {
        await readInteger(reader, m.source.energyFile);
      } catch (err) {
        if (isPermissionDenied(err)) throw ERR_METER_UNAVAILABLE(energyPermissionMessage(m.source.energyFile), { path: m.source.energyFile });
        throw ERR_METER_UNAVAILABLE(`rapl: cannot read ${m.source.energyFile}: ${errorMessage(err)}`, { path: m.source.energyFile });
      }
    }
  }
  const maxPlausibleWatts = opts.maxPlausibleWatts ?? DEFAULT_MAX_PLAUSIBLE_WATTS;
  return new SysfsZoneMeter('rapl', groups, reader, opts.now ?? (() => performance.now()), {
    fileOf: (m) => m.source.energyFile,
    accumulatorOf: (m) => new CounterTracker(m.source.maxEnergyRangeUj, plausibleWatts(m.source.maxPowerUw, maxPlausibleWatts)),
  });
}

/** The `rapl` entry of the meter registry: createRaplMeter on `host.sysfs`. */
export async function createNodeMeter(ctx: NodeMeterContext): Promise<CreatedNodeMeter> {
  return { meter: await createRaplMeter(sysfsMeterOptions(ctx)), notes: [] };
}
