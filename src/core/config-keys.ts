/**
 * @module core/config-keys
 * The configuration of `powerplane agent`, `up` and the other commands as ONE TypeBox schema,
 * {@link ConfigSchema}. The YAML config file (`--config.file`) uses the nested form of a dotted key
 * (`monitor: {interval: 5s}`); the flag is the dotted key in kebab case (`--monitor.interval`),
 * following the Kepler exporter's names. Every leaf carries, besides its JSON-Schema type, `default`,
 * `description` (the help text) and `minimum`, powerplane's metadata under {@link KEY_META}: its
 * reload class (`hot`: applied by a running agent; `restart`: needs a new process) and, optionally,
 * the Kepler 0.11 file keys that are read as it. Durations are numbers of milliseconds in the loaded
 * config and duration strings (`5s`, core/duration) in files, flags and custom resources.
 *
 * API for the rest of powerplane (the operator included):
 * - {@link ConfigSchema}: the schema object; `ConfigSchema.properties.platform` etc. are its sub-trees
 *   (schema nodes) for building CRD fields. {@link PowerplaneConfig} = `Static<typeof ConfigSchema>`.
 * - {@link configJsonSchema}(path?): plain JSON Schema (OpenAPI v3 structural: no `$ref`, every node
 *   typed, no `required`, no metadata) of the whole config or a sub-tree (`'platform'`,
 *   `'monitor'`) in its file form (durations as pattern-checked strings); `toCrdSchema`-ready.
 * - {@link CONFIG_KEYS}: every key with flag, type, default, help, minimum, reload class and Kepler
 *   aliases; {@link keysByReload}`('restart' | 'hot')`, {@link reloadClass}(key), and
 *   {@link valuesOfClass}(partial, 'restart'): the restart-class part of a config (the operator's
 *   pod-template hash input).
 * - {@link DeepPartial}, {@link partialConfigProblems}(value): checks a partial loaded config (typed,
 *   durations in ms); {@link configFileValues}(partial): the same as config-file values (durations as
 *   strings) for a ConfigMap; core/config's `configInputProblems` checks file-form input.
 * - {@link KEPLER_KEYS}: Kepler 0.11 file keys that are no powerplane key's alias: accepted when they
 *   ask for what powerplane does anyway, else refused with the reason.
 */
import { Type, type Static, type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { formatDuration, minDurationPattern } from './duration.js';
import { METER_NAMES } from '../agent/meters/registry.js';

/** Whether a running agent applies a key's change (`hot`) or needs a restart (`restart`). */
export type ReloadClass = 'hot' | 'restart';

/** Name of the schema property holding a leaf's {@link KeyMeta}. */
export const KEY_META = 'x-powerplane';

/** powerplane's metadata on a schema leaf. */
export interface KeyMeta {
  readonly reload: ReloadClass;
  /** Kepler 0.11 config-file keys (dotted) read as this key, with a notice. */
  readonly kepler?: readonly string[];
  /** A duration: milliseconds when loaded, a duration string in files and flags. */
  readonly duration?: true;
}

/** The metric levels of `--metrics`. */
export const METRIC_LEVELS = ['node', 'process', 'container', 'vm', 'pod'] as const;
/** The meters of `--meter` (from the meter registry, agent/meters/registry.ts). */
export { METER_NAMES };

interface LeafOptions {
  /** Minimum of a number, or of a duration in ms. */
  min?: number;
  /** Kepler 0.11 file keys read as this key. */
  kepler?: readonly string[];
}

const meta = (reload: ReloadClass, o: LeafOptions, duration?: true) => ({
  [KEY_META]: { reload, ...(o.kepler ? { kepler: o.kepler } : {}), ...(duration ? { duration } : {}) } satisfies KeyMeta,
});
const bounds = (o: LeafOptions) => (o.min !== undefined ? { minimum: o.min } : {});

const str = (reload: ReloadClass, def: string, help: string, o: LeafOptions = {}) =>
  Type.String({ default: def, description: help, ...meta(reload, o) });
const bool = (reload: ReloadClass, def: boolean, help: string, o: LeafOptions = {}) =>
  Type.Boolean({ default: def, description: help, ...meta(reload, o) });
const int = (reload: ReloadClass, def: number, help: string, o: LeafOptions = {}) =>
  Type.Integer({ default: def, description: help, ...bounds(o), ...meta(reload, o) });
const num = (reload: ReloadClass, def: number, help: string, o: LeafOptions = {}) =>
  Type.Number({ default: def, description: help, ...bounds(o), ...meta(reload, o) });
/** A duration: `defMs` and `o.min` in milliseconds. */
const dur = (reload: ReloadClass, defMs: number, help: string, o: LeafOptions = {}) =>
  Type.Number({ default: defMs, description: help, ...bounds(o), ...meta(reload, o, true) });
const oneOf = <const E extends string[]>(reload: ReloadClass, values: readonly [...E], def: E[number], help: string, o: LeafOptions = {}) =>
  Type.Enum<E>(values, { default: def, description: help, ...meta(reload, o) });
const listOf = <const E extends string[]>(reload: ReloadClass, values: readonly [...E], def: E[number][], help: string, o: LeafOptions = {}) =>
  Type.Array(Type.Enum<E>(values), { default: def, description: help, ...meta(reload, o) });
const strings = (reload: ReloadClass, def: string[], help: string, o: LeafOptions = {}) =>
  Type.Array(Type.String(), { default: def, description: help, ...meta(reload, o) });

/** The whole configuration: one leaf per key, nested as in the config file. */
export const ConfigSchema = Type.Object({
  log: Type.Object({
    level: oneOf('restart', ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], 'info', 'Log level'),
    format: oneOf('restart', ['auto', 'json', 'text'], 'auto', 'Log format: json lines, pretty text, or auto (text on a TTY)'),
  }),
  host: Type.Object({
    sysfs: str('restart', '/sys', 'Path of the host sysfs'),
    procfs: str('restart', '/proc', 'Path of the host procfs'),
  }),
  monitor: Type.Object({
    interval: dur('restart', 5000, 'Refresh interval of the node agent', { min: 100 }),
    staleness: dur('restart', 500, 'A scrape refreshes when the last snapshot is older than this', { min: 0 }),
    maxTerminated: int(
      'hot',
      500,
      "Terminated workloads kept in the export one by one, largest energy first (the energy of the rest is in the level's aggregated `terminated` series)",
      { min: 0 },
    ),
    minTerminatedEnergyThreshold: num(
      'hot',
      10,
      "Terminated workloads below this many joules leave the per-workload export at once (their energy moves into the level's aggregated `terminated` series)",
      { min: 0 },
    ),
    maxZoneWatts: num(
      'restart',
      2000,
      "A meter interval implying more watts than this per counter (or 1.5x the zone's advertised maximum) is dropped and counted",
      { min: 1 },
    ),
  }),
  web: Type.Object({
    listenAddress: strings(
      'restart',
      [],
      'host:port to listen on; repeat the flag (or give a comma list) to listen on several (default depends on the command)',
      { kepler: ['web.listenAddresses'] },
    ),
    allowedHosts: strings(
      'restart',
      [],
      'Extra Host names the server answers to (IP literals and localhost always pass; .example.com matches subdomains; * turns the check off)',
    ),
    configFile: str('restart', '', 'Prometheus exporter-toolkit web config file: TLS and basic auth (the format node_exporter and Kepler use)'),
    insecureNoAuth: bool(
      'restart',
      false,
      'Model server: allow a non-loopback listen address without a token (writes open to anyone who can connect)',
    ),
    maxConnections: int('restart', 512, 'Most open client connections; more are closed at once', { min: 1 }),
    requestTimeout: dur('restart', 60000, 'Time a client has to send a whole request (headers and body)', { min: 100 }),
    headersTimeout: dur('restart', 10000, 'Time a client has to send the request headers', { min: 100 }),
    keepAliveTimeout: dur('restart', 5000, 'Idle time before a kept-alive connection is closed', { min: 0 }),
    ui: bool('restart', false, 'Serve the dashboard page at / (always on for `up`)'),
  }),
  kube: Type.Object({
    enable: bool('hot', false, 'Map containers to pods through Kubernetes', { kepler: ['kube.enabled'] }),
    nodeName: str('restart', '', "This node's name (default: $NODE_NAME, then the host name)"),
    config: str('hot', '', 'Kubeconfig file (default: in-cluster service account)'),
    podInformer: Type.Object({
      mode: oneOf('hot', ['kubelet', 'apiserver'], 'kubelet', 'Where pods come from: the kubelet /pods endpoint or an API-server watch'),
    }),
    kubeletPort: int('hot', 10250, 'Kubelet port for the /pods endpoint', { min: 1 }),
    nodeSettings: Type.Object({
      namespace: str(
        'restart',
        '',
        "Namespace of this node's settings Secret powerplane-node-<node> (BMC endpoint and credentials), written by the operator from the PowerMonitor's spec.agent.nodeSettingsSecretRef; empty: none",
      ),
      dir: str('restart', '/run/powerplane', "Memory-backed directory this node's Redfish password from its settings Secret is written to"),
    }),
  }),
  metrics: listOf('hot', METRIC_LEVELS, ['node', 'container', 'pod', 'vm'], 'Metric levels to export; repeat the flag or give a comma list', {
    kepler: ['exporter.prometheus.metricsLevel'],
  }),
  meter: listOf(
    'restart',
    METER_NAMES,
    ['rapl', 'hwmon', 'model'],
    'Node meters to try, in order; `gpu` meters NVIDIA GPUs (NVML, else nvidia-smi) beside them; repeat the flag or give a comma list',
    {
      kepler: ['cpu.preferredMeters', 'cpu.meters'],
    },
  ),
  model: Type.Object({
    idleWatts: num('restart', 0, 'Model meter: node watts at 0% CPU (0 = derive from the CPU model)', { min: 0 }),
    maxWatts: num('restart', 0, 'Model meter: node watts at 100% CPU (0 = derive from the CPU model)', { min: 0 }),
    weightsFile: str('restart', '', 'Model meter: a Kepler model-db weight JSON file'),
    serverUrl: str('restart', '', 'Model meter: a powerplane model server to fetch the node model from'),
    name: str('restart', '', 'Model meter: model name on the model server'),
  }),
  platform: Type.Object({
    redfish: Type.Object({
      endpoint: str('hot', '', 'Redfish BMC base URL for platform power'),
      username: str('hot', '', 'Redfish user'),
      passwordFile: str('hot', '', 'File holding the Redfish password'),
      insecureSkipVerify: bool('hot', false, 'Skip TLS verification of the BMC'),
    }),
    ipmi: Type.Object({
      exporterUrl: str('hot', '', 'prometheus ipmi_exporter /metrics URL for platform power'),
      ipmitool: bool('hot', false, 'Read platform power with `ipmitool dcmi power reading`'),
    }),
    acpi: bool('hot', true, 'Read platform power from the ACPI power meter (hwmon power_meter) when present'),
  }),
  gpu: Type.Object({
    enable: bool('hot', true, 'Meter NVIDIA GPUs when nvidia-smi or NVML is present', { kepler: ['experimental.gpu.enabled'] }),
    nvidiaSmiPath: str('hot', 'nvidia-smi', 'Path of nvidia-smi'),
    source: oneOf(
      'hot',
      ['auto', 'nvml', 'nvidia-smi'],
      'auto',
      'GPU source: NVML, nvidia-smi, or auto (NVML when the library loads, else nvidia-smi)',
    ),
    nvmlLibrary: str('hot', 'libnvidia-ml.so.1', 'NVML library to dlopen (a name the loader searches, or a path)'),
    idleWatts: num('hot', 0, 'GPU idle power in watts (0 = the lowest power seen with no process)', {
      min: 0,
      kepler: ['experimental.gpu.idlePower'],
    }),
    powerLimit: Type.Object({
      enable: bool(
        'restart',
        false,
        'Allow setting GPU power limits (NVML, root) through the authenticated agent route; limits are restored on exit',
      ),
      tokenFile: str('restart', '', 'File holding the bearer token the GPU power-limit route requires (required with gpu.powerLimit.enable)'),
    }),
  }),
  attribution: Type.Object({
    idlePolicy: oneOf('hot', ['none', 'cpu-share', 'requests'], 'none', 'How idle energy is attributed (exported as powerplane_*_idle_joules_total)'),
  }),
  calibration: Type.Object({
    enable: bool('restart', false, 'Record features and measured power for self-calibration (needs a real meter)'),
    file: str('restart', '', 'Rolling sample file for self-calibration'),
    maxSamples: int('restart', 100000, 'Samples kept in the rolling calibration file', { min: 10 }),
  }),
  dashboard: Type.Object({
    historyLength: int(
      'restart',
      180,
      'Agent refreshes of chart history kept in memory (the last hour one point per refresh, older ones as 1-minute averages)',
      { min: 10 },
    ),
  }),
  modelServer: Type.Object({
    storeDir: str('restart', '.powerplane/models', 'Model directory of the model server'),
    token: str('restart', '', 'Bearer token of the model server: required by its write routes, sent by its clients (empty: open)'),
    tokenFile: str('restart', '', 'File holding the model server token (a mounted Secret); overrides modelServer.token'),
    prometheusUrls: strings('restart', [], 'Prometheus base URLs that POST /api/v1/train may read (no others)'),
    maxBodyBytes: int('restart', 16777216, 'Largest accepted request body (uploads)', { min: 1024 }),
  }),
  estimator: Type.Object({
    configFile: str('restart', '', 'Standalone estimator configuration (estimators and nodes)'),
    apiKey: str('restart', '', 'Required X-API-KEY header value (empty: open)'),
    maxWorkloads: int('restart', 1000, 'Largest num_workloads accepted', { min: 1 }),
    deadline: dur('restart', 10000, 'An estimation not answered within this gets 503 with Retry-After (the work goes on; a retry joins it)', {
      min: 100,
    }),
    scheduler: Type.Object({
      estimator: str('restart', 'default/default', 'Scheduler extender: the Estimator (namespace/name) whose nodes it scores'),
      policy: oneOf(
        'restart',
        ['watts', 'spread', 'temperature'],
        'watts',
        'Scheduler extender: placement policy when neither the query nor the pod annotation powerplane.io/placement chooses one',
      ),
      defaultCpuMilli: int('restart', 100, 'Scheduler extender: mCPU assumed for a pod that requests no CPU', { min: 1 }),
      spreadMaxPerNode: int('restart', 1, 'Scheduler extender, spread policy: most pods of one workload per node', { min: 1 }),
      maxInletTemperature: num('restart', 27, 'Scheduler extender, temperature policy: highest acceptable inlet temperature, °C'),
      deadline: dur('restart', 800, "Scheduler extender: time budget for predictions per call (below the scheduler's 1s httpTimeout)", { min: 10 }),
    }),
  }),
});

/** The typed configuration every command receives (durations in milliseconds). */
export type PowerplaneConfig = Static<typeof ConfigSchema>;

/** Every property optional, at every depth (arrays are replaced whole). */
export type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/** Value types a key may have. `duration` values are strings like `5s`, `500ms`, `1m` and load as milliseconds. */
export type KeyType = 'string' | 'bool' | 'int' | 'number' | 'duration' | 'list' | { enum: readonly string[] };

/** One configuration key, as derived from its schema leaf. */
export interface KeySpec {
  /** Dotted key (`monitor.interval`). */
  readonly key: string;
  /** Its flag (`--monitor.interval`). */
  readonly flag: string;
  readonly type: KeyType;
  /** Default (durations in ms). */
  readonly default: unknown;
  /** Help text. */
  readonly description: string;
  /** Minimum for numbers and durations (ms). */
  readonly min?: number;
  /** For `list`: the allowed items. */
  readonly items?: readonly string[];
  readonly reload: ReloadClass;
  /** Kepler 0.11 file keys read as this key. */
  readonly kepler: readonly string[];
  /** The schema leaf. */
  readonly schema: TSchema;
}

/** Converts a dotted key to its flag: `web.listenAddress` → `--web.listen-address`. Pure. */
export function flagForKey(key: string): string {
  return (
    '--' +
    key
      .split('.')
      .map((p) => p.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase()))
      .join('.')
  );
}

type Node = TSchema & {
  type?: string;
  properties?: Record<string, Node>;
  items?: Node;
  enum?: readonly string[];
  default?: unknown;
  description?: string;
  minimum?: number;
};

const metaOf = (n: Node): KeyMeta | undefined => (n as unknown as Record<string, KeyMeta | undefined>)[KEY_META];

function keyType(n: Node): KeyType {
  if (metaOf(n)?.duration) return 'duration';
  if (n.enum) return { enum: n.enum };
  switch (n.type) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'integer':
      return 'int';
    case 'number':
      return 'number';
    case 'array':
      return 'list';
  }
  throw new TypeError(`config schema: a leaf of type ${String(n.type)} has no key type`);
}

function leaves(node: Node, prefix: string, out: KeySpec[]): KeySpec[] {
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    const key = prefix ? `${prefix}.${name}` : name;
    const m = metaOf(child);
    if (!m) {
      leaves(child, key, out);
      continue;
    }
    out.push({
      key,
      flag: flagForKey(key),
      type: keyType(child),
      default: child.default,
      description: child.description ?? '',
      ...(child.minimum !== undefined ? { min: child.minimum } : {}),
      ...(child.items?.enum ? { items: child.items.enum } : {}),
      reload: m.reload,
      kepler: m.kepler ?? [],
      schema: child,
    });
  }
  return out;
}

/** Every key, in schema order. Components read their values from the typed {@link PowerplaneConfig}. */
export const CONFIG_KEYS: readonly KeySpec[] = leaves(ConfigSchema as Node, '', []);

const BY_KEY: ReadonlyMap<string, KeySpec> = new Map(CONFIG_KEYS.map((k) => [k.key, k]));

/** The key's spec, or undefined for an unknown key. */
export function keySpec(key: string): KeySpec | undefined {
  return BY_KEY.get(key);
}

/** The keys whose dotted name is in `selectors` (a key, or a prefix ending in `.`), e.g. a command's flags. */
export function keysMatching(selectors: readonly string[]): KeySpec[] {
  return CONFIG_KEYS.filter((k) => selectors.some((s) => (s.endsWith('.') ? k.key.startsWith(s) : k.key === s)));
}

/** The reload class of a key; throws for an unknown key. */
export function reloadClass(key: string): ReloadClass {
  const spec = BY_KEY.get(key);
  if (!spec) throw new RangeError(`unknown config key ${key}`);
  return spec.reload;
}

/** The keys of one reload class, in schema order (`restart`: the operator's pod-template hash). */
export function keysByReload(reload: ReloadClass): string[] {
  return CONFIG_KEYS.filter((k) => k.reload === reload).map((k) => k.key);
}

/**
 * The part of a (partial) configuration whose keys are of one reload class, nested as given: the
 * `restart` part is what the operator hashes into the agent pod template (a change rolls the pods),
 * the `hot` part what a running agent applies. Unknown keys are left out. Pure.
 */
export function valuesOfClass(partial: DeepPartial<PowerplaneConfig>, reload: ReloadClass, prefix = ''): DeepPartial<PowerplaneConfig> {
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(partial as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${name}` : name;
    const spec = BY_KEY.get(key);
    if (spec) {
      if (spec.reload === reload && v !== undefined) out[name] = structuredClone(v);
    } else if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const sub = valuesOfClass(v as DeepPartial<PowerplaneConfig>, reload, key);
      if (Object.keys(sub).length > 0) out[name] = sub;
    }
  }
  return out as DeepPartial<PowerplaneConfig>;
}

/** The minimum of a number or duration key (ms for durations); throws for a key without one. */
export function keyMinimum(key: string): number {
  const min = BY_KEY.get(key)?.min;
  if (min === undefined) throw new RangeError(`config key ${key} has no minimum`);
  return min;
}

/** A plain JSON-Schema node. */
export type JsonSchemaNode = { [key: string]: unknown };

/** Options of {@link configJsonSchema}. */
export interface JsonSchemaOptions {
  /** Include each key's default (in file form: `5s`). Off by default, since a CRD would fill them in. */
  defaults?: boolean;
}

function fileFormDefault(spec: KeySpec): unknown {
  return spec.type === 'duration' ? formatDuration(spec.default as number) : structuredClone(spec.default);
}

function jsonNode(node: Node, key: string, opts: JsonSchemaOptions): JsonSchemaNode {
  const spec = metaOf(node) ? BY_KEY.get(key) : undefined;
  if (!spec) {
    const properties = Object.fromEntries(
      Object.entries(node.properties ?? {}).map(([name, child]) => [name, jsonNode(child, key ? `${key}.${name}` : name, opts)]),
    );
    return { type: 'object', properties };
  }
  const described = { description: `${spec.description} (${spec.flag})` };
  const dflt = opts.defaults ? { default: fileFormDefault(spec) } : {};
  const min = spec.min !== undefined && spec.type !== 'duration' ? { minimum: spec.min } : {};
  const t = spec.type;
  if (typeof t === 'object') return { type: 'string', enum: [...t.enum], ...dflt, ...described };
  switch (t) {
    case 'string':
      return { type: 'string', ...dflt, ...described };
    case 'bool':
      return { type: 'boolean', ...dflt, ...described };
    case 'int':
      return { type: 'integer', ...min, ...dflt, ...described };
    case 'number':
      return { type: 'number', ...min, ...dflt, ...described };
    case 'duration':
      return { type: 'string', pattern: minDurationPattern(spec.min), ...dflt, ...described };
    case 'list':
      return { type: 'array', items: spec.items ? { type: 'string', enum: [...spec.items] } : { type: 'string' }, ...dflt, ...described };
  }
}

/**
 * The JSON Schema (OpenAPI v3, structural: no `$ref`, explicit types, no `required`, no metadata) of
 * the config file form of the whole configuration, or of the sub-tree or key at dotted `path`
 * (`platform`, `monitor`, `platform.redfish`). Durations are strings of core/duration's `DURATION_PATTERN`
 * (with a minimum: {@link minDurationPattern}; the exact sum is checked by the loader). Pure.
 */
export function configJsonSchema(path = '', opts: JsonSchemaOptions = {}): JsonSchemaNode {
  let node = ConfigSchema as Node;
  for (const part of path ? path.split('.') : []) {
    const next = node.properties?.[part];
    if (!next) throw new RangeError(`no config key or section ${path}`);
    node = next;
  }
  return jsonNode(node, path, opts);
}

/** A problem in a (partial) configuration: the dotted key and why. */
export interface KeyProblem {
  key: string;
  message: string;
}

/**
 * The problems of a partial loaded configuration ({@link DeepPartial} of {@link PowerplaneConfig},
 * durations in ms): unknown keys and values the schema refuses. Empty when it is valid. Pure.
 */
export function partialConfigProblems(value: unknown, node: Node = ConfigSchema as Node, prefix = ''): KeyProblem[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [{ key: prefix || '(root)', message: 'must be a mapping' }];
  const problems: KeyProblem[] = [];
  for (const [name, v] of Object.entries(value)) {
    const key = prefix ? `${prefix}.${name}` : name;
    const child = node.properties?.[name];
    if (!child) problems.push({ key, message: 'unknown key' });
    else if (!metaOf(child)) problems.push(...partialConfigProblems(v, child, key));
    else for (const e of Value.Errors(child, v)) problems.push({ key: key + e.instancePath.replace(/\//g, '.'), message: e.message });
  }
  return problems;
}

/** True when `value` is a valid partial configuration (see {@link partialConfigProblems}). */
export function isPartialConfig(value: unknown): value is DeepPartial<PowerplaneConfig> {
  return partialConfigProblems(value).length === 0;
}

/**
 * A partial configuration in config-file form, e.g. for the agent's ConfigMap: durations become
 * duration strings (`5000` → `5s`), everything else is copied. Pure.
 */
export function configFileValues(partial: DeepPartial<PowerplaneConfig>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(partial as Record<string, unknown>)) {
    if (v === undefined) continue;
    const key = prefix ? `${prefix}.${name}` : name;
    const spec = BY_KEY.get(key);
    if (spec) out[name] = spec.type === 'duration' && typeof v === 'number' ? formatDuration(v) : structuredClone(v);
    else out[name] = configFileValues(v as DeepPartial<PowerplaneConfig>, key);
  }
  return out;
}

/** What a Kepler key without a powerplane counterpart does with its value: accept it (a notice), set powerplane keys (a notice), or refuse it (the reason). */
export type KeplerRule = (value: unknown) => { refuse: string } | { note: string } | { set: Record<string, unknown>; note: string };

const isEmpty = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
const same =
  (expected: unknown, what: string, refusal: string): KeplerRule =>
  (v) =>
    v === expected || (expected === false && isEmpty(v)) ? { note: `${what}: powerplane does this anyway` } : { refuse: refusal };
const empty =
  (what: string, refusal: string): KeplerRule =>
  (v) =>
    isEmpty(v) ? { note: `${what}: empty, as powerplane has it` } : { refuse: refusal };

/**
 * Kepler 0.11 config-file keys that are no powerplane key's alias ({@link KeyMeta.kepler} holds
 * those): each either asks for what powerplane does anyway (accepted with a notice), maps onto
 * powerplane keys with a value rule, or is refused with the reason. A Kepler section's unknown keys
 * warn like any unknown key.
 */
export const KEPLER_KEYS: Readonly<Record<string, KeplerRule>> = {
  'rapl.zones': empty('rapl.zones', 'powerplane meters every RAPL zone; a zone allow-list is not supported (query the zone label instead)'),
  'exporter.prometheus.enabled': same(true, 'exporter.prometheus.enabled', 'the Prometheus /metrics export cannot be turned off'),
  'exporter.prometheus.debugCollectors': (v) => ({
    note: `exporter.prometheus.debugCollectors ${JSON.stringify(v)}: Go runtime collectors do not exist in a Node.js agent; powerplane's own powerplane_agent_* series are always exported`,
  }),
  'exporter.stdout.enabled': same(false, 'exporter.stdout.enabled', 'there is no stdout exporter: read GET /api/v1/node or run `powerplane top`'),
  'debug.pprof.enabled': (v) => ({
    note: `debug.pprof.enabled ${JSON.stringify(v)}: there is no /debug/pprof in a Node.js agent; profile with node --cpu-prof`,
  }),
  'kube.podInformer.pollInterval': (v) =>
    v === '15s' || v === 15
      ? { note: 'kube.podInformer.pollInterval 15s: the interval powerplane polls at' }
      : { refuse: 'powerplane polls the kubelet every 15s (and at once on a container it does not know); another interval is not supported' },
  'experimental.platform.redfish.enabled': same(
    false,
    'experimental.platform.redfish.enabled false',
    "Kepler's Redfish node map file is not read: set platform.redfish.endpoint, username and passwordFile (per node through the PowerMonitor's Secret)",
  ),
  'experimental.platform.redfish.nodeName': empty('experimental.platform.redfish.nodeName', 'set kube.nodeName instead'),
  'experimental.platform.redfish.configFile': empty(
    'experimental.platform.redfish.configFile',
    "Kepler's Redfish node map file is not read: set platform.redfish.endpoint, username and passwordFile",
  ),
  'experimental.platform.redfish.httpTimeout': (v) => ({
    note: `experimental.platform.redfish.httpTimeout ${JSON.stringify(v)}: platform meters time out after half the refresh interval`,
  }),
  'experimental.hwmon.zones': empty('experimental.hwmon.zones', 'powerplane meters every hwmon sensor; a zone allow-list is not supported'),
  'experimental.hwmon.forceEnabled': (v) => ({
    note: `experimental.hwmon.forceEnabled ${JSON.stringify(v)}: deprecated in Kepler; hwmon is in the meter list (--meter)`,
  }),
  'experimental.gpu.dcgmEndpoint': empty('experimental.gpu.dcgmEndpoint', 'GPU power comes from NVML or nvidia-smi; dcgm-exporter is not read'),
  'dev.fake-cpu-meter.enabled': (v) =>
    v === true
      ? { set: { meter: ['fake'] }, note: 'dev.fake-cpu-meter.enabled true: read as meter: [fake]' }
      : v === false || v === undefined
        ? { note: 'dev.fake-cpu-meter.enabled false: nothing to do' }
        : { refuse: 'must be true or false' },
  'dev.fake-cpu-meter.zones': empty('dev.fake-cpu-meter.zones', "the fake meter's zones are fixed (package, core, dram)"),
};

/** Every Kepler 0.11 file key read as a powerplane key: Kepler key → powerplane key. */
export const KEPLER_ALIASES: ReadonlyMap<string, string> = new Map(CONFIG_KEYS.flatMap((k) => k.kepler.map((alias) => [alias, k.key] as const)));
