/**
 * @module agent/meters/sysfs-zone-meter
 * The node meter shape shared by RAPL and hwmon: zones made of members, each member one sysfs file
 * read as an integer and fed to its own accumulator (an energy counter with wraparound, or a power
 * reading integrated over time); a zone's delta is the sum of its members' deltas. A member whose
 * file is missing, unreadable or not an integer does not fail the read: its zone reports the failure
 * and measures nothing, and the member's accumulator restarts its baseline, so the energy of an outage
 * is never exported as one interval's power.
 */
import type { MeterInfo } from '../../core/contracts.js';
import type { MeterReadContext, MeterSample, NodeMeter, ZoneDescriptor } from '../types.js';
import type { CounterStep } from './counter.js';
import { buildSample, type MemberFailure } from './sample.js';
import { readInteger, readFailureReason, type SysfsReader } from './sysfs-reader.js';
import type { ZoneGroup, ZoneMember } from './zones.js';
import type { NodeMeterContext } from './registry.js';
import { errorMessage } from '../../core/errors.js';

/** Turns successive readings of one file into energy steps. */
export interface Accumulator {
  step(value: number, atMs: number): CounterStep;
  /** Forgets the last reading: the next one is a new baseline. */
  reset(): void;
}

/** How a meter reads its members: the file of each, and a fresh accumulator for each. */
export interface MemberReading<T> {
  fileOf(m: ZoneMember<T>): string;
  accumulatorOf(m: ZoneMember<T>): Accumulator;
}

/** The options of a sysfs meter (RAPL, hwmon) from the configuration: `host.sysfs`, `monitor.maxZoneWatts`. */
export function sysfsMeterOptions({ config, deps }: NodeMeterContext): {
  sysfs: string;
  reader?: SysfsReader;
  now?: () => number;
  maxPlausibleWatts: number;
} {
  return { sysfs: config.host.sysfs, reader: deps.reader, now: deps.now, maxPlausibleWatts: config.monitor.maxZoneWatts };
}

/** A node meter over sysfs zone groups (see the module doc). */
export class SysfsZoneMeter<T> implements NodeMeter {
  readonly info: MeterInfo;
  private readonly members: ZoneMember<T>[];
  private readonly accumulators: Accumulator[];

  constructor(
    name: string,
    private readonly groups: ZoneGroup<T>[],
    private readonly reader: SysfsReader,
    private readonly now: () => number,
    private readonly reading: MemberReading<T>,
  ) {
    this.info = { name, estimated: false };
    this.members = groups.flatMap((g) => g.members);
    this.accumulators = this.members.map((m) => reading.accumulatorOf(m));
  }

  zones(): ZoneDescriptor[] {
    return this.groups.map((g) => ({ ...g.descriptor }));
  }

  async read(_ctx: MeterReadContext): Promise<MeterSample> {
    const values = await Promise.all(
      this.members.map(async (m): Promise<number | MemberFailure> => {
        const file = this.reading.fileOf(m);
        try {
          return await readInteger(this.reader, file);
        } catch (err) {
          const message = errorMessage(err);
          return { reason: readFailureReason(err), message: message.includes(file) ? message : `${file}: ${message}` };
        }
      }),
    );
    const at = this.now();
    const steps = new Map<ZoneMember<T>, CounterStep | MemberFailure>();
    this.members.forEach((m, i) => {
      const v = values[i];
      if (typeof v === 'number') steps.set(m, this.accumulators[i].step(v, at));
      else {
        this.accumulators[i].reset();
        steps.set(m, v);
      }
    });
    return buildSample(this.groups, (m) => steps.get(m)!);
  }
}
