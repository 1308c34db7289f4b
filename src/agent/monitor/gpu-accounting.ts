/**
 * @module agent/monitor/gpu-accounting
 * GPU accounting, one stage of a refresh: each GPU's energy of the interval (from its energy counter
 * where the meter has one, else watts × interval) added to cumulative totals split into active and
 * idle by the active/total power ratio; dropped GPU intervals counted; and the active (and, by the
 * idle policy, idle) watts of each process using a GPU, for the workload attributor.
 */
import type { GpuRead, GpuReading } from '../types.js';
import { GpuIdleTracker, gpuWattsByPid, gpuIdleWattsByPid, type GpuSplit } from '../attribution/gpu.js';
import type { GpuState } from './snapshot.js';
import type { IdlePolicy } from './frame.js';

/** GPU watts per pid in the interval: active, and idle as the idle policy attributes it. */
export interface PidGpuWatts {
  active: ReadonlyMap<number, number>;
  idle: ReadonlyMap<number, number>;
}

const NONE = new Map<number, number>();

/** No GPU, or no GPU reading this refresh. */
export const NO_GPU_WATTS: PidGpuWatts = { active: NONE, idle: NONE };

interface GpuTotals {
  total: number;
  active: number;
  idle: number;
}

/** One GPU's energy of an interval, J, split by its active/total power ratio. Pure. */
export function gpuIntervalJoules(device: GpuReading, split: GpuSplit, intervalSeconds: number): GpuTotals {
  const joules = device.deltaMicroJoules !== undefined ? device.deltaMicroJoules / 1e6 : split.watts * intervalSeconds;
  const activeRatio = split.watts > 0 ? split.activeWatts / split.watts : 0;
  return { total: joules, active: joules * activeRatio, idle: joules * (1 - activeRatio) };
}

/** Cumulative GPU energy of the node and the last reading's split. */
export class GpuAccounts {
  private idle: GpuIdleTracker;
  private idleWatts: number | undefined;
  private readonly totals = new Map<number, GpuTotals>();
  private lastSplits: GpuSplit[] = [];

  /** `idleWatts` > 0 fixes every GPU's idle power (`gpu.idleWatts`); 0 = lowest seen with no process. */
  constructor(idleWatts?: number) {
    this.idleWatts = idleWatts;
    this.idle = new GpuIdleTracker(idleWatts ?? 0);
  }

  /** Changes the fixed idle power (a new value restarts the idle tracking). */
  setIdleWatts(idleWatts: number): void {
    if (idleWatts === this.idleWatts) return;
    this.idleWatts = idleWatts;
    this.idle = new GpuIdleTracker(idleWatts);
  }

  /**
   * Adds one reading's interval to the node GPU totals, counts its gaps in `dropped` per
   * `gpu\0reason`, and returns the watts per pid (idle watts only when the policy attributes idle).
   */
  add(gpu: GpuRead, intervalSeconds: number, idlePolicy: IdlePolicy, dropped: Map<string, number>): PidGpuWatts {
    const splits = this.idle.split(gpu.devices, gpu.processes);
    gpu.devices.forEach((d, i) => {
      const j = gpuIntervalJoules(d, splits[i], intervalSeconds);
      const t = this.totals.get(splits[i].index) ?? { total: 0, active: 0, idle: 0 };
      t.total += j.total;
      t.active += j.active;
      t.idle += j.idle;
      this.totals.set(splits[i].index, t);
    });
    for (const g of gpu.gaps ?? []) {
      const key = `${g.gpu}\0${g.reason}`;
      dropped.set(key, (dropped.get(key) ?? 0) + 1);
    }
    this.lastSplits = splits;
    return {
      active: gpuWattsByPid(splits, gpu.processes),
      idle: idlePolicy === 'none' ? NONE : gpuIdleWattsByPid(splits, gpu.processes),
    };
  }

  /** The state of each device of the last reading, with its cumulative energy. */
  states(devices: readonly GpuReading[]): GpuState[] {
    return devices.map((d) => {
      const s = this.lastSplits.find((x) => x.index === d.index);
      const t = this.totals.get(d.index) ?? { total: 0, active: 0, idle: 0 };
      return {
        index: d.index,
        uuid: d.uuid,
        name: d.name,
        watts: d.watts,
        activeWatts: s?.activeWatts ?? 0,
        idleWatts: s?.idleWatts ?? d.watts,
        joulesTotal: t.total,
        activeJoulesTotal: t.active,
        idleJoulesTotal: t.idle,
        utilization: d.utilization,
        ...(d.powerLimitWatts !== undefined ? { powerLimitWatts: d.powerLimitWatts } : {}),
        ...(d.instances ? { instances: d.instances } : {}),
      };
    });
  }
}
