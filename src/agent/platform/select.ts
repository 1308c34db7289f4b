/**
 * @module agent/platform/select
 * Platform (wall) power selection: the configured sources in order — Redfish
 * (`platform.redfish.endpoint`), ipmi_exporter (`platform.ipmi.exporterUrl`), ipmitool
 * (`platform.ipmi.ipmitool`), ACPI power meter (`platform.acpi`, on by default) — and the first
 * usable one is used. A node without any is normal: the selection then says why.
 * Configuration mistakes (bad URL, unreadable password file, credentials over plain HTTP to a
 * remote host) throw with the key named, so the CLI exits 2.
 */
import { readFile } from 'node:fs/promises';
import type { Logger } from '../../core/logger.js';
import type { PowerplaneConfig } from '../../core/config-keys.js';
import { ERR_FILE_UNREADABLE, ERR_INVALID_CONFIG, errorMessage } from '../../core/errors.js';
import type { PlatformMeter, PlatformSelection, SourceCapability } from '../types.js';
import type { SysfsReader } from '../meters/sysfs-reader.js';
import { createRedfishMeter, type RedfishOptions } from './redfish.js';
import { createIpmiExporterMeter } from './ipmi-exporter.js';
import { createIpmitoolMeter } from './ipmitool.js';
import { createAcpiMeter } from './acpi.js';
import { isLoopbackHost } from '../../core/loopback.js';

/** Overrides for tests. */
export interface PlatformDeps {
  reader?: SysfsReader;
  /** Path of ipmitool (default `ipmitool` on PATH). */
  ipmitoolPath?: string;
}

function parseUrl(value: string, key: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw ERR_INVALID_CONFIG(`${key}: ${JSON.stringify(value)} is not a URL`, { key });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw ERR_INVALID_CONFIG(`${key}: ${url.protocol} is not http or https`, { key });
  return url;
}

/** Validates the Redfish keys and reads the password file. */
export async function redfishOptions(config: PowerplaneConfig): Promise<RedfishOptions> {
  const r = config.platform.redfish;
  const url = parseUrl(r.endpoint, 'platform.redfish.endpoint');
  if (url.username || url.password)
    throw ERR_INVALID_CONFIG('platform.redfish.endpoint: put credentials in platform.redfish.username and passwordFile, not in the URL', {
      key: 'platform.redfish.endpoint',
    });
  const opts: RedfishOptions = { endpoint: url.href, insecureSkipVerify: r.insecureSkipVerify };
  if (r.username === '') return opts;
  if (r.passwordFile === '')
    throw ERR_INVALID_CONFIG('platform.redfish.username is set but platform.redfish.passwordFile is empty', { key: 'platform.redfish.passwordFile' });
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw ERR_INVALID_CONFIG(
      `platform.redfish.endpoint: refusing to send credentials over plain http to ${url.host}; use https (with insecureSkipVerify for a self-signed BMC certificate)`,
      { key: 'platform.redfish.endpoint' },
    );
  }
  let password: string;
  try {
    password = (await readFile(r.passwordFile, 'utf8')).replace(/\r?\n$/, '');
  } catch (err) {
    throw ERR_FILE_UNREADABLE(`platform.redfish.passwordFile ${r.passwordFile}: ${(err as NodeJS.ErrnoException).code ?? errorMessage(err)}`, {
      key: 'platform.redfish.passwordFile',
      path: r.passwordFile,
    });
  }
  return { ...opts, username: r.username, password };
}

/**
 * Tries the configured platform sources in order; returns the first usable one, or the reason there
 * is none. Logs the choice, and a warning per configured source that is not usable.
 */
export async function selectPlatformMeter(config: PowerplaneConfig, log: Logger, deps: PlatformDeps = {}): Promise<PlatformSelection> {
  const p = config.platform;
  const candidates: Array<{ source: string; create: () => Promise<PlatformMeter>; explicit: boolean }> = [];
  if (p.redfish.endpoint !== '') {
    const opts = await redfishOptions(config);
    candidates.push({ source: 'redfish', create: () => createRedfishMeter(opts), explicit: true });
  }
  if (p.ipmi.exporterUrl !== '') {
    const url = parseUrl(p.ipmi.exporterUrl, 'platform.ipmi.exporterUrl');
    candidates.push({ source: 'ipmi-exporter', create: () => createIpmiExporterMeter(url.href), explicit: true });
  }
  if (p.ipmi.ipmitool) candidates.push({ source: 'ipmitool', create: () => createIpmitoolMeter(deps.ipmitoolPath), explicit: true });
  if (p.acpi) candidates.push({ source: 'acpi', create: () => createAcpiMeter(config.host.sysfs, deps.reader), explicit: false });

  const tried: SourceCapability[] = [];
  for (const c of candidates) {
    try {
      const meter = await c.create();
      tried.push({ source: c.source, available: true });
      const description = (meter as { description?: string }).description;
      log.info({ platformSource: c.source, description }, `platform power: ${c.source}${description ? ` (${description})` : ''}`);
      return { meter, tried };
    } catch (err) {
      const reason = errorMessage(err);
      tried.push({ source: c.source, available: false, reason });
      if (c.explicit) log.warn({ platformSource: c.source, reason }, `platform power source ${c.source} is not usable: ${reason}`);
      else log.debug({ platformSource: c.source, reason }, `platform power source ${c.source} is not usable`);
    }
  }
  const reason =
    tried.length === 0
      ? 'no platform power source configured (platform.redfish.endpoint, platform.ipmi.exporterUrl, platform.ipmi.ipmitool, platform.acpi)'
      : tried.map((t) => t.reason).join('; ');
  log.info({ reason }, 'no platform power meter');
  return { reason, tried };
}
