/**
 * @module agent/gpu/nvml-codes
 * NVML return codes the agent tells apart, and the error an NVML call raises (its code, the call,
 * and NVML's own message). The meter turns these into gaps, fallbacks or `PP_AGENT_GPU_*` errors.
 */

/** `nvmlReturn_t` values (nvml.h). */
export const NVML = {
  SUCCESS: 0,
  ERROR_UNINITIALIZED: 1,
  ERROR_INVALID_ARGUMENT: 2,
  ERROR_NOT_SUPPORTED: 3,
  ERROR_NO_PERMISSION: 4,
  ERROR_NOT_FOUND: 6,
  ERROR_INSUFFICIENT_SIZE: 7,
  ERROR_DRIVER_NOT_LOADED: 9,
  ERROR_GPU_IS_LOST: 15,
  ERROR_NO_DATA: 21,
} as const;

/** `nvmlDeviceGetMigMode`'s enabled value. */
export const NVML_DEVICE_MIG_ENABLE = 1;

/** A failed NVML call. */
export class NvmlCallError extends Error {
  constructor(
    readonly call: string,
    readonly code: number,
    detail: string,
  ) {
    super(`${call}: ${detail} (NVML code ${code})`);
    this.name = 'NvmlCallError';
  }
}

/** True when `err` is an NVML call that failed with one of `codes`. */
export function isNvmlCode(err: unknown, ...codes: number[]): err is NvmlCallError {
  return err instanceof NvmlCallError && codes.includes(err.code);
}
