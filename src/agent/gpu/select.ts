/**
 * @module agent/gpu/select
 * GPU meter selection. GPUs are metered when `gpu.enable` is on (the default) or `gpu` is listed in
 * `--meter`. `gpu.source=auto` loads NVML (`gpu.nvmlLibrary`, default `libnvidia-ml.so.1`) and falls
 * back to `nvidia-smi` (`gpu.nvidiaSmiPath`) when the library or the driver is missing; `nvml` and
 * `nvidia-smi` pin one source. No library, no driver or no GPU is normal: the selection then says why,
 * and records each source tried.
 */
import type { Logger } from '../../core/logger.js';
import type { PowerplaneConfig } from '../../core/config-keys.js';
import type { GpuSelection, SourceCapability } from '../types.js';
import type { NvmlApi } from './nvml-api.js';
import { GPU_QUERY_ARGS, parseGpuQuery } from './nvidia-smi-parse.js';
import { NvidiaSmiMeter, runNvidiaSmi } from './nvidia-smi.js';
import { NvmlMeter, listNvmlDevices } from './nvml.js';
import { loadNvml } from './nvml-koffi.js';
import { errorMessage } from '../../core/errors.js';

/** True when the configuration asks for GPU metering. */
export function gpuMeteringOn(config: PowerplaneConfig): boolean {
  return config.gpu.enable || config.meter.includes('gpu');
}

type Probe = { selection: GpuSelection } | { unusable: string };

/** Loads and initialises NVML and lists the GPUs. */
async function probeNvml(config: PowerplaneConfig, log: Logger, load: (lib: string) => Promise<NvmlApi>): Promise<Probe> {
  const lib = config.gpu.nvmlLibrary;
  let nvml: NvmlApi;
  try {
    nvml = await load(lib);
  } catch (err) {
    return {
      unusable: `NVML library ${lib} does not load (${errorMessage(err).split('\n')[0]}); set gpu.nvmlLibrary or mount the driver's library directory`,
    };
  }
  try {
    nvml.init();
  } catch (err) {
    return { unusable: `NVML (${lib}) does not initialise: ${errorMessage(err)}` };
  }
  try {
    const devices = listNvmlDevices(nvml);
    if (devices.length === 0) {
      nvml.shutdown();
      log.info({ nvml: lib }, 'no GPU meter: NVML lists no GPU');
      return { selection: { reason: 'NVML lists no GPU', count: 0, tried: [{ source: 'nvml', available: false, reason: 'NVML lists no GPU' }] } };
    }
    log.info({ nvml: lib, gpus: devices.map((d) => `${d.index} ${d.name} ${d.uuid}`) }, `GPU meter: nvml, ${devices.length} GPU(s)`);
    return { selection: { meter: new NvmlMeter(nvml, devices, log), count: devices.length, tried: [{ source: 'nvml', available: true }] } };
  } catch (err) {
    nvml.shutdown();
    return { unusable: `NVML (${lib}) failed listing GPUs: ${errorMessage(err)}` };
  }
}

/** Probes nvidia-smi once. */
async function probeNvidiaSmi(config: PowerplaneConfig, log: Logger): Promise<Probe> {
  const path = config.gpu.nvidiaSmiPath;
  let rows;
  try {
    rows = parseGpuQuery(await runNvidiaSmi(path, GPU_QUERY_ARGS));
  } catch (err) {
    return {
      unusable:
        (err as NodeJS.ErrnoException).code === 'ENOENT'
          ? `nvidia-smi not found at ${path} (no NVIDIA driver, or set gpu.nvidiaSmiPath)`
          : `nvidia-smi failed: ${errorMessage(err)}`,
    };
  }
  if (rows.length === 0) {
    log.info({ nvidiaSmi: path }, 'no GPU meter: nvidia-smi lists no GPU');
    return {
      selection: {
        reason: 'nvidia-smi lists no GPU',
        count: 0,
        tried: [{ source: 'nvidia-smi', available: false, reason: 'nvidia-smi lists no GPU' }],
      },
    };
  }
  const noPower = rows.filter((r) => r.watts === undefined);
  if (noPower.length > 0) log.warn({ gpus: noPower.map((r) => `${r.index} ${r.name}`) }, 'these GPUs do not report power.draw and are not metered');
  log.info({ gpus: rows.map((r) => `${r.index} ${r.name} ${r.uuid}`) }, `GPU meter: nvidia-smi, ${rows.length} GPU(s)`);
  return { selection: { meter: new NvidiaSmiMeter(path, log), count: rows.length, tried: [{ source: 'nvidia-smi', available: true }] } };
}

/**
 * Picks the GPU meter: the first usable source of `gpu.source`; or no meter with the reason (logged)
 * and what was tried. `load` replaces the NVML loader (tests).
 */
export async function selectGpuMeter(
  config: PowerplaneConfig,
  log: Logger,
  load: (lib: string) => Promise<NvmlApi> = loadNvml,
): Promise<GpuSelection> {
  if (!gpuMeteringOn(config)) return { reason: 'gpu.enable is off', count: 0, tried: [] };
  const order = config.gpu.source === 'auto' ? (['nvml', 'nvidia-smi'] as const) : ([config.gpu.source] as const);
  const tried: SourceCapability[] = [];
  for (const source of order) {
    const probe = source === 'nvml' ? await probeNvml(config, log, load) : await probeNvidiaSmi(config, log);
    if ('selection' in probe) return { ...probe.selection, tried: [...tried, ...(probe.selection.tried ?? [])] };
    tried.push({ source, available: false, reason: probe.unusable });
  }
  const reason = tried.map((t) => t.reason).join('; ');
  log.info({ reason }, 'no GPU meter');
  return { reason, count: 0, tried };
}
