/**
 * @module agent/platform/acpi
 * Platform power from the ACPI power meter (`acpi_power_meter` driver): the hwmon chip named
 * `power_meter`, attribute `power1_average` in µW (under the chip, or under `device/` on older kernels).
 */
import { join } from 'node:path';
import type { PlatformMeter } from '../types.js';
import { fsSysfsReader, isMissing, readInteger, readOptionalText, type SysfsReader } from '../meters/sysfs-reader.js';
import { ERR_PLATFORM_READ, ERR_PLATFORM_UNAVAILABLE } from './errors.js';
import { errorMessage } from '../../core/errors.js';

/** Finds the `power1_average` file of the ACPI power meter, or undefined. */
export async function findAcpiPowerFile(reader: SysfsReader, sysfs: string): Promise<string | undefined> {
  const base = join(sysfs, 'class', 'hwmon');
  let dirs: string[];
  try {
    dirs = await reader.list(base);
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
  for (const d of dirs.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))) {
    const chip = join(base, d);
    const name =
      (await readOptionalText(reader, join(chip, 'name')).catch(() => undefined)) ??
      (await readOptionalText(reader, join(chip, 'device', 'name')).catch(() => undefined));
    if (name !== 'power_meter') continue;
    for (const f of [join(chip, 'power1_average'), join(chip, 'device', 'power1_average')]) {
      if ((await readOptionalText(reader, f).catch(() => undefined)) !== undefined) return f;
    }
  }
  return undefined;
}

/** The ACPI power meter. Throws `PP_AGENT_PLATFORM_UNAVAILABLE` when there is none or it cannot be read. */
export async function createAcpiMeter(sysfs: string, reader: SysfsReader = fsSysfsReader): Promise<PlatformMeter> {
  const file = await findAcpiPowerFile(reader, sysfs).catch(() => undefined);
  if (!file)
    throw ERR_PLATFORM_UNAVAILABLE(
      `acpi: no hwmon power_meter under ${join(sysfs, 'class', 'hwmon')} (the acpi_power_meter driver is not loaded or the firmware has no ACPI000D device)`,
    );
  const readWatts = async () => (await readInteger(reader, file)) / 1e6;
  try {
    await readWatts();
  } catch (err) {
    throw ERR_PLATFORM_UNAVAILABLE(`acpi: cannot read ${file}: ${errorMessage(err)}`, { path: file });
  }
  return {
    source: 'acpi',
    async read(): Promise<number> {
      try {
        return await readWatts();
      } catch (err) {
        throw ERR_PLATFORM_READ(`acpi: cannot read ${file}: ${errorMessage(err)}`, { path: file });
      }
    },
  };
}
