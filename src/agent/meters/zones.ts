/**
 * @module agent/meters/zones
 * Zone naming shared by the RAPL and hwmon meters: splitting `package-0` into name and index,
 * grouping same-named zones across sockets into one `aggregated-<zone>` zone (Kepler v0.10+), and
 * deciding which zones nest inside another (core/uncore in package; everything in psys).
 */
import type { ZoneDescriptor } from '../types.js';

/** A zone name split into name and index: `package-0` → `{name: 'package', index: 0}`. */
export function splitZoneName(raw: string): { name: string; index?: number } {
  const m = /^(.*?)-(\d+)$/.exec(raw.trim());
  if (m && m[1] !== '') return { name: m[1].toLowerCase(), index: Number(m[2]) };
  return { name: raw.trim().toLowerCase() };
}

/** One physical counter of a zone (one socket's package, one hwmon channel). */
export interface ZoneMember<T> {
  zone: string;
  path: string;
  source: T;
}

/** The zones a meter reports: one per zone name, summing its members when there are several. */
export interface ZoneGroup<T> {
  descriptor: ZoneDescriptor;
  members: ZoneMember<T>[];
}

const ORDER = ['psys', 'platform', 'package', 'core', 'uncore', 'dram'];

function rank(zone: string): number {
  const i = ORDER.indexOf(zone);
  return i < 0 ? ORDER.length : i;
}

/**
 * Whether a zone is contained in another zone that is present, and so excluded from node totals:
 * core and uncore are inside package; when psys (or a platform zone) exists it contains all others.
 */
export function isNestedZone(zone: string, present: ReadonlySet<string>): boolean {
  if (zone !== 'psys' && zone !== 'platform' && (present.has('psys') || present.has('platform'))) return true;
  return (zone === 'core' || zone === 'uncore') && present.has('package');
}

/**
 * Groups members by zone name. A name with one member keeps that member's path; a name with
 * several becomes one zone with path `aggregated-<zone>`. Ordered psys, platform, package, core,
 * uncore, dram, then by name.
 */
export function groupZones<T>(members: ZoneMember<T>[]): ZoneGroup<T>[] {
  const byName = new Map<string, ZoneMember<T>[]>();
  for (const m of members) {
    const list = byName.get(m.zone) ?? [];
    list.push(m);
    byName.set(m.zone, list);
  }
  const present = new Set(byName.keys());
  const names = [...byName.keys()].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return names.map((zone) => {
    const list = byName.get(zone)!;
    const path = list.length === 1 ? list[0].path : `aggregated-${zone}`;
    return { descriptor: { zone, path, nested: isNestedZone(zone, present) }, members: list };
  });
}
