/**
 * @module agent/gpu
 * GPU meters: NVIDIA through nvidia-smi.
 */
export { selectGpuMeter } from './select.js';
export { NvidiaSmiMeter, mergeProcesses } from './nvidia-smi.js';
export { parseGpuQuery, parseComputeApps, parsePmon } from './nvidia-smi-parse.js';
export { ERR_GPU_READ } from './errors.js';
