/**
 * @module estimator/monitors/redfish
 * The `Redfish` monitor: inlet/ambient temperature (`ambientTemp`) and consumed power (`powerWatts`)
 * from a BMC. `endpoint` is the BMC's base URL or service root (`https://10.0.0.1/redfish/v1`).
 * For each chassis it tries, in order:
 * - temperature: `ThermalSubsystem/ThermalMetrics` `TemperatureSummaryCelsius.Ambient|Intake`, then the
 *   deprecated `Thermal` `Temperatures[]` (PhysicalContext Room/Intake or a name with Ambient/Inlet/Intake),
 *   then a `Sensors` member named like that (Dell's `SystemBoardInletTemp`, Lenovo's ambient sensor);
 * - power: `EnvironmentMetrics.PowerWatts`, then `Power` `PowerControl[0].PowerConsumedWatts`.
 * The URLs that worked are remembered and read directly until they fail. Basic auth; TLS verification on
 * unless `insecureSkipVerify`.
 */
import { asNumber, expandEndpoint, fetchJson } from '../http-client.js';
import type { NodeMonitor, NodeStatus } from '../types.js';
import type { NodeMonitorOptions } from './options.js';
import type { MonitorModule } from './registry.js';

type Json = Record<string, unknown>;
type Extract = (doc: Json) => number | undefined;

const AMBIENT = /ambient|inlet|intake/i;

const fromThermalMetrics: Extract = (d) => {
  const s = d.TemperatureSummaryCelsius as Record<string, { Reading?: unknown } | undefined> | undefined;
  return asNumber(s?.Ambient?.Reading) ?? asNumber(s?.Intake?.Reading);
};
const fromThermal: Extract = (d) => {
  const temps = Array.isArray(d.Temperatures) ? (d.Temperatures as Json[]) : [];
  const score = (t: Json) =>
    t.PhysicalContext === 'Room' || /ambient/i.test(String(t.Name)) ? 2 : t.PhysicalContext === 'Intake' || AMBIENT.test(String(t.Name)) ? 1 : 0;
  const best = temps.filter((t) => score(t) > 0 && asNumber(t.ReadingCelsius) !== undefined).sort((a, b) => score(b) - score(a))[0];
  return best ? asNumber(best.ReadingCelsius) : undefined;
};
const fromSensor: Extract = (d) => asNumber(d.Reading);
const fromEnvironment: Extract = (d) => asNumber((d.PowerWatts as { Reading?: unknown } | undefined)?.Reading);
const fromPower: Extract = (d) => {
  const pc = Array.isArray(d.PowerControl) ? (d.PowerControl as Json[]) : [];
  return asNumber(pc[0]?.PowerConsumedWatts);
};

/** A remembered source: the URL and how to read the value from it. */
interface Source {
  url: string;
  extract: Extract;
}

/** Creates the `Redfish` monitor. */
export function createRedfishMonitor(opts: NodeMonitorOptions): NodeMonitor {
  const pinned = new Map<string, { temp?: Source; power?: Source }>();

  return {
    type: 'Redfish',
    async read(node, signal) {
      const root = serviceRoot(expandEndpoint(opts.endpoint, node));
      const origin = new URL(root).origin;
      const get = async (pathOrUrl: string) =>
        (await fetchJson(pathOrUrl.startsWith('http') ? pathOrUrl : origin + pathOrUrl, { ...opts, signal })) as Json;
      const link = (doc: Json, key: string) => (doc[key] as { '@odata.id'?: string } | undefined)?.['@odata.id'];
      const tryRead = async (s: Source | undefined) => {
        if (!s) return undefined;
        try {
          return s.extract(await get(s.url));
        } catch {
          return undefined;
        }
      };

      const pin = pinned.get(root) ?? {};
      const out: Partial<NodeStatus> = {};
      const t = await tryRead(pin.temp);
      const p = await tryRead(pin.power);
      if (t !== undefined) out.ambientTemp = t;
      if (p !== undefined) out.powerWatts = p;
      if ((pin.temp || pin.power) && (!pin.temp || t !== undefined) && (!pin.power || p !== undefined)) return out;

      const chassis = await get(`${root}/Chassis`);
      const members = (Array.isArray(chassis.Members) ? (chassis.Members as Json[]) : [])
        .map((m) => m['@odata.id'])
        .filter((x): x is string => typeof x === 'string');
      if (members.length === 0) throw new Error(`${root}/Chassis lists no chassis`);
      const found: { temp?: Source; power?: Source } = {};
      for (const id of members) {
        const c = await get(id);
        if (!found.temp) found.temp = await findTemperature(c, get, link);
        if (!found.power) found.power = await findPower(c, get, link);
        if (found.temp && found.power) break;
      }
      pinned.set(root, found);
      if (found.temp) out.ambientTemp = (await tryRead(found.temp)) ?? out.ambientTemp;
      if (found.power) out.powerWatts = (await tryRead(found.power)) ?? out.powerWatts;
      if (out.ambientTemp === undefined && out.powerWatts === undefined)
        throw new Error(`${root}: no inlet/ambient temperature and no power reading in any chassis`);
      return out;
    },
  };
}

/** The service root URL (`…/redfish/v1`) for a base URL or service-root URL. */
export function serviceRoot(endpoint: string): string {
  const u = new URL(endpoint);
  const path = u.pathname.replace(/\/+$/, '');
  return u.origin + (/\/redfish\/v1$/.test(path) ? path : `${path}/redfish/v1`);
}

type Getter = (pathOrUrl: string) => Promise<Json>;
type Linker = (doc: Json, key: string) => string | undefined;

/** Finds where a chassis reports its inlet/ambient temperature. */
async function findTemperature(c: Json, get: Getter, link: Linker): Promise<Source | undefined> {
  const attempt = async (url: string | undefined, extract: Extract): Promise<Source | undefined> => {
    if (!url) return undefined;
    try {
      return extract(await get(url)) !== undefined ? { url, extract } : undefined;
    } catch {
      return undefined;
    }
  };
  const ts = link(c, 'ThermalSubsystem');
  if (ts) {
    try {
      const found = await attempt(link(await get(ts), 'ThermalMetrics'), fromThermalMetrics);
      if (found) return found;
    } catch {
      // fall through to the deprecated Thermal resource
    }
  }
  const found = await attempt(link(c, 'Thermal'), fromThermal);
  if (found) return found;
  const sensors = link(c, 'Sensors');
  if (!sensors) return undefined;
  try {
    const col = await get(sensors);
    const ids = (Array.isArray(col.Members) ? (col.Members as Json[]) : [])
      .map((m) => String(m['@odata.id'] ?? ''))
      .filter((id) => AMBIENT.test(id.split('/').pop() ?? ''));
    ids.sort((a, b) => Number(/ambient/i.test(b)) - Number(/ambient/i.test(a)));
    for (const id of ids) {
      const s = await attempt(id, fromSensor);
      if (s) return s;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** Finds where a chassis reports its consumed power. */
async function findPower(c: Json, get: Getter, link: Linker): Promise<Source | undefined> {
  for (const [key, extract] of [
    ['EnvironmentMetrics', fromEnvironment],
    ['Power', fromPower],
  ] as const) {
    const url = link(c, key);
    if (!url) continue;
    try {
      if (extract(await get(url)) !== undefined) return { url, extract };
    } catch {
      // try the next resource
    }
  }
  return undefined;
}

/** The `Redfish` entry of the monitor registry. */
export const createNodeMonitor: MonitorModule['createNodeMonitor'] = ({ options }) => createRedfishMonitor(options);
