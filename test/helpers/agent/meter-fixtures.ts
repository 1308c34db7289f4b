/**
 * @module test/helpers/agent/meter-fixtures
 * Test helpers that build fake sysfs and procfs trees for the meters: powercap zones, hwmon chips
 * and `/proc/cpuinfo`. Other components' tests reuse them to run the agent on a fixture node.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One powercap zone directory, e.g. `{dir: 'intel-rapl:0', name: 'package-0', energyUj: 1000}`. */
export interface PowercapZoneSpec {
  /** Directory name under `class/powercap`. */
  dir: string;
  /** Contents of `name`. */
  name: string;
  energyUj: number;
  /** `max_energy_range_uj` (default 262143328850, a common value). */
  maxEnergyRangeUj?: number;
  /** `constraint_<i>_max_power_uw` files, in order (none by default, as for most dram zones). */
  constraintMaxPowerUw?: number[];
}

/** Control-type directories without a `name` file, as the kernel creates them. */
const CONTROL_TYPES = ['intel-rapl', 'intel-rapl-mmio'];

/** Writes `<sysfs>/class/powercap/<zone>/{name,energy_uj,max_energy_range_uj,enabled}`; returns the sysfs root. */
export async function buildPowercapTree(sysfs: string, zones: PowercapZoneSpec[]): Promise<string> {
  const base = join(sysfs, 'class', 'powercap');
  for (const ct of CONTROL_TYPES) {
    await mkdir(join(base, ct), { recursive: true });
    await writeFile(join(base, ct, 'enabled'), '1\n');
  }
  for (const z of zones) {
    const dir = join(base, z.dir);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'name'), `${z.name}\n`);
    await writeFile(join(dir, 'energy_uj'), `${z.energyUj}\n`);
    await writeFile(join(dir, 'max_energy_range_uj'), `${z.maxEnergyRangeUj ?? 262143328850}\n`);
    await writeFile(join(dir, 'enabled'), '1\n');
    for (const [i, uw] of (z.constraintMaxPowerUw ?? []).entries()) await writeFile(join(dir, `constraint_${i}_max_power_uw`), `${uw}\n`);
  }
  return sysfs;
}

/** Sets a fixture zone's `energy_uj`. */
export async function setZoneEnergy(sysfs: string, dir: string, energyUj: number): Promise<void> {
  await writeFile(join(sysfs, 'class', 'powercap', dir, 'energy_uj'), `${energyUj}\n`);
}

/** One hwmon chip: `name` plus attribute files (`power1_input: 45000000`, `power1_label: Package`). */
export interface HwmonChipSpec {
  /** Directory name under `class/hwmon`, e.g. `hwmon0`. */
  dir: string;
  /** Contents of `name` (omitted when undefined). */
  name?: string;
  attributes: Record<string, string | number>;
}

/** Writes `<sysfs>/class/hwmon/<chip>/…`; returns the sysfs root. */
export async function buildHwmonTree(sysfs: string, chips: HwmonChipSpec[]): Promise<string> {
  for (const c of chips) {
    const dir = join(sysfs, 'class', 'hwmon', c.dir);
    await mkdir(dir, { recursive: true });
    if (c.name !== undefined) await writeFile(join(dir, 'name'), `${c.name}\n`);
    for (const [file, value] of Object.entries(c.attributes)) await writeFile(join(dir, file), `${value}\n`);
  }
  return sysfs;
}

/** Sets one hwmon attribute of a fixture chip. */
export async function setHwmonAttribute(sysfs: string, dir: string, file: string, value: number): Promise<void> {
  await writeFile(join(sysfs, 'class', 'hwmon', dir, file), `${value}\n`);
}

/** Writes `<procfs>/cpuinfo` with `cpus` processors of `modelName` (x86 layout); returns the procfs root. */
export async function buildCpuinfo(procfs: string, modelName: string, cpus: number): Promise<string> {
  await mkdir(procfs, { recursive: true });
  const blocks: string[] = [];
  for (let i = 0; i < cpus; i++) {
    blocks.push(`processor\t: ${i}\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel name\t: ${modelName}\nphysical id\t: 0\ncore id\t\t: ${i}\n`);
  }
  await writeFile(join(procfs, 'cpuinfo'), blocks.join('\n'));
  return procfs;
}
