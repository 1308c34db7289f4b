/**
 * @module agent/gpu/nvml-api
 * The seam between the NVML meter and the NVML library: the calls the agent makes, with NVML's units
 * (mJ, mW, µs timestamps). Every call throws {@link NvmlCallError} on a non-success return code.
 * The one implementation binds `libnvidia-ml.so.1` through koffi (`nvml-koffi.ts`).
 */

/** An opaque device handle (physical GPU or MIG device). */
export type NvmlHandle = unknown;

/** One compute process of `nvmlDeviceGetComputeRunningProcesses_v3`. */
export interface NvmlProcess {
  pid: number;
  usedGpuMemoryBytes: number;
  /** GPU instance id (MIG), undefined when not in MIG mode. */
  gpuInstanceId?: number;
}

/** One sample of `nvmlDeviceGetProcessUtilization`. */
export interface NvmlUtilSample {
  pid: number;
  /** CPU timestamp of the sample, µs. */
  timeStamp: bigint;
  /** SM utilisation, percent. */
  smUtil: number;
}

/** The NVML calls the agent uses. */
export interface NvmlApi {
  /** The library path that was loaded. */
  readonly library: string;
  init(): void;
  shutdown(): void;
  deviceCount(): number;
  handleByIndex(index: number): NvmlHandle;
  uuid(h: NvmlHandle): string;
  name(h: NvmlHandle): string;
  /** Total energy since the driver was loaded, mJ. */
  totalEnergyConsumption(h: NvmlHandle): bigint;
  /** Board power, mW. */
  powerUsage(h: NvmlHandle): number;
  /** Current power limit, mW. */
  powerManagementLimit(h: NvmlHandle): number;
  /** Allowed power limit range, mW. */
  powerManagementLimitConstraints(h: NvmlHandle): { min: number; max: number };
  /** Default power limit, mW. */
  powerManagementDefaultLimit(h: NvmlHandle): number;
  /** Sets the power limit, mW (root only). */
  setPowerManagementLimit(h: NvmlHandle, milliwatts: number): void;
  computeRunningProcesses(h: NvmlHandle): NvmlProcess[];
  /** Samples newer than `lastSeen` (µs); an empty list when there are none. */
  processUtilization(h: NvmlHandle, lastSeen: bigint): NvmlUtilSample[];
  /** Current MIG mode (1 = enabled). */
  migMode(h: NvmlHandle): number;
  maxMigDeviceCount(h: NvmlHandle): number;
  /** The MIG device at `index`, undefined when that slot holds none. */
  migDeviceHandleByIndex(h: NvmlHandle, index: number): NvmlHandle | undefined;
  gpuInstanceId(h: NvmlHandle): number;
}
