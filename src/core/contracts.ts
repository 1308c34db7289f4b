/**
 * @module core/contracts
 * Data shapes and interfaces shared between components: the agent's JSON API (also read by the
 * dashboard, `powerplane top` and the estimator), the in-process agent handle that `up` passes to
 * its siblings, and the node power predictor seam between the agent's model meter and the model
 * server.
 */

/** How node power is obtained. */
export interface MeterInfo {
  /** Meter name: `rapl`, `hwmon`, `model`, `fake`. */
  name: string;
  /** True when the numbers are estimates, not measurements. */
  estimated: boolean;
  /** For estimates: which model (e.g. `ccf:intel-skylake`, `kepler:<file>`, `linear:idle=..,max=..`). */
  model?: string;
  /** For estimates: the model's node watts at 0 % CPU (its baseline), summed over non-nested zones. */
  baselineWatts?: number;
  /** For estimates by a curve of CPU busy ratio alone: the model's node watts at 100 % CPU. */
  maxWatts?: number;
  /** For estimates: why this model was chosen (e.g. the CPU model was not recognised, so CCF's generic curve). */
  basis?: string;
}

/** One zone's energy and power as last refreshed (`zone` as in Kepler: package, core, uncore, dram, psys, …). */
export interface ZoneView {
  zone: string;
  /** Kepler's `path` label: the sysfs path, or `aggregated-<zone>` for multi-socket aggregates. */
  path: string;
  joulesTotal: number;
  activeJoulesTotal: number;
  idleJoulesTotal: number;
  watts: number;
  activeWatts: number;
  idleWatts: number;
  /** Set when the zone measured nothing in the last interval (meter outage): its watts are 0, not a reading. */
  gap?: true;
}

/** GPU reading (`kepler_node_gpu_*`). */
export interface GpuView {
  index: number;
  uuid: string;
  name: string;
  watts: number;
  joulesTotal: number;
  utilization?: number;
}

/** `GET /api/v1/node`. */
export interface NodeView {
  nodeName: string;
  /** When this snapshot was taken (ms since epoch). */
  timestamp: number;
  /** Length of the interval the watts are averaged over (seconds). */
  intervalSeconds: number;
  meter: MeterInfo;
  zones: ZoneView[];
  /** Node power now: the sum over the zones that do not nest inside another (e.g. package + dram, or psys). */
  watts: number;
  activeWatts: number;
  idleWatts: number;
  /** `/proc/stat` busy ratio in [0,1] over the last interval. */
  busyRatio: number;
  /** Logical CPUs. */
  cpus: number;
  /** Platform (wall) power when a platform meter is present. */
  platformWatts?: number;
  platformSource?: string;
  gpus: GpuView[];
}

/** Workload levels, as the agent's API and metrics name them. */
export const WORKLOAD_LEVELS = ['process', 'container', 'pod', 'vm'] as const;
/** One workload level. */
export type WorkloadLevel = (typeof WORKLOAD_LEVELS)[number];

/** One workload in `GET /api/v1/workloads`. */
export interface WorkloadView {
  level: WorkloadLevel;
  /** pid (process), container id, pod uid, or VM id. */
  id: string;
  /** comm / container name / pod name / VM name. */
  name: string;
  namespace?: string;
  podName?: string;
  containerId?: string;
  runtime?: string;
  /** Processes: the pid (also in `id`), and the executable path ('' or absent when unreadable). */
  pid?: number;
  exe?: string;
  /** Processes: the command line, arguments joined by spaces, cut to 200 characters (absent when empty). */
  cmdline?: string;
  state: 'running' | 'terminated';
  /** Active CPU power now (sum over zones). */
  watts: number;
  /** Active CPU energy since the agent started (sum over zones). */
  joulesTotal: number;
  cpuSecondsTotal: number;
  /** Per-zone breakdown. */
  zones: Record<string, { watts: number; joulesTotal: number }>;
  gpuWatts?: number;
}

/** `GET /api/v1/workloads?level=pod&top=N`. */
export interface WorkloadsResponse {
  level: WorkloadLevel;
  timestamp: number;
  /** Number of workloads at this level before `top` cut the list. */
  total: number;
  items: WorkloadView[];
}

/** One meter the agent tried, with why it is (un)available. */
export interface MeterCapability {
  name: string;
  available: boolean;
  reason?: string;
  zones?: string[];
}

/** `GET /api/v1/capabilities`. */
export interface CapabilitiesView {
  nodeName: string;
  version: string;
  meters: MeterCapability[];
  chosenMeter: MeterInfo;
  zones: string[];
  platform: { available: boolean; source?: string; reason?: string };
  /** GPU meter: `source` is `nvml` or `nvidia-smi`; `tried` lists each source tried with why it is (un)usable. */
  gpus: {
    available: boolean;
    count: number;
    source?: string;
    reason?: string;
    tried?: Array<{ source: string; available: boolean; reason?: string }>;
  };
  /** Metric levels exported (from `--metrics`). */
  metricLevels: string[];
  /** Per metric-source availability, for PowerNode/PowerMonitor status: `enabled` | `disabled` | `unavailable`. */
  metrics: Record<string, 'enabled' | 'disabled' | 'unavailable'>;
  kube: { enabled: boolean; podSource?: string };
  cgroupVersion?: 1 | 2;
}

/** Features of one node for power models (names as in the feature groups; e.g. `cpu_busy_ratio`). */
export type FeatureVector = Record<string, number>;

/** Predicts node power from features: the seam between the model meter and where models come from. */
export interface NodePowerPredictor {
  /** Model name shown in `powerplane_node_power_source_info{model}`. */
  readonly name: string;
  /** Features the predictor needs (e.g. `cpu_busy_ratio`, `bpf_cpu_time_ms`). */
  readonly features: readonly string[];
  /** Predicted node watts (idle included) per zone, e.g. `{package: 41.2, dram: 3.1}`. */
  predict(features: FeatureVector): Record<string, number>;
}

/** The local machine's power curve, given by the agent to the estimator in `up`. */
export interface LocalNodeModel {
  nodeName: string;
  logicalCpus: number;
  /** Current CPU busy ratio [0,1]. */
  busyRatio(): number;
  /** Predicted node watts at a CPU busy ratio (clamped to [0,1]). */
  wattsAt(busyRatio: number): number;
  /** The model's name. */
  modelName: string;
}

/** The in-process agent, as `up` hands it to the dashboard and the estimator. */
export interface AgentHandle {
  node(): NodeView | undefined;
  workloads(level: WorkloadLevel, top?: number): WorkloadsResponse;
  capabilities(): CapabilitiesView;
  localNodeModel(): LocalNodeModel;
  /** Calls `cb` after each refresh; returns an unsubscribe function. */
  onRefresh(cb: (node: NodeView) => void): () => void;
}
