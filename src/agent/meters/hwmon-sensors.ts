/**
 * @module agent/meters/hwmon-sensors
 * Discovers hwmon power and energy sensors under `<sysfs>/class/hwmon`: `energyN_input` (µJ,
 * cumulative), `powerN_input` / `powerN_average` (µW, integrated by the meter). Labels come from
 * `*_label`, the chip name from `name` (else the directory name). Channels with `*_enable` = 0 are
 * skipped. GPU drivers (metered by the GPU meter) and the ACPI `power_meter` (platform power) are
 * not node CPU zones and are left out.
 */
import { join } from 'node:path';
import { type SysfsReader, readOptionalText, isMissing } from './sysfs-reader.js';
import { groupZones, type ZoneGroup, type ZoneMember } from './zones.js';
import { ERR_METER_UNAVAILABLE } from './errors.js';
import { errorMessage } from '../../core/errors.js';

/** Chips that are not node CPU power: GPUs (their own meter) and the ACPI power meter (platform). */
export const EXCLUDED_HWMON_CHIPS: readonly string[] = ['amdgpu', 'radeon', 'nouveau', 'i915', 'xe', 'power_meter'];

/** One hwmon sensor file. */
export interface HwmonSensor {
  kind: 'energy' | 'power';
  /** The value file (`energy1_input`, `power2_average`, …). */
  file: string;
  chip: string;
  /** Channel attribute prefix, e.g. `power1`. */
  channel: string;
  label?: string;
}

/** Normalizes a label or chip name into a zone name: lower case, runs of non-alphanumerics as `_`. */
export function hwmonZoneName(text: string): string {
  return (
    text
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '') || 'hwmon'
  );
}

/**
 * Picks the sensors of one chip from its file names: per channel, `_input` over `_average` for
 * power; energy over power when both carry the same label. Pure (labels and enables passed in).
 */
export function chipSensors(
  chip: string,
  chipDir: string,
  files: string[],
  labels: ReadonlyMap<string, string>,
  disabled: ReadonlySet<string>,
): HwmonSensor[] {
  const byChannel = new Map<string, HwmonSensor>();
  for (const f of [...files].sort()) {
    const m = /^(power|energy)(\d+)_(input|average)$/.exec(f);
    if (!m || (m[1] === 'energy' && m[3] !== 'input')) continue;
    const channel = `${m[1]}${m[2]}`;
    if (disabled.has(channel)) continue;
    const existing = byChannel.get(channel);
    if (existing && existing.file.endsWith('_input')) continue;
    byChannel.set(channel, { kind: m[1] as 'energy' | 'power', file: join(chipDir, f), chip, channel, label: labels.get(channel) });
  }
  const sensors = [...byChannel.values()];
  const energyLabels = new Set(sensors.filter((s) => s.kind === 'energy' && s.label).map((s) => s.label!.toLowerCase()));
  return sensors
    .filter((s) => !(s.kind === 'power' && s.label && energyLabels.has(s.label.toLowerCase())))
    .sort((a, b) => a.channel.localeCompare(b.channel, 'en', { numeric: true }));
}

/** Zone name of a sensor: its label; else the chip name, suffixed by the channel when the chip has several. */
export function sensorZone(s: HwmonSensor, sensorsOnChip: number): string {
  if (s.label) return hwmonZoneName(s.label);
  return sensorsOnChip > 1 ? `${hwmonZoneName(s.chip)}_${s.channel}` : hwmonZoneName(s.chip);
}

/** Reads one chip directory's sensors. */
async function readChip(reader: SysfsReader, chipDir: string, dirName: string): Promise<HwmonSensor[]> {
  const chip = (await readOptionalText(reader, join(chipDir, 'name'))) || dirName;
  if (EXCLUDED_HWMON_CHIPS.includes(chip)) return [];
  const files = await reader.list(chipDir);
  const labels = new Map<string, string>();
  const disabled = new Set<string>();
  for (const f of files) {
    const m = /^((?:power|energy)\d+)_(label|enable)$/.exec(f);
    if (!m) continue;
    const text = await readOptionalText(reader, join(chipDir, f));
    if (text === undefined) continue;
    if (m[2] === 'label' && text !== '') labels.set(m[1], text);
    if (m[2] === 'enable' && text === '0') disabled.add(m[1]);
  }
  return chipSensors(chip, chipDir, files, labels, disabled);
}

/** Discovers hwmon power/energy sensors, grouped into zones. Throws `PP_AGENT_METER_UNAVAILABLE` when there are none. */
export async function discoverHwmonZones(reader: SysfsReader, sysfs: string): Promise<ZoneGroup<HwmonSensor>[]> {
  const base = join(sysfs, 'class', 'hwmon');
  let dirs: string[];
  try {
    dirs = await reader.list(base);
  } catch (err) {
    if (isMissing(err)) throw ERR_METER_UNAVAILABLE(`${base} does not exist: no hwmon sensors`, { path: base });
    throw ERR_METER_UNAVAILABLE(`cannot list ${base}: ${errorMessage(err)}`, { path: base });
  }
  const members: ZoneMember<HwmonSensor>[] = [];
  for (const d of dirs.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))) {
    let sensors: HwmonSensor[];
    try {
      sensors = await readChip(reader, join(base, d), d);
    } catch (err) {
      if (isMissing(err)) continue;
      throw err;
    }
    for (const s of sensors) members.push({ zone: sensorZone(s, sensors.length), path: s.file, source: s });
  }
  const groups = groupZones(members);
  if (groups.length === 0)
    throw ERR_METER_UNAVAILABLE(`${base} has no power or energy sensors (power*_input, power*_average, energy*_input)`, { path: base });
  return groups;
}
