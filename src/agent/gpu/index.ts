/**
 * @module agent/gpu
 * GPU meters: NVIDIA through NVML (koffi FFI) or nvidia-smi, and the GPU power-limit action.
 */
export { selectGpuMeter, gpuMeteringOn } from './select.js';
export { NvidiaSmiMeter, mergeProcesses } from './nvidia-smi.js';
export { NvmlMeter, listNvmlDevices } from './nvml.js';
export { parseGpuQuery, parseComputeApps, parsePmon } from './nvidia-smi-parse.js';
export { ERR_GPU_READ } from './errors.js';
