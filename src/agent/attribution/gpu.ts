/**
 * @module agent/attribution/gpu
 * GPU power per process. A GPU's active power (its power minus its idle power) is divided among the
 * processes using it: by SM utilisation share when known, evenly otherwise (Kepler's exclusive and
 * time-slicing modes). Idle power is the lowest power seen while no process ran on that GPU.
 */
import type { GpuReading, GpuProcessUsage } from '../types.js';

/** Active and idle watts of one GPU. */
export interface GpuSplit {
  index: number;
  watts: number;
  activeWatts: number;
  idleWatts: number;
}

/** Tracks each GPU's idle power (minimum seen with no processes) across readings. */
export class GpuIdleTracker {
  private readonly idle = new Map<number, number>();

  /** Updates the idle estimates from one reading and splits each device's power. */
  split(devices: readonly GpuReading[], processes: readonly GpuProcessUsage[]): GpuSplit[] {
    const busy = new Set(processes.map((p) => p.gpuIndex));
    return devices.map((d) => {
      if (!busy.has(d.index)) {
        const prev = this.idle.get(d.index);
        if (prev === undefined || d.watts < prev) this.idle.set(d.index, d.watts);
      }
      const idleWatts = Math.min(d.watts, this.idle.get(d.index) ?? 0);
      return { index: d.index, watts: d.watts, activeWatts: d.watts - idleWatts, idleWatts };
    });
  }
}

/** Active GPU watts per pid (summed over GPUs). Pure. */
export function gpuWattsByPid(splits: readonly GpuSplit[], processes: readonly GpuProcessUsage[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const g of splits) {
    const users = processes.filter((p) => p.gpuIndex === g.index);
    if (users.length === 0 || g.activeWatts <= 0) continue;
    const known = users.every((u) => u.smUtilization !== undefined);
    const sum = known ? users.reduce((a, u) => a + (u.smUtilization ?? 0), 0) : 0;
    for (const u of users) {
      const share = known && sum > 0 ? (u.smUtilization ?? 0) / sum : 1 / users.length;
      out.set(u.pid, (out.get(u.pid) ?? 0) + g.activeWatts * share);
    }
  }
  return out;
}
