/**
 * @module core/node-power-limit
 * The `NodePowerLimit` action: the seam through which power capping sets and restores a node's
 * device power limits (today NVIDIA GPU board limits through NVML). Implementations: the agent's
 * NVML one (`agent/gpu/nvml-power-limit.ts`, in the agent process) and an HTTP client of the agent's
 * authenticated power-limit route (`agent/api/power-limit-client.ts`, for the capping actuator).
 */

/** The action's name, as the capping actuator lists it. */
export const NODE_POWER_LIMIT_ACTION = 'NodePowerLimit';

/** One device whose power limit can be set. Watts throughout. */
export interface PowerLimitDevice {
  /** Device index on the node (`gpu` label of the GPU metrics). */
  gpu: number;
  uuid: string;
  name: string;
  /** The limit in force now. */
  limitWatts: number;
  /** The range the board accepts. */
  minWatts: number;
  maxWatts: number;
  /** The limit found when the agent started; restored on exit and by `restore`. */
  originalWatts: number;
}

/** Sets and restores device power limits on one node. */
export interface NodePowerLimit {
  /** The devices and their limits. */
  devices(): Promise<PowerLimitDevice[]>;
  /** Sets one device's limit (`gpu`: index or UUID); rejects a value outside the device's range. */
  set(gpu: string, watts: number): Promise<PowerLimitDevice>;
  /** Puts one device's (or, without `gpu`, every changed device's) original limit back. */
  restore(gpu?: string): Promise<PowerLimitDevice[]>;
}
