/**
 * @module agent/gpu/select
 * GPU meter selection: NVIDIA through nvidia-smi (`gpu.nvidiaSmiPath`) when `gpu.enable` is on.
 * No nvidia-smi, no driver or no GPU is normal: the selection then says why.
 */
import type { Logger } from '../../core/logger.js';
import type { PowerplaneConfig } from '../../core/config-keys.js';
import type { GpuSelection } from '../types.js';
import { GPU_QUERY_ARGS, parseGpuQuery } from './nvidia-smi-parse.js';
import { NvidiaSmiMeter, runNvidiaSmi } from './nvidia-smi.js';

/**
 * Probes nvidia-smi once; returns the meter and the GPU count, or the reason there is none. Logs the
 * GPUs found (and those that do not report power).
 */
export async function selectGpuMeter(config: PowerplaneConfig, log: Logger): Promise<GpuSelection> {
  if (!config.gpu.enable) return { reason: 'gpu.enable is off', count: 0 };
  const path = config.gpu.nvidiaSmiPath;
  let rows;
  try {
    rows = parseGpuQuery(await runNvidiaSmi(path, GPU_QUERY_ARGS));
  } catch (err) {
    const reason =
      (err as NodeJS.ErrnoException).code === 'ENOENT'
        ? `nvidia-smi not found at ${path} (no NVIDIA driver, or set gpu.nvidiaSmiPath)`
        : `nvidia-smi failed: ${(err as Error).message}`;
    log.info({ reason }, 'no GPU meter');
    return { reason, count: 0 };
  }
  if (rows.length === 0) {
    log.info({ nvidiaSmi: path }, 'no GPU meter: nvidia-smi lists no GPU');
    return { reason: 'nvidia-smi lists no GPU', count: 0 };
  }
  const noPower = rows.filter((r) => r.watts === undefined);
  if (noPower.length > 0) log.warn({ gpus: noPower.map((r) => `${r.index} ${r.name}`) }, 'these GPUs do not report power.draw and are not metered');
  log.info({ gpus: rows.map((r) => `${r.index} ${r.name} ${r.uuid}`) }, `GPU meter: nvidia-smi, ${rows.length} GPU(s)`);
  return { meter: new NvidiaSmiMeter(path, log), count: rows.length };
}
