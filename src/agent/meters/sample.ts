/**
 * @module agent/meters/sample
 * Builds a {@link MeterSample} from per-member counter steps. A reported zone's delta is the sum of its
 * members' deltas when every member measured the interval; when any member failed to read, was
 * dropped or is only starting its baseline, the zone measured nothing (delta 0): a partial sum would
 * understate the zone, and energy is only ever attributed over time the meter actually read.
 */
import type { MeterErrorReason, MeterSample } from '../types.js';
import type { CounterStep } from './counter.js';
import type { ZoneGroup, ZoneMember } from './zones.js';

/** A member's reading that failed: why, and the message naming the file. */
export interface MemberFailure {
  reason: MeterErrorReason;
  message: string;
}

/** Sums member steps per zone. `stepOf` gives the step (or the read failure) of each member for this interval. */
export function buildSample<T>(groups: ZoneGroup<T>[], stepOf: (m: ZoneMember<T>) => CounterStep | MemberFailure): MeterSample {
  const sample: MeterSample = { zones: [], dropped: [], errors: [], gaps: [] };
  for (const g of groups) {
    const path = g.descriptor.path;
    let delta = 0;
    let failure: MemberFailure | undefined;
    let dropped: CounterStep['dropped'];
    let baseline = false;
    for (const m of g.members) {
      const s = stepOf(m);
      if (!('deltaMicroJoules' in s)) {
        failure ??= s;
        continue;
      }
      delta += s.deltaMicroJoules;
      if (s.dropped) dropped ??= s.dropped;
      if (s.baseline) baseline = true;
    }
    const measured = failure === undefined && dropped === undefined && !baseline;
    sample.zones.push({ zone: g.descriptor.zone, path, deltaMicroJoules: measured ? delta : 0 });
    if (failure) sample.errors!.push({ path, ...failure });
    if (dropped) {
      sample.dropped.push(path);
      sample.errors!.push({
        path,
        reason: dropped,
        message: `${path}: interval dropped (${dropped === 'reset' ? 'the counter went back' : 'it implies more power than the zone can draw'})`,
      });
    }
    if (!failure && !dropped && baseline) sample.gaps!.push(path);
  }
  return sample;
}
