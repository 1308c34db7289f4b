/**
 * @module operator/components/dashboard-files
 * Reads the Grafana dashboards shipped in `deploy/grafana/*.json` (tolerating none), for the
 * dashboard ConfigMaps.
 */
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../core/version.js';
import type { DashboardFile } from './dashboards.js';
import { ERR_MALFORMED_FILE, errorMessage } from '../../core/errors.js';

/** ConfigMaps hold at most 1 MiB; larger dashboards are skipped. */
const MAX_DASHBOARD_BYTES = 900 * 1024;

/** The `deploy/grafana` folder of this installation (source tree or package). */
export function defaultDashboardDir(): string {
  return join(PACKAGE_ROOT, 'deploy', 'grafana');
}

/**
 * Reads every `*.json` dashboard in `dir`, sorted by name. A missing folder gives an empty list;
 * a file that is not JSON throws PP_MALFORMED_FILE with its path; files over 900 KiB are skipped.
 */
export function loadDashboardFiles(dir: string = defaultDashboardDir()): DashboardFile[] {
  if (!existsSync(dir)) return [];
  const out: DashboardFile[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const path = join(dir, file);
    if (statSync(path).size > MAX_DASHBOARD_BYTES) continue;
    const json = readFileSync(path, 'utf8');
    try {
      JSON.parse(json);
    } catch (err) {
      throw ERR_MALFORMED_FILE(`dashboard ${path} is not JSON: ${errorMessage(err)}`, { path });
    }
    const name = file
      .slice(0, -'.json'.length)
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '');
    out.push({ name, json });
  }
  return out;
}
