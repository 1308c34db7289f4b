/**
 * @module agent/gpu/nvidia-smi
 * NVIDIA GPUs through `nvidia-smi`: board power and utilisation per GPU, compute processes with
 * their memory, and per-process SM share from `pmon` when the GPU supports it (the agent splits a
 * GPU's power among its processes by SM share, evenly when unknown). GPUs whose board does not
 * report power are left out of the readings.
 */
import { execFile } from 'node:child_process';
import type { Logger } from '../../core/logger.js';
import type { GpuMeter, GpuProcessUsage, GpuReading } from '../types.js';
import {
  APPS_QUERY_ARGS,
  GPU_QUERY_ARGS,
  PMON_ARGS,
  parseComputeApps,
  parseGpuQuery,
  parsePmon,
  type ComputeAppRow,
  type GpuRow,
  type PmonRow,
} from './nvidia-smi-parse.js';
import { ERR_GPU_READ } from './errors.js';
import { errorMessage } from '../../core/errors.js';

/** Runs nvidia-smi with arguments and resolves its stdout. */
export function runNvidiaSmi(path: string, args: string[], timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(path, args, { timeout: timeoutMs, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const detail = code === 'ENOENT' ? 'not found' : (String(stdout).trim() || String(stderr).trim() || err.message).split('\n')[0];
        reject(Object.assign(new Error(`${path} ${args[0]}: ${detail}`), { code }));
      } else resolve(stdout);
    });
  });
}

/** Joins compute processes (memory) and pmon rows (SM share) per (GPU, pid). Pure. */
export function mergeProcesses(gpus: GpuRow[], apps: ComputeAppRow[], pmon: PmonRow[]): GpuProcessUsage[] {
  const indexOf = new Map(gpus.map((g) => [g.uuid, g.index]));
  const known = new Set(gpus.map((g) => g.index));
  const byKey = new Map<string, GpuProcessUsage>();
  for (const a of apps) {
    const gpuIndex = indexOf.get(a.gpuUuid);
    if (gpuIndex === undefined) continue;
    byKey.set(`${gpuIndex}:${a.pid}`, { pid: a.pid, gpuIndex, ...(a.usedMemoryMiB !== undefined ? { usedMemoryMiB: a.usedMemoryMiB } : {}) });
  }
  for (const p of pmon) {
    if (!known.has(p.gpuIndex)) continue;
    const key = `${p.gpuIndex}:${p.pid}`;
    const entry = byKey.get(key) ?? { pid: p.pid, gpuIndex: p.gpuIndex };
    if (p.sm !== undefined) entry.smUtilization = p.sm;
    byKey.set(key, entry);
  }
  return [...byKey.values()].sort((a, b) => a.gpuIndex - b.gpuIndex || a.pid - b.pid);
}

/** The readings of GPUs that report power. */
export function toReadings(rows: GpuRow[]): GpuReading[] {
  return rows
    .filter((r) => r.watts !== undefined)
    .map((r) => ({
      index: r.index,
      uuid: r.uuid,
      name: r.name,
      watts: r.watts!,
      ...(r.utilization !== undefined ? { utilization: r.utilization } : {}),
    }));
}

/** The nvidia-smi GPU meter. */
export class NvidiaSmiMeter implements GpuMeter {
  readonly source = 'nvidia-smi';
  private pmonUsable = true;

  constructor(
    private readonly path: string,
    private readonly log: Logger,
  ) {}

  async read(): Promise<{ devices: GpuReading[]; processes: GpuProcessUsage[] }> {
    const pmonPromise = this.pmonUsable ? runNvidiaSmi(this.path, PMON_ARGS).catch((err: Error) => err) : Promise.resolve('');
    let gpus: GpuRow[];
    let apps: ComputeAppRow[];
    try {
      const [gpuText, appText] = await Promise.all([runNvidiaSmi(this.path, GPU_QUERY_ARGS), runNvidiaSmi(this.path, APPS_QUERY_ARGS)]);
      gpus = parseGpuQuery(gpuText);
      apps = parseComputeApps(appText);
    } catch (err) {
      await pmonPromise;
      throw ERR_GPU_READ(`nvidia-smi: ${errorMessage(err)}`);
    }
    const pmonOut = await pmonPromise;
    let pmon: PmonRow[] = [];
    if (pmonOut instanceof Error) {
      this.pmonUsable = false;
      this.log.info({ reason: pmonOut.message }, "nvidia-smi pmon is not usable here; GPU power is split evenly among each GPU's processes");
    } else pmon = parsePmon(pmonOut);
    return { devices: toReadings(gpus), processes: mergeProcesses(gpus, apps, pmon) };
  }
}
