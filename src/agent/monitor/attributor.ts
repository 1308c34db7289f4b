/**
 * @module agent/monitor/attributor
 * The one attributor of every workload level (process, container, pod, VM): the interval's active
 * energy per zone goes to the level's workloads by CPU-tick share (the denominator is every process's
 * ticks, so CPU time outside the level stays unattributed at that level), idle energy by the idle
 * policy, and each workload's share, and the level's unattributed rest, into the level's ledger. A level is read through {@link LevelRows},
 * so the process level reads the scan's entries in place (no per-process objects per refresh).
 */
import { attributeLevelInto } from '../attribution/attribute.js';
import type { WorkloadMeta, LevelLedger } from '../workloads/ledger.js';
import type { ProcessEntry } from '../procfs/scanner.js';
import type { RefreshFrame } from './frame.js';
import type { PidGpuWatts } from './gpu-accounting.js';
import { processMeta, type WorkloadGroup } from './grouping.js';

/** One level's workloads of an interval, read by index. */
export interface LevelRows {
  readonly length: number;
  key(i: number): string;
  meta(i: number): WorkloadMeta;
  /** CPU ticks of the interval: the workload's share weight. */
  deltaTicks(i: number): number;
  /** Cumulative CPU ticks, or -1 when the ledger sums the deltas. */
  cpuTicks(i: number): number;
  gpuWatts(i: number): number;
  gpuIdleWatts(i: number): number;
  /** CPU request (millicores), the `requests` idle policy's weight; absent where the level has none (processes, VMs). */
  readonly requestMilli?: (i: number) => number;
}

/** The process level: the scan's entries, with their GPU watts by pid. */
export function processRows(processes: readonly ProcessEntry[], gpu: PidGpuWatts): LevelRows {
  const withGpu = gpu.active.size > 0;
  const withGpuIdle = gpu.idle.size > 0;
  return {
    length: processes.length,
    key: (i) => processes[i].key,
    meta: (i) => (processes[i].meta ??= processMeta(processes[i])),
    deltaTicks: (i) => processes[i].deltaTicks,
    cpuTicks: (i) => processes[i].cpuTicks,
    gpuWatts: (i) => (withGpu ? (gpu.active.get(processes[i].pid) ?? 0) : 0),
    gpuIdleWatts: (i) => (withGpuIdle ? (gpu.idle.get(processes[i].pid) ?? 0) : 0),
  };
}

/** A container, pod or VM level: its groups (`withRequests`: containers and pods, which have CPU requests). */
export function groupRows(groups: readonly WorkloadGroup[], withRequests: boolean): LevelRows {
  return {
    length: groups.length,
    key: (i) => groups[i].key,
    meta: (i) => groups[i].meta,
    deltaTicks: (i) => groups[i].ticks,
    cpuTicks: () => -1,
    gpuWatts: (i) => groups[i].gpuWatts,
    gpuIdleWatts: (i) => groups[i].gpuIdleWatts,
    ...(withRequests ? { requestMilli: (i: number) => groups[i].requestMilli ?? 0 } : {}),
  };
}

/** Attributes a frame's energy to the workloads of any level, with buffers reused across refreshes. */
export class LevelAttributor {
  private readonly zones: number;
  /** Weights per workload (+ the residual), and active and idle µJ per workload and zone, flat (`[w * zones + z]`). */
  private weights = new Float64Array(256);
  private activeShares = new Float64Array(256);
  private idleShares = new Float64Array(256);
  /** The interval's active and idle µJ per zone that no workload of the level gets. */
  private readonly residualActive: number[] = [];
  private readonly residualIdle: number[] = [];

  constructor(zones: number) {
    this.zones = zones;
  }

  /**
   * Credits each workload of `rows` with its share of the frame's active energy (and idle energy by
   * the policy: `cpu-share` by the same CPU shares; `requests` by CPU requests where the level has
   * them) in `ledger`, with what no workload gets as the level's unattributed energy; the ledger then
   * ends the interval (workloads not seen terminate).
   */
  attribute(rows: LevelRows, frame: RefreshFrame, ledger: LevelLedger): void {
    const n = rows.length;
    const zones = this.zones;
    this.reserve(n);
    const { weights, activeShares, idleShares, residualActive, residualIdle } = this;
    const { active, idle } = frame.energy;
    for (let i = 0; i < n; i++) weights[i] = rows.deltaTicks(i);
    attributeLevelInto(active, weights, n, frame.totalTicks, activeShares, residualActive);
    let withIdle = false;
    if (frame.idlePolicy === 'cpu-share') {
      attributeLevelInto(idle, weights, n, frame.totalTicks, idleShares, residualIdle);
      withIdle = true;
    } else if (frame.idlePolicy === 'requests' && rows.requestMilli) {
      let total = 0;
      for (let i = 0; i < n; i++) total += weights[i] = rows.requestMilli(i);
      attributeLevelInto(idle, weights, n, total, idleShares, residualIdle);
      withIdle = true;
    } else {
      for (let z = 0; z < zones; z++) residualIdle[z] = idle[z];
    }
    ledger.begin(frame.seq, frame.exportedSeq, frame.secondsPerTick, frame.intervalSeconds);
    const idleOut = withIdle ? idleShares : undefined;
    for (let i = 0; i < n; i++) {
      ledger.add(rows.key(i), rows.meta(i), rows.cpuTicks(i), rows.deltaTicks(i), activeShares, idleOut, i * zones, rows.gpuWatts(i), rows.gpuIdleWatts(i));
    }
    ledger.addUnattributed(residualActive, residualIdle);
    ledger.end(frame.terminated);
  }

  /** Room for `n` workloads (+ the residual) in the reused buffers. */
  private reserve(n: number): void {
    const zones = this.zones;
    if (this.weights.length < n + 1) this.weights = new Float64Array(Math.max(n + 1, this.weights.length * 2));
    const size = (n + 1) * zones;
    if (this.activeShares.length < size) {
      const grown = Math.max(size, this.activeShares.length * 2);
      this.activeShares = new Float64Array(grown);
      this.idleShares = new Float64Array(grown);
    }
  }
}
