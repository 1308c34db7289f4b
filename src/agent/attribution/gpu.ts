/**
 * @module agent/attribution/gpu
 * GPU power per process. A GPU's active power (its power minus its idle power) is divided among the
 * processes using it: by SM utilisation share when known, evenly otherwise (Kepler's exclusive and
 * time-slicing modes). On a MIG GPU whose instances all report power, the active power is first split
 * among the instances by their power, then within each instance the same way. Idle power is
 * `gpu.idleWatts` when set, else the lowest power seen while no process ran on that GPU; by the
 * node's idle policy it stays unattributed (`none`) or goes to the GPU's processes by the same shares.
 */
import type { GpuReading, GpuProcessUsage, GpuInstanceReading } from '../types.js';

/** Active and idle watts of one GPU. */
export interface GpuSplit {
  index: number;
  watts: number;
  activeWatts: number;
  idleWatts: number;
  instances?: GpuInstanceReading[];
}

/** Tracks each GPU's idle power (minimum seen with no processes, or the configured value) across readings. */
export class GpuIdleTracker {
  private readonly idle = new Map<number, number>();

  /** `configuredIdleWatts` > 0 fixes every GPU's idle power (`gpu.idleWatts`). */
  constructor(private readonly configuredIdleWatts = 0) {}

  /** Updates the idle estimates from one reading and splits each device's power. */
  split(devices: readonly GpuReading[], processes: readonly GpuProcessUsage[]): GpuSplit[] {
    const busy = new Set(processes.map((p) => p.gpuIndex));
    return devices.map((d) => {
      if (!busy.has(d.index)) {
        const prev = this.idle.get(d.index);
        if (prev === undefined || d.watts < prev) this.idle.set(d.index, d.watts);
      }
      const idleWatts = Math.min(d.watts, this.configuredIdleWatts > 0 ? this.configuredIdleWatts : (this.idle.get(d.index) ?? 0));
      return { index: d.index, watts: d.watts, activeWatts: d.watts - idleWatts, idleWatts, ...(d.instances ? { instances: d.instances } : {}) };
    });
  }
}

/** Shares of `users` in [0,1] summing to 1: by SM utilisation when every user has one and their sum is > 0, else even. */
function shares(users: readonly GpuProcessUsage[]): number[] {
  const known = users.every((u) => u.smUtilization !== undefined);
  const sum = known ? users.reduce((a, u) => a + (u.smUtilization ?? 0), 0) : 0;
  return users.map((u) => (known && sum > 0 ? (u.smUtilization ?? 0) / sum : 1 / users.length));
}

/** Adds `watts` of one GPU to its users: per MIG instance by instance power when all report it, else by {@link shares}. */
function splitGpu(g: GpuSplit, watts: number, users: readonly GpuProcessUsage[], out: Map<number, number>): void {
  const add = (list: readonly GpuProcessUsage[], w: number) => {
    const sh = shares(list);
    list.forEach((u, i) => out.set(u.pid, (out.get(u.pid) ?? 0) + w * sh[i]));
  };
  const inst = g.instances;
  const used = inst?.filter((x) => users.some((u) => u.gpuInstance === x.id));
  if (inst && used && used.length > 0 && used.every((x) => x.watts !== undefined) && users.every((u) => u.gpuInstance !== undefined)) {
    const total = used.reduce((a, x) => a + (x.watts ?? 0), 0);
    if (total > 0) {
      for (const x of used)
        add(
          users.filter((u) => u.gpuInstance === x.id),
          (watts * (x.watts ?? 0)) / total,
        );
      return;
    }
  }
  add(users, watts);
}

/** Active GPU watts per pid (summed over GPUs). Pure. */
export function gpuWattsByPid(splits: readonly GpuSplit[], processes: readonly GpuProcessUsage[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const g of splits) {
    const users = processes.filter((p) => p.gpuIndex === g.index);
    if (users.length > 0 && g.activeWatts > 0) splitGpu(g, g.activeWatts, users, out);
  }
  return out;
}

/** Idle GPU watts per pid (for idle policies other than `none`): each GPU's idle power to its processes by the same shares. Pure. */
export function gpuIdleWattsByPid(splits: readonly GpuSplit[], processes: readonly GpuProcessUsage[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const g of splits) {
    const users = processes.filter((p) => p.gpuIndex === g.index);
    if (users.length > 0 && g.idleWatts > 0) splitGpu(g, g.idleWatts, users, out);
  }
  return out;
}
