/**
 * @module agent/meters/sysfs-zone-meter
 * The node meter shape shared by RAPL and hwmon: zones made of members, each member one sysfs file
 * read as an integer and fed to its own accumulator (an energy counter with wraparound, or a power
 * reading integrated over time); a zone's delta is the sum of its members' deltas.
 */
import type { MeterInfo } from '../../core/contracts.js';
import type { MeterReadContext, MeterSample, NodeMeter, ZoneDescriptor } from '../types.js';
import type { CounterStep } from './counter.js';
import { buildSample } from './sample.js';
import { readInteger, type SysfsReader } from './sysfs-reader.js';
import type { ZoneGroup, ZoneMember } from './zones.js';
import { ERR_METER_READ } from './errors.js';

/** Turns successive readings of one file into energy steps. */
export interface Accumulator {
  step(value: number, atMs: number): CounterStep;
}

/** How a meter reads its members: the file of each, and a fresh accumulator for each. */
export interface MemberReading<T> {
  fileOf(m: ZoneMember<T>): string;
  accumulatorOf(m: ZoneMember<T>): Accumulator;
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
      this.members.map(async (m) => {
        const file = this.reading.fileOf(m);
        try {
          return await readInteger(this.reader, file);
        } catch (err) {
          throw ERR_METER_READ(`${this.info.name}: ${(err as Error).message}`, { path: file }, { cause: err });
        }
      }),
    );
    const at = this.now();
    const steps = new Map(this.members.map((m, i) => [m, this.accumulators[i].step(values[i], at)]));
    return buildSample(this.groups, (m) => steps.get(m)!);
  }
}
