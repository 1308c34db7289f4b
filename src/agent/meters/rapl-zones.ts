/**
 * @module agent/meters/rapl-zones
 * Discovers RAPL zones under `<sysfs>/class/powercap`: every entry with a `name` file (intel-rapl,
 * intel-rapl-mmio, AMD through the same tree), subzones included. Zone names split into name and
 * index; the standard `intel-rapl:` path wins over an `intel-rapl-mmio:` duplicate of the same
 * (name, index); same-named zones across sockets are grouped into one aggregated zone.
 */
import { join } from 'node:path';
import { type SysfsReader, readOptionalText, isMissing } from './sysfs-reader.js';
import { splitZoneName, groupZones, type ZoneGroup, type ZoneMember } from './zones.js';
import { ERR_METER_UNAVAILABLE } from './errors.js';
import { errorMessage } from '../../core/errors.js';

/** One powercap zone directory. */
export interface RaplCounter {
  /** `<dir>/energy_uj`. */
  energyFile: string;
  /** `max_energy_range_uj`, 0 when absent. */
  maxEnergyRangeUj: number;
  /** Socket or occurrence index. */
  index: number;
  /** True for `intel-rapl-mmio:*` entries. */
  mmio: boolean;
  /** The most power the zone advertises (largest of `max_power_range_uw`, `constraint_*_max_power_uw`), µW; 0 when none. */
  maxPowerUw: number;
}

/** A powercap entry read from sysfs, before de-duplication. */
export interface RaplEntry {
  /** Directory name, e.g. `intel-rapl:0:1`. */
  dir: string;
  /** Contents of its `name` file, e.g. `package-0`, `dram`. */
  name: string;
  maxEnergyRangeUj: number;
  /** Largest advertised maximum power, µW (0 when none). */
  maxPowerUw: number;
}

/** Natural order of entry names (`intel-rapl:2` before `intel-rapl:10`). */
function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** The index a zone gets: from its name (`package-1`), else from its socket in the path (`intel-rapl:1:0`). */
function socketFromDir(dir: string): number | undefined {
  const m = /:(\d+)(?::\d+)?$/.exec(dir);
  return m ? Number(m[1]) : undefined;
}

/**
 * Turns entries into zone members: name/index split, mmio duplicates dropped, the remaining
 * indexless duplicates numbered by occurrence. Pure.
 */
export function raplMembers(base: string, entries: RaplEntry[]): ZoneMember<RaplCounter>[] {
  const sorted = [...entries].sort(
    (a, b) => Number(a.dir.startsWith('intel-rapl-mmio')) - Number(b.dir.startsWith('intel-rapl-mmio')) || naturalCompare(a.dir, b.dir),
  );
  const seen = new Set<string>();
  const occurrences = new Map<string, number>();
  const members: ZoneMember<RaplCounter>[] = [];
  for (const e of sorted) {
    const { name, index: named } = splitZoneName(e.name);
    let index = named ?? socketFromDir(e.dir);
    if (index === undefined) {
      index = occurrences.get(name) ?? 0;
      occurrences.set(name, index + 1);
    }
    const key = `${name}\u0000${index}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const dirPath = join(base, e.dir);
    members.push({
      zone: name,
      path: dirPath,
      source: {
        energyFile: join(dirPath, 'energy_uj'),
        maxEnergyRangeUj: e.maxEnergyRangeUj,
        index,
        mmio: e.dir.startsWith('intel-rapl-mmio'),
        maxPowerUw: e.maxPowerUw,
      },
    });
  }
  return members;
}

/** Reads the powercap entries that have a `name` file. Throws `PP_AGENT_METER_UNAVAILABLE` when the tree is absent. */
export async function readRaplEntries(reader: SysfsReader, base: string): Promise<RaplEntry[]> {
  let dirs: string[];
  try {
    dirs = await reader.list(base);
  } catch (err) {
    if (isMissing(err)) {
      throw ERR_METER_UNAVAILABLE(
        `${base} does not exist: no powercap driver (VM, container without /sys mounted, or intel_rapl_common not loaded)`,
        { path: base },
      );
    }
    throw ERR_METER_UNAVAILABLE(`cannot list ${base}: ${errorMessage(err)}`, { path: base });
  }
  const entries: RaplEntry[] = [];
  for (const dir of dirs.sort(naturalCompare)) {
    const name = await readOptionalText(reader, join(base, dir, 'name'));
    if (name === undefined || name === '') continue;
    const max = await readOptionalCount(reader, join(base, dir, 'max_energy_range_uj'));
    entries.push({ dir, name, maxEnergyRangeUj: max, maxPowerUw: await readAdvertisedMaxPower(reader, join(base, dir)) });
  }
  return entries;
}

/** A non-negative integer attribute, 0 when absent, unreadable or not one. */
async function readOptionalCount(reader: SysfsReader, path: string): Promise<number> {
  let text: string | undefined;
  try {
    text = await readOptionalText(reader, path);
  } catch {
    return 0;
  }
  const n = text !== undefined && /^\d+$/.test(text) ? Number(text) : 0;
  return Number.isSafeInteger(n) ? n : 0;
}

/** The largest of a zone's `max_power_range_uw` and `constraint_<i>_max_power_uw`, µW (0 when it advertises none). */
async function readAdvertisedMaxPower(reader: SysfsReader, dir: string): Promise<number> {
  let files: string[];
  try {
    files = await reader.list(dir);
  } catch {
    return 0;
  }
  let max = 0;
  for (const f of files) {
    if (f === 'max_power_range_uw' || /^constraint_\d+_max_power_uw$/.test(f)) max = Math.max(max, await readOptionalCount(reader, join(dir, f)));
  }
  return max;
}

/** Discovers the RAPL zones under `<sysfs>/class/powercap`, grouped for reporting. */
export async function discoverRaplZones(reader: SysfsReader, sysfs: string): Promise<ZoneGroup<RaplCounter>[]> {
  const base = join(sysfs, 'class', 'powercap');
  const entries = await readRaplEntries(reader, base);
  const groups = groupZones(raplMembers(base, entries));
  if (groups.length === 0) throw ERR_METER_UNAVAILABLE(`${base} has no RAPL zones (no entry with a name file)`, { path: base });
  return groups;
}
