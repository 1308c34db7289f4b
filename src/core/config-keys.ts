/**
 * @module core/config-keys
 * Every configuration key powerplane knows, once: its type, default and flag. The YAML config file
 * (`--config.file`) uses the nested form of the dotted key (`monitor: {interval: 5s}`); the flag is the
 * dotted key in kebab case (`--monitor.interval`), following the Kepler exporter's names.
 */
import { METER_NAMES } from '../agent/meters/registry.js';

/** Value types a key may have. `duration` values are strings like `5s`, `500ms`, `1m` and load as milliseconds. */
export type KeyType = 'string' | 'bool' | 'int' | 'number' | 'duration' | 'list' | { enum: readonly string[] };

/** One configuration key. */
export interface KeySpec {
  readonly key: string;
  readonly type: KeyType;
  readonly default: unknown;
  readonly description: string;
  /** Minimum for numbers and durations (ms). */
  readonly min?: number;
  /** For `list`: the allowed items. */
  readonly items?: readonly string[];
}

/** The metric levels of `--metrics`. */
export const METRIC_LEVELS = ['node', 'process', 'container', 'vm', 'pod'] as const;
/** The meters of `--meter` (from the meter registry, agent/meters/registry.ts). */
export { METER_NAMES };

/** The minimum of a number or duration key (ms for durations); throws for a key without one. */
export function keyMinimum(key: string): number {
  const min = CONFIG_KEYS.find((k) => k.key === key)?.min;
  if (min === undefined) throw new RangeError(`config key ${key} has no minimum`);
  return min;
}

/** The key table. Components read their values from the typed {@link PowerplaneConfig}. */
export const CONFIG_KEYS: readonly KeySpec[] = [
  { key: 'log.level', type: { enum: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] }, default: 'info', description: 'Log level' },
  { key: 'log.format', type: { enum: ['auto', 'json', 'text'] }, default: 'auto', description: 'Log format: json lines, pretty text, or auto (text on a TTY)' },
  { key: 'host.sysfs', type: 'string', default: '/sys', description: 'Path of the host sysfs' },
  { key: 'host.procfs', type: 'string', default: '/proc', description: 'Path of the host procfs' },
  { key: 'monitor.interval', type: 'duration', default: 5000, min: 100, description: 'Refresh interval of the node agent' },
  { key: 'monitor.staleness', type: 'duration', default: 500, min: 0, description: 'A scrape refreshes when the last snapshot is older than this' },
  { key: 'monitor.maxTerminated', type: 'int', default: 500, min: 0, description: 'Terminated workloads kept in the export, largest energy first' },
  { key: 'monitor.minTerminatedEnergyThreshold', type: 'number', default: 10, min: 0, description: 'Terminated workloads below this many joules are dropped at once' },
  { key: 'monitor.maxZoneWatts', type: 'number', default: 2000, min: 1, description: 'A meter interval implying more watts than this per counter (or 1.5x the zone\'s advertised maximum) is dropped and counted' },
  { key: 'web.listenAddress', type: 'string', default: '', description: 'host:port to listen on (default depends on the command)' },
  { key: 'web.allowedHosts', type: 'list', default: [], description: 'Extra Host names the server answers to (IP literals and localhost always pass; .example.com matches subdomains; * turns the check off)' },
  { key: 'web.configFile', type: 'string', default: '', description: 'Prometheus exporter-toolkit web config file: TLS and basic auth (the format node_exporter and Kepler use)' },
  { key: 'web.insecureNoAuth', type: 'bool', default: false, description: 'Model server: allow a non-loopback listen address without a token (writes open to anyone who can connect)' },
  { key: 'web.maxConnections', type: 'int', default: 512, min: 1, description: 'Most open client connections; more are closed at once' },
  { key: 'web.requestTimeout', type: 'duration', default: 60000, min: 100, description: 'Time a client has to send a whole request (headers and body)' },
  { key: 'web.headersTimeout', type: 'duration', default: 10000, min: 100, description: 'Time a client has to send the request headers' },
  { key: 'web.keepAliveTimeout', type: 'duration', default: 5000, min: 0, description: 'Idle time before a kept-alive connection is closed' },
  { key: 'web.ui', type: 'bool', default: false, description: 'Serve the dashboard page at / (always on for `up`)' },
  { key: 'kube.enable', type: 'bool', default: false, description: 'Map containers to pods through Kubernetes' },
  { key: 'kube.nodeName', type: 'string', default: '', description: 'This node\'s name (default: $NODE_NAME, then the host name)' },
  { key: 'kube.config', type: 'string', default: '', description: 'Kubeconfig file (default: in-cluster service account)' },
  { key: 'kube.podInformer.mode', type: { enum: ['kubelet', 'apiserver'] }, default: 'kubelet', description: 'Where pods come from: the kubelet /pods endpoint or an API-server watch' },
  { key: 'kube.kubeletPort', type: 'int', default: 10250, min: 1, description: 'Kubelet port for the /pods endpoint' },
  { key: 'metrics', type: 'list', items: ['node', 'process', 'container', 'vm', 'pod'], default: ['node', 'container', 'pod', 'vm'], description: 'Metric levels to export' },
  { key: 'meter', type: 'list', items: METER_NAMES, default: ['rapl', 'hwmon', 'model'], description: 'Node meters to try, in order; `gpu` meters NVIDIA GPUs (NVML, else nvidia-smi) beside them' },
  { key: 'model.idleWatts', type: 'number', default: 0, min: 0, description: 'Model meter: node watts at 0% CPU (0 = derive from the CPU model)' },
  { key: 'model.maxWatts', type: 'number', default: 0, min: 0, description: 'Model meter: node watts at 100% CPU (0 = derive from the CPU model)' },
  { key: 'model.weightsFile', type: 'string', default: '', description: 'Model meter: a Kepler model-db weight JSON file' },
  { key: 'model.serverUrl', type: 'string', default: '', description: 'Model meter: a powerplane model server to fetch the node model from' },
  { key: 'model.name', type: 'string', default: '', description: 'Model meter: model name on the model server' },
  { key: 'platform.redfish.endpoint', type: 'string', default: '', description: 'Redfish BMC base URL for platform power' },
  { key: 'platform.redfish.username', type: 'string', default: '', description: 'Redfish user' },
  { key: 'platform.redfish.passwordFile', type: 'string', default: '', description: 'File holding the Redfish password' },
  { key: 'platform.redfish.insecureSkipVerify', type: 'bool', default: false, description: 'Skip TLS verification of the BMC' },
  { key: 'platform.ipmi.exporterUrl', type: 'string', default: '', description: 'prometheus ipmi_exporter /metrics URL for platform power' },
  { key: 'platform.ipmi.ipmitool', type: 'bool', default: false, description: 'Read platform power with `ipmitool dcmi power reading`' },
  { key: 'platform.acpi', type: 'bool', default: true, description: 'Read platform power from the ACPI power meter (hwmon power_meter) when present' },
  { key: 'gpu.enable', type: 'bool', default: true, description: 'Meter NVIDIA GPUs when nvidia-smi or NVML is present' },
  { key: 'gpu.nvidiaSmiPath', type: 'string', default: 'nvidia-smi', description: 'Path of nvidia-smi' },
  { key: 'gpu.source', type: { enum: ['auto', 'nvml', 'nvidia-smi'] }, default: 'auto', description: 'GPU source: NVML, nvidia-smi, or auto (NVML when the library loads, else nvidia-smi)' },
  { key: 'gpu.nvmlLibrary', type: 'string', default: 'libnvidia-ml.so.1', description: 'NVML library to dlopen (a name the loader searches, or a path)' },
  { key: 'gpu.idleWatts', type: 'number', default: 0, min: 0, description: 'GPU idle power in watts (0 = the lowest power seen with no process)' },
  { key: 'gpu.powerLimit.enable', type: 'bool', default: false, description: 'Allow setting GPU power limits (NVML, root) through the authenticated agent route; limits are restored on exit' },
  { key: 'gpu.powerLimit.tokenFile', type: 'string', default: '', description: 'File holding the bearer token the GPU power-limit route requires (required with gpu.powerLimit.enable)' },
  { key: 'attribution.idlePolicy', type: { enum: ['none', 'cpu-share', 'requests'] }, default: 'none', description: 'How idle energy is attributed (exported as powerplane_*_idle_joules_total)' },
  { key: 'calibration.enable', type: 'bool', default: false, description: 'Record features and measured power for self-calibration (needs a real meter)' },
  { key: 'calibration.file', type: 'string', default: '', description: 'Rolling sample file for self-calibration' },
  { key: 'calibration.maxSamples', type: 'int', default: 100000, min: 10, description: 'Samples kept in the rolling calibration file' },
  { key: 'dashboard.historyLength', type: 'int', default: 180, min: 10, description: 'Points of chart history kept in memory per series' },
  { key: 'modelServer.storeDir', type: 'string', default: '.powerplane/models', description: 'Model directory of the model server' },
  { key: 'modelServer.token', type: 'string', default: '', description: 'Bearer token of the model server: required by its write routes, sent by its clients (empty: open)' },
  { key: 'modelServer.tokenFile', type: 'string', default: '', description: 'File holding the model server token (a mounted Secret); overrides modelServer.token' },
  { key: 'modelServer.prometheusUrls', type: 'list', default: [], description: 'Prometheus base URLs that POST /api/v1/train may read (no others)' },
  { key: 'modelServer.maxBodyBytes', type: 'int', default: 16777216, min: 1024, description: 'Largest accepted request body (uploads)' },
  { key: 'estimator.configFile', type: 'string', default: '', description: 'Standalone estimator configuration (estimators and nodes)' },
  { key: 'estimator.apiKey', type: 'string', default: '', description: 'Required X-API-KEY header value (empty: open)' },
  { key: 'estimator.maxWorkloads', type: 'int', default: 1000, min: 1, description: 'Largest num_workloads accepted' },
  { key: 'estimator.deadline', type: 'duration', default: 10000, min: 100, description: 'An estimation not answered within this gets 503 with Retry-After (the work goes on; a retry joins it)' },
  { key: 'estimator.scheduler.estimator', type: 'string', default: 'default/default', description: 'Scheduler extender: the Estimator (namespace/name) whose nodes it scores' },
  { key: 'estimator.scheduler.policy', type: { enum: ['watts', 'spread', 'temperature'] }, default: 'watts', description: 'Scheduler extender: placement policy when neither the query nor the pod annotation powerplane.io/placement chooses one' },
  { key: 'estimator.scheduler.defaultCpuMilli', type: 'int', default: 100, min: 1, description: 'Scheduler extender: mCPU assumed for a pod that requests no CPU' },
  { key: 'estimator.scheduler.spreadMaxPerNode', type: 'int', default: 1, min: 1, description: 'Scheduler extender, spread policy: most pods of one workload per node' },
  { key: 'estimator.scheduler.maxInletTemperature', type: 'number', default: 27, description: 'Scheduler extender, temperature policy: highest acceptable inlet temperature, °C' },
  { key: 'estimator.scheduler.deadline', type: 'duration', default: 800, min: 10, description: 'Scheduler extender: time budget for predictions per call (below the scheduler\'s 1s httpTimeout)' },
];

/** The typed configuration every command receives. */
export interface PowerplaneConfig {
  log: { level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent'; format: 'auto' | 'json' | 'text' };
  host: { sysfs: string; procfs: string };
  monitor: { interval: number; staleness: number; maxTerminated: number; minTerminatedEnergyThreshold: number; maxZoneWatts: number };
  web: {
    listenAddress: string;
    allowedHosts: string[];
    configFile: string;
    insecureNoAuth: boolean;
    maxConnections: number;
    requestTimeout: number;
    headersTimeout: number;
    keepAliveTimeout: number;
    ui: boolean;
  };
  kube: { enable: boolean; nodeName: string; config: string; podInformer: { mode: 'kubelet' | 'apiserver' }; kubeletPort: number };
  metrics: Array<(typeof METRIC_LEVELS)[number]>;
  meter: Array<(typeof METER_NAMES)[number]>;
  model: { idleWatts: number; maxWatts: number; weightsFile: string; serverUrl: string; name: string };
  platform: {
    redfish: { endpoint: string; username: string; passwordFile: string; insecureSkipVerify: boolean };
    ipmi: { exporterUrl: string; ipmitool: boolean };
    acpi: boolean;
  };
  gpu: {
    enable: boolean;
    nvidiaSmiPath: string;
    source: 'auto' | 'nvml' | 'nvidia-smi';
    nvmlLibrary: string;
    idleWatts: number;
    powerLimit: { enable: boolean; tokenFile: string };
  };
  attribution: { idlePolicy: 'none' | 'cpu-share' | 'requests' };
  calibration: { enable: boolean; file: string; maxSamples: number };
  dashboard: { historyLength: number };
  modelServer: { storeDir: string; token: string; tokenFile: string; prometheusUrls: string[]; maxBodyBytes: number };
  estimator: {
    configFile: string;
    apiKey: string;
    maxWorkloads: number;
    deadline: number;
    scheduler: { estimator: string; policy: 'watts' | 'spread' | 'temperature'; defaultCpuMilli: number; spreadMaxPerNode: number; maxInletTemperature: number; deadline: number };
  };
}
