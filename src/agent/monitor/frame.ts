/**
 * @module agent/monitor/frame
 * One refresh frame: what a refresh measured (CPU time of the interval, node zone energy, GPU watts per
 * process), handed from stage to stage: zone accounting, GPU accounting, workload grouping, and the
 * attributor of each workload level. {@link cpuInterval} derives the frame's timing from two scans.
 */
import { busyRatio, type CpuTimes } from '../procfs/parse.js';
import type { ProcessEntry } from '../procfs/scanner.js';
import type { TerminatedPolicy } from '../workloads/ledger.js';
import type { ZoneEnergy } from './zones.js';
import type { PidGpuWatts } from './gpu-accounting.js';

/** Idle attribution policies. */
export type IdlePolicy = 'none' | 'cpu-share' | 'requests';

/** What the previous refresh leaves for the next one's interval. */
export interface CpuBaseline {
  cpu: CpuTimes;
  /** Clock of the refresh, ms. */
  time: number;
  /** Its CPU time per second of wall time, ms. */
  cpuMsPerSecond: number;
}

/** The CPU side of one interval. */
export interface CpuInterval {
  /** `/proc/stat` busy ratio (0 for the first refresh). */
  busy: number;
  intervalMs: number;
  intervalSeconds: number;
  /** Σ CPU-tick deltas of all live processes: the share denominator at every level. */
  totalTicks: number;
  /** Kepler's `bpf_cpu_time_ms`: CPU time per second of wall time, ms. */
  cpuMsPerSecond: number;
  /** Features of the interval for the meter (model meters) and calibration. */
  features: Record<string, number>;
}

/** The CPU interval between the previous refresh (none for the first) and this scan at `now`. Pure. */
export function cpuInterval(
  prev: CpuBaseline | undefined,
  cpu: CpuTimes,
  processes: readonly ProcessEntry[],
  now: number,
  clockTicks: number,
): CpuInterval {
  const busy = prev ? busyRatio(prev.cpu, cpu) : 0;
  const intervalMs = prev === undefined ? 0 : Math.max(0, now - prev.time);
  const intervalSeconds = intervalMs / 1000;
  let totalTicks = 0;
  for (let i = 0; i < processes.length; i++) totalTicks += processes[i].deltaTicks;
  // Kepler's bpf_cpu_time_ms is CPU time per second of wall time, in ms; models see the previous interval's too.
  const cpuMsPerSecond = intervalSeconds > 0 ? ((totalTicks / clockTicks) * 1000) / intervalSeconds : 0;
  const features = {
    cpu_busy_ratio: busy,
    bpf_cpu_time_ms: cpuMsPerSecond,
    cpu_time_ms: cpuMsPerSecond,
    bpf_cpu_time_ms_prev: prev?.cpuMsPerSecond ?? 0,
  };
  return { busy, intervalMs, intervalSeconds, totalTicks, cpuMsPerSecond, features };
}

/** What every level's attribution reads: one refresh's measurements and the policies in force. */
export interface RefreshFrame {
  seq: number;
  /** The last refresh a scrape exported: terminated workloads up to it are released. */
  exportedSeq: number;
  intervalSeconds: number;
  /** Seconds per CPU tick (1 / USER_HZ). */
  secondsPerTick: number;
  /** Σ CPU-tick deltas of all live processes. */
  totalTicks: number;
  /** The interval's active and idle µJ per zone. */
  energy: ZoneEnergy;
  /** GPU watts per pid. */
  gpu: PidGpuWatts;
  idlePolicy: IdlePolicy;
  terminated: TerminatedPolicy;
}
