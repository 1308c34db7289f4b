/**
 * @module agent/meters/sample
 * Builds a {@link MeterSample} from per-member counter steps: each reported zone's delta is the sum
 * of its members' deltas; a zone with a dropped member is listed in `dropped`.
 */
import type { MeterSample } from '../types.js';
import type { CounterStep } from './counter.js';
import type { ZoneGroup, ZoneMember } from './zones.js';

/** Sums member steps per zone. `stepOf` gives the step of each member for this interval. */
export function buildSample<T>(groups: ZoneGroup<T>[], stepOf: (m: ZoneMember<T>) => CounterStep): MeterSample {
  const sample: MeterSample = { zones: [], dropped: [] };
  for (const g of groups) {
    let delta = 0;
    let dropped = false;
    for (const m of g.members) {
      const s = stepOf(m);
      delta += s.deltaMicroJoules;
      if (s.dropped) dropped = true;
    }
    sample.zones.push({ zone: g.descriptor.zone, path: g.descriptor.path, deltaMicroJoules: delta });
    if (dropped) sample.dropped.push(g.descriptor.path);
  }
  return sample;
}
