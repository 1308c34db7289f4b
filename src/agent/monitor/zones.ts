/**
 * @module agent/monitor/zones
 * Node zone accounting, the first stage of a refresh: each zone's interval energy from the meter
 * sample, split into active and idle by the busy ratio, added to the zone's cumulative counters; dropped
 * intervals counted per zone; and the zone's health (up, in a gap) with its failures counted per reason.
 */
import type { Logger } from '../../core/logger.js';
import type { MeterSample, ZoneDescriptor } from '../types.js';
import { splitActiveIdle } from '../attribution/apportion.js';
import type { ZoneState } from './snapshot.js';

/** One interval's energy per zone, µJ (zone-indexed, as the meter's zone list). */
export interface ZoneEnergy {
  active: number[];
  idle: number[];
}

/** A zone's health after a refresh, and why. Pure result of {@link zoneHealth}. */
export interface ZoneHealth {
  up: boolean;
  gap: boolean;
  /** The failure the meter reported for the zone this interval, if any (counted per reason). */
  failure?: { reason: string; message: string };
}

/**
 * A zone's health from one sample's errors and gaps: down while its counters cannot be read (an
 * implausible jump or a counter reset still reads them), in a gap whenever it measured nothing. Pure.
 */
export function zoneHealth(zone: Pick<ZoneState, 'zone' | 'path'>, errors: NonNullable<MeterSample['errors']>, gaps: readonly string[]): ZoneHealth {
  const failure = errors.find((e) => e.path === zone.path || e.path === zone.zone);
  const readFailed = failure !== undefined && failure.reason !== 'implausible' && failure.reason !== 'reset';
  return {
    up: !readFailed,
    gap: failure !== undefined || gaps.includes(zone.path),
    ...(failure ? { failure: { reason: failure.reason, message: failure.message } } : {}),
  };
}

/** The zones of the node meter and their cumulative energy. */
export class ZoneAccounts {
  /** Zone states, in the meter's zone order (mutated by each refresh; snapshots copy them). */
  readonly zones: ZoneState[];
  private readonly index = new Map<string, number>();

  constructor(descriptors: readonly ZoneDescriptor[]) {
    this.zones = descriptors.map((z, i) => {
      this.index.set(`${z.zone}\0${z.path}`, i);
      return {
        zone: z.zone,
        path: z.path,
        nested: z.nested,
        up: true,
        gap: false,
        totalUj: 0,
        activeUj: 0,
        idleUj: 0,
        deltaUj: 0,
        activeDeltaUj: 0,
        idleDeltaUj: 0,
      };
    });
  }

  /**
   * Adds one sample's interval: every zone's delta (rounded to whole µJ, never negative) split into
   * active and idle by `busy`; zones the sample leaves out get 0. Dropped intervals are counted in
   * `dropped` per zone name. Returns the interval's active and idle µJ per zone.
   */
  add(sample: MeterSample, busy: number, dropped: Map<string, number>): ZoneEnergy {
    const n = this.zones.length;
    const active = new Array<number>(n).fill(0);
    const idle = new Array<number>(n).fill(0);
    for (const z of this.zones) {
      z.deltaUj = 0;
      z.activeDeltaUj = 0;
      z.idleDeltaUj = 0;
    }
    for (const d of sample.zones) {
      const i = this.index.get(`${d.zone}\0${d.path}`);
      if (i === undefined) continue;
      const z = this.zones[i];
      const delta = Math.max(0, Math.round(d.deltaMicroJoules));
      const split = splitActiveIdle(delta, busy);
      z.deltaUj = delta;
      z.activeDeltaUj = split.active;
      z.idleDeltaUj = split.idle;
      z.totalUj += delta;
      z.activeUj += split.active;
      z.idleUj += split.idle;
      active[i] = split.active;
      idle[i] = split.idle;
    }
    for (const d of sample.dropped) {
      // meters name a dropped zone by its path (or its name); counted per zone name
      const zone = this.zones.find((z) => z.path === d)?.zone ?? d;
      dropped.set(zone, (dropped.get(zone) ?? 0) + 1);
    }
    return { active, idle };
  }

  /**
   * Marks each zone up (read) or down (read failed) and in a gap (nothing measured), counts failures
   * in `meterErrors` per `zone\0reason`, and logs when a zone goes down or comes back. The first
   * refresh's baselines are no gap: there is no interval yet.
   */
  health(sample: MeterSample, first: boolean, meterErrors: Map<string, number>, log: Logger): void {
    const errors = sample.errors ?? [];
    const gaps = first ? [] : (sample.gaps ?? []);
    for (const z of this.zones) {
      const h = zoneHealth(z, errors, gaps);
      if (!h.up && z.up)
        log.warn(
          { zone: z.zone, path: z.path, reason: h.failure?.reason },
          `meter zone ${z.zone} cannot be read (${h.failure?.message}); no power is reported for it until it reads again`,
        );
      if (h.up && !z.up)
        log.info({ zone: z.zone, path: z.path }, `meter zone ${z.zone} is readable again; its power is reported from the next interval`);
      z.up = h.up;
      z.gap = h.gap;
      if (h.failure) {
        const key = `${z.zone}\0${h.failure.reason}`;
        meterErrors.set(key, (meterErrors.get(key) ?? 0) + 1);
      }
    }
  }

  /** Copies of the zone states (for a snapshot). */
  states(): ZoneState[] {
    return this.zones.map((z) => ({ ...z }));
  }
}
