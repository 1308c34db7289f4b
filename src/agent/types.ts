/**
 * @module agent/types
 * Seams of the node agent: node meters (RAPL, hwmon, model, fake), platform meters (Redfish, IPMI,
 * ACPI) and GPU meters (NVIDIA). One implementation per file under `meters/`, `platform/`, `gpu/`.
 */
import type { MeterInfo, MeterCapability, FeatureVector, NodePowerPredictor } from '../core/contracts.js';

/** A zone a node meter reports (Kepler's `zone` and `path` labels). */
export interface ZoneDescriptor {
  /** Zone name without index: `package`, `core`, `uncore`, `dram`, `psys`, `platform`, … */
  zone: string;
  /** sysfs path of the zone, or `aggregated-<zone>` when several sockets are summed. */
  path: string;
  /** True when this zone is contained in another (core/uncore in package): excluded from node totals. */
  nested: boolean;
}

/** What the agent tells a meter at each read: the interval's utilisation (the model meter needs it). */
export interface MeterReadContext {
  /** `/proc/stat` busy ratio over the interval, in [0,1]. */
  busyRatio: number;
  /** Length of the interval in ms. */
  intervalMs: number;
  /** Node features for model-based meters (e.g. `cpu_busy_ratio`, `bpf_cpu_time_ms`). */
  features: FeatureVector;
}

/** Energy one zone used over the last interval. Energy is kept in integer microjoules. */
export interface ZoneDelta {
  zone: string;
  path: string;
  /** Energy used since the previous read, µJ (integer, ≥ 0; wraps already handled). */
  deltaMicroJoules: number;
}

/**
 * Why a zone measured no energy for an interval: its counter file was gone (`missing`), could not be
 * read (`unreadable`: permissions, I/O error) or did not hold an integer (`garbage`); or it was read
 * but the interval was dropped (`implausible`: more than the zone can draw; `reset`: the counter went back).
 */
export type MeterErrorReason = 'missing' | 'unreadable' | 'garbage' | 'implausible' | 'reset';

/** One zone's failure in one read. */
export interface MeterError {
  /** The zone's path (as in {@link ZoneDescriptor}). */
  path: string;
  reason: MeterErrorReason;
  /** What failed, naming the file. */
  message: string;
}

/** The result of one read. */
export interface MeterSample {
  zones: ZoneDelta[];
  /** Zones (by path, or by name) whose interval was dropped as implausible (counter reset, double wrap); counted in a self-metric. */
  dropped: string[];
  /**
   * Zones that measured nothing this interval because of a failure (a read failure, or a dropped
   * interval); their delta is 0. A zone whose read failed restarts its baseline at its next good read.
   */
  errors?: MeterError[];
  /** Zones with no energy for this interval although they were read (a new baseline after a failure). */
  gaps?: string[];
}

/** A source of node energy per zone. */
export interface NodeMeter {
  readonly info: MeterInfo;
  /** Zones this meter reports (fixed after construction). */
  zones(): ZoneDescriptor[];
  /** Reads energy since the last call. The first call establishes the baseline and returns zero deltas. */
  read(ctx: MeterReadContext): Promise<MeterSample>;
  /**
   * For estimating meters: the power curve they predict with. The agent's local node model (given to
   * the estimator in `up`) uses it; measured meters leave it out and the agent fits a curve to samples.
   */
  readonly curve?: NodePowerPredictor;
  close?(): Promise<void>;
}

/** Platform (wall) power from a BMC or ACPI. */
/**
 * Where a platform reading comes from, as Kepler's `kepler_platform_watts` labels it (`bmc_id`,
 * `chassis_id`, `source_id`, `source_name`, `source_type`); fields a source does not have are empty.
 */
export interface PlatformLabels {
  /** The BMC (Redfish: the endpoint's host). */
  readonly bmcId: string;
  /** The Redfish chassis `Id`. */
  readonly chassisId: string;
  /** The resource read: a PowerControl `MemberId`, a Sensor `Id`. */
  readonly sourceId: string;
  /** Its `Name`. */
  readonly sourceName: string;
  /** Its kind: `EnvironmentMetrics`, `PowerControl`, `Sensor`, `PowerSupply`. */
  readonly sourceType: string;
}

export interface PlatformMeter {
  /** `redfish`, `ipmi-exporter`, `ipmitool`, `acpi`. */
  readonly source: string;
  /** Kepler's labels of the reading, where the source has them (Redfish). */
  readonly labels?: PlatformLabels;
  /** Current platform power in watts. */
  read(): Promise<number>;
  close?(): Promise<void>;
}

/** One GPU's reading. */
export interface GpuReading {
  index: number;
  uuid: string;
  name: string;
  /** Board power over the meter's interval (from the energy counter), or sampled (`nvidia-smi`, NVML without a counter). */
  watts: number;
  /**
   * Energy over the interval from the board's energy counter, µJ; undefined when the source has no
   * counter (the agent then integrates `watts`).
   */
  deltaMicroJoules?: number;
  /** SM utilisation in [0,1] when known. */
  utilization?: number;
  /** The board's current power limit, watts (NVML). */
  powerLimitWatts?: number;
  /** MIG GPU instances, when the GPU is in MIG mode. */
  instances?: GpuInstanceReading[];
}

/** One MIG GPU instance of a GPU. */
export interface GpuInstanceReading {
  /** GPU instance id. */
  id: number;
  uuid: string;
  /** The instance's power when the driver reports it (NVML usually does not). */
  watts?: number;
}

/** GPU processes with their share of a GPU (for process/container/pod GPU attribution). */
export interface GpuProcessUsage {
  pid: number;
  gpuIndex: number;
  /** SM utilisation share in [0,1] of that GPU when known; else shares are split evenly. */
  smUtilization?: number;
  usedMemoryMiB?: number;
  /** MIG GPU instance the process runs in. */
  gpuInstance?: number;
}

/** Why a GPU's interval has no energy: counter reset (or wrap), implausible jump, GPU lost, failed read. */
export type GpuGapReason = 'reset' | 'implausible' | 'lost' | 'error';

/** A GPU interval left out (a gap, never a spike); counted in `powerplane_agent_gpu_dropped_intervals_total`. */
export interface GpuGap {
  gpu: number;
  reason: GpuGapReason;
}

/** One read of a GPU meter. */
export interface GpuRead {
  devices: GpuReading[];
  processes: GpuProcessUsage[];
  /** GPUs whose interval was dropped. */
  gaps?: GpuGap[];
}

/** NVIDIA GPUs through NVML or nvidia-smi. */
export interface GpuMeter {
  /** `nvml` or `nvidia-smi`. */
  readonly source: string;
  read(): Promise<GpuRead>;
  close?(): Promise<void>;
}

/** What meter selection found: the chosen meter and why each other one was not used. */
export interface MeterSelection {
  meter: NodeMeter;
  tried: MeterCapability[];
}

/** One platform or GPU source that was tried, with why it is (un)usable. */
export interface SourceCapability {
  source: string;
  available: boolean;
  reason?: string;
}

/** What platform meter selection found: the meter, or why there is none. */
export interface PlatformSelection {
  meter?: PlatformMeter;
  /** Why there is no platform meter (set when `meter` is undefined). */
  reason?: string;
  tried: SourceCapability[];
}

/** What GPU meter selection found: the meter, or why there is none. */
export interface GpuSelection {
  meter?: GpuMeter;
  /** Why there is no GPU meter (set when `meter` is undefined). */
  reason?: string;
  /** GPUs seen at start. */
  count: number;
  /** Each GPU source tried (NVML, nvidia-smi), with why it is (un)usable. */
  tried?: SourceCapability[];
}
