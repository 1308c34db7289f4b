/**
 * @module agent/platform/ipmi-exporter
 * Platform power from a prometheus ipmi_exporter: its `/metrics` text, gauge
 * `ipmi_dcmi_power_consumption_watts` (the DCMI collector).
 */
import type { PlatformMeter } from '../types.js';
import { httpGet } from './http-get.js';
import { ERR_PLATFORM_READ, ERR_PLATFORM_UNAVAILABLE } from './errors.js';
import { errorMessage } from '../../core/errors.js';

/** The metric ipmi_exporter's DCMI collector exports. */
export const IPMI_DCMI_POWER_METRIC = 'ipmi_dcmi_power_consumption_watts';

/** The value of `ipmi_dcmi_power_consumption_watts` in Prometheus text exposition, or undefined when absent or not a number. */
export function parseIpmiExporterPower(text: string): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(IPMI_DCMI_POWER_METRIC)) continue;
    const m = /^ipmi_dcmi_power_consumption_watts(?:\{[^}]*\})?\s+(\S+)(?:\s+-?\d+)?\s*$/.exec(line);
    if (!m) continue;
    const v = Number(m[1]);
    return Number.isFinite(v) && v >= 0 ? v : undefined;
  }
  return undefined;
}

async function scrape(url: URL): Promise<number> {
  const res = await httpGet(url, { accept: 'text/plain', timeoutMs: 10_000, maxBytes: 4 << 20 });
  if (res.status !== 200) throw new Error(`GET ${url.href}: HTTP ${res.status}`);
  const w = parseIpmiExporterPower(res.body);
  if (w === undefined)
    throw new Error(`${url.href} has no ${IPMI_DCMI_POWER_METRIC} (is the dcmi collector enabled, and does the BMC support DCMI power readings?)`);
  return w;
}

/** Scrapes the exporter once to check it reports power. Throws `PP_AGENT_PLATFORM_UNAVAILABLE` otherwise. */
export async function createIpmiExporterMeter(exporterUrl: string): Promise<PlatformMeter> {
  const url = new URL(exporterUrl);
  try {
    await scrape(url);
  } catch (err) {
    throw ERR_PLATFORM_UNAVAILABLE(`ipmi-exporter: ${errorMessage(err)}`, { key: 'platform.ipmi.exporterUrl' });
  }
  return {
    source: 'ipmi-exporter',
    async read(): Promise<number> {
      try {
        return await scrape(url);
      } catch (err) {
        throw ERR_PLATFORM_READ(`ipmi-exporter: ${errorMessage(err)}`);
      }
    },
  };
}
