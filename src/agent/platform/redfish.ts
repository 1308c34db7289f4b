/**
 * @module agent/platform/redfish
 * Platform power from a BMC over Redfish. At start the chassis are probed for a power reading, in
 * this order, and the first that answers is read from then on:
 * 1. `Chassis/{id}/EnvironmentMetrics` `PowerWatts.Reading` (current schema);
 * 2. `Chassis/{id}/Power` `PowerControl[].PowerConsumedWatts` (deprecated, most widely implemented);
 * 3. `Chassis/{id}/Sensors/*` the sensor with `ReadingType: Power` and `PhysicalContext: Chassis`;
 * 4. `Chassis/{id}/PowerSubsystem/PowerSupplies/*` `Metrics.InputPowerWatts.Reading`, summed.
 * Basic auth (password from a file), TLS verified unless `insecureSkipVerify`. Links are only
 * followed on the endpoint's own origin, so credentials never leave for another host.
 */
import type { PlatformLabels, PlatformMeter } from '../types.js';
import { httpGet, type HttpGetOptions } from './http-get.js';
import { ERR_PLATFORM_READ, ERR_PLATFORM_UNAVAILABLE } from './errors.js';
import { errorMessage } from '../../core/errors.js';

/** Options of {@link createRedfishMeter}. */
export interface RedfishOptions {
  /** BMC base URL, e.g. `https://10.0.0.5` (with or without `/redfish/v1`). */
  endpoint: string;
  username?: string;
  password?: string;
  insecureSkipVerify?: boolean;
  timeoutMs?: number;
}

type Json = Record<string, unknown>;

/** A Redfish reference `{"@odata.id": "/redfish/v1/..."}` → its path. */
function ref(v: unknown): string | undefined {
  const id = (v as Json | undefined)?.['@odata.id'];
  return typeof id === 'string' ? id : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** `PowerWatts.Reading` of an EnvironmentMetrics resource. */
export function environmentMetricsWatts(doc: Json): number | undefined {
  return num((doc.PowerWatts as Json | undefined)?.Reading);
}

/** The first `PowerControl[]` entry of a (deprecated) Power resource that has `PowerConsumedWatts`. */
function firstPowerControl(doc: Json): Json | undefined {
  const list = Array.isArray(doc.PowerControl) ? (doc.PowerControl as Json[]) : [];
  return list.find((pc) => num(pc?.PowerConsumedWatts) !== undefined);
}

/** The first `PowerControl[].PowerConsumedWatts` of a (deprecated) Power resource. */
export function powerControlWatts(doc: Json): number | undefined {
  return num(firstPowerControl(doc)?.PowerConsumedWatts);
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The reading of a Sensor resource when it is the chassis power sensor. */
export function chassisPowerSensorWatts(doc: Json): number | undefined {
  if (doc.ReadingType !== 'Power' || doc.PhysicalContext !== 'Chassis') return undefined;
  return num(doc.Reading);
}

/** `InputPowerWatts.Reading` of a PowerSupplyMetrics resource. */
export function powerSupplyInputWatts(doc: Json): number | undefined {
  return num((doc.InputPowerWatts as Json | undefined)?.Reading);
}

/** Member paths of a collection. */
function members(doc: Json): string[] {
  return (Array.isArray(doc.Members) ? doc.Members : []).map(ref).filter((p): p is string => p !== undefined);
}

/** A way to read one chassis's power. */
interface PowerSource {
  description: string;
  /** The resource read, as Kepler labels it. */
  labels: Omit<PlatformLabels, 'bmcId'>;
  read(): Promise<number | undefined>;
}

class RedfishClient {
  readonly origin: URL;
  private readonly httpOpts: HttpGetOptions;

  constructor(opts: RedfishOptions) {
    this.origin = new URL(opts.endpoint);
    this.httpOpts = {
      insecureSkipVerify: opts.insecureSkipVerify,
      timeoutMs: opts.timeoutMs ?? 5000,
      ...(opts.username ? { auth: { username: opts.username, password: opts.password ?? '' } } : {}),
    };
  }

  async get(path: string): Promise<Json> {
    const url = new URL(path, this.origin);
    if (url.origin !== this.origin.origin) throw new Error(`refusing to follow ${url.href}: not on ${this.origin.origin}`);
    const res = await httpGet(url, this.httpOpts);
    if (res.status === 401 || res.status === 403)
      throw new Error(`GET ${url.pathname}: HTTP ${res.status} (check platform.redfish.username and passwordFile)`);
    if (res.status !== 200) throw new Error(`GET ${url.pathname}: HTTP ${res.status}`);
    try {
      const doc = JSON.parse(res.body) as unknown;
      if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error('not a JSON object');
      return doc as Json;
    } catch (err) {
      throw new Error(`GET ${url.pathname}: malformed JSON (${errorMessage(err)})`);
    }
  }

  /** Like {@link get} but undefined on any failure (optional resources). */
  async tryGet(path: string | undefined): Promise<Json | undefined> {
    if (path === undefined) return undefined;
    return this.get(path).catch(() => undefined);
  }
}

/** Keeps a source only when it gives a reading now. */
async function working(source: PowerSource): Promise<PowerSource | undefined> {
  const w = await source.read().catch(() => undefined);
  return w === undefined ? undefined : source;
}

/** The first power source of one chassis, in preference order, that gives a reading now. */
async function chassisSource(client: RedfishClient, chassisPath: string): Promise<PowerSource | undefined> {
  const chassis = await client.get(chassisPath);
  const id = typeof chassis.Id === 'string' ? chassis.Id : chassisPath;
  const env = ref(chassis.EnvironmentMetrics);
  const power = ref(chassis.Power);
  const sensors = ref(chassis.Sensors);
  const subsystem = ref(chassis.PowerSubsystem);
  const builders: Array<() => Promise<PowerSource | undefined>> = [
    async () => {
      const doc = await client.tryGet(env);
      if (!env || !doc || environmentMetricsWatts(doc) === undefined) return undefined;
      return {
        description: `chassis ${id} EnvironmentMetrics PowerWatts`,
        labels: { chassisId: id, sourceId: text(doc.Id), sourceName: text(doc.Name), sourceType: 'EnvironmentMetrics' },
        read: async () => environmentMetricsWatts(await client.get(env)),
      };
    },
    async () => {
      const pc = firstPowerControl((await client.tryGet(power)) ?? {});
      if (!power || !pc) return undefined;
      return {
        description: `chassis ${id} Power PowerConsumedWatts`,
        labels: { chassisId: id, sourceId: text(pc.MemberId), sourceName: text(pc.Name), sourceType: 'PowerControl' },
        read: async () => powerControlWatts(await client.get(power)),
      };
    },
    async () => {
      const sensorDoc = await client.tryGet(sensors);
      for (const p of sensorDoc ? members(sensorDoc).slice(0, 256) : []) {
        const s = await client.tryGet(p);
        if (s && chassisPowerSensorWatts(s) !== undefined) {
          return {
            description: `chassis ${id} sensor ${typeof s.Id === 'string' ? s.Id : p}`,
            labels: { chassisId: id, sourceId: text(s.Id), sourceName: text(s.Name), sourceType: 'Sensor' },
            read: async () => chassisPowerSensorWatts(await client.get(p)),
          };
        }
      }
      return undefined;
    },
    async () => {
      const suppliesDoc = await client.tryGet(ref((await client.tryGet(subsystem))?.PowerSupplies));
      const metricPaths: string[] = [];
      for (const p of suppliesDoc ? members(suppliesDoc) : []) {
        const metrics = ref((await client.tryGet(p))?.Metrics);
        if (metrics) metricPaths.push(metrics);
      }
      if (metricPaths.length === 0) return undefined;
      return working({
        description: `chassis ${id} PowerSubsystem power supplies InputPowerWatts (${metricPaths.length})`,
        labels: { chassisId: id, sourceId: '', sourceName: '', sourceType: 'PowerSupply' },
        read: async () => {
          let sum = 0;
          for (const p of metricPaths) {
            const w = powerSupplyInputWatts(await client.get(p));
            if (w === undefined) return undefined;
            sum += w;
          }
          return sum;
        },
      });
    },
  ];
  for (const build of builders) {
    const source = await build();
    if (source) return source;
  }
  return undefined;
}

/** A Redfish platform meter with what it reads, for the log. */
export interface RedfishMeter extends PlatformMeter {
  /** Which chassis and resource the power comes from. */
  readonly description: string;
}

/**
 * Probes the BMC for a chassis power reading. Throws `PP_AGENT_PLATFORM_UNAVAILABLE` when the BMC
 * cannot be reached, refuses the credentials, or offers no power reading.
 */
export async function createRedfishMeter(opts: RedfishOptions): Promise<RedfishMeter> {
  const client = new RedfishClient(opts);
  const root = client.origin.pathname.replace(/\/+$/, '').endsWith('/redfish/v1') ? client.origin.pathname.replace(/\/+$/, '') : '/redfish/v1';
  let chassisList: string[];
  try {
    chassisList = members(await client.get(`${root}/Chassis`));
  } catch (err) {
    throw ERR_PLATFORM_UNAVAILABLE(`redfish ${client.origin.origin}: ${errorMessage(err)}`, { key: 'platform.redfish.endpoint' });
  }
  for (const c of chassisList) {
    const source = await chassisSource(client, c).catch(() => undefined);
    if (source) {
      return {
        source: 'redfish',
        description: source.description,
        labels: { bmcId: client.origin.host, ...source.labels },
        async read(): Promise<number> {
          let w: number | undefined;
          try {
            w = await source.read();
          } catch (err) {
            throw ERR_PLATFORM_READ(`redfish ${client.origin.origin}: ${errorMessage(err)}`);
          }
          if (w === undefined) throw ERR_PLATFORM_READ(`redfish ${client.origin.origin}: ${source.description} has no reading`);
          return w;
        },
      };
    }
  }
  throw ERR_PLATFORM_UNAVAILABLE(`redfish ${client.origin.origin}: no chassis with a power reading among ${chassisList.length} chassis`, {
    key: 'platform.redfish.endpoint',
  });
}
