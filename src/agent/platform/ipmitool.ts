/**
 * @module agent/platform/ipmitool
 * Platform power from `ipmitool dcmi power reading` (local BMC through /dev/ipmi0): the
 * "Instantaneous power reading" line.
 */
import { execFile } from 'node:child_process';
import type { PlatformMeter } from '../types.js';
import { ERR_PLATFORM_READ, ERR_PLATFORM_UNAVAILABLE } from './errors.js';
import { errorMessage } from '../../core/errors.js';

/**
 * Parses `ipmitool dcmi power reading` output: the instantaneous reading in watts. Throws when the
 * BMC reports power reading as deactivated or the line is missing.
 */
export function parseDcmiPowerReading(text: string): number {
  const state = /Power reading state is:\s*(\S+)/i.exec(text);
  if (state && state[1].toLowerCase() !== 'activated') throw new Error(`the BMC's power reading state is ${state[1]}`);
  const m = /Instantaneous power reading:\s*(\d+(?:\.\d+)?)\s*Watts/i.exec(text);
  if (!m) throw new Error('no "Instantaneous power reading" in the ipmitool output');
  return Number(m[1]);
}

function run(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(path, ['dcmi', 'power', 'reading'], { timeout: 10_000, maxBuffer: 64 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${path} dcmi power reading failed: ${String(stderr).trim() || err.message}`));
      else resolve(stdout);
    });
  });
}

/** Runs ipmitool once to check it gives a reading. Throws `PP_AGENT_PLATFORM_UNAVAILABLE` otherwise. */
export async function createIpmitoolMeter(path = 'ipmitool'): Promise<PlatformMeter> {
  try {
    parseDcmiPowerReading(await run(path));
  } catch (err) {
    throw ERR_PLATFORM_UNAVAILABLE(`ipmitool: ${errorMessage(err)}`, { key: 'platform.ipmi.ipmitool' });
  }
  return {
    source: 'ipmitool',
    async read(): Promise<number> {
      try {
        return parseDcmiPowerReading(await run(path));
      } catch (err) {
        throw ERR_PLATFORM_READ(`ipmitool: ${errorMessage(err)}`);
      }
    },
  };
}
