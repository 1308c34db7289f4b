/**
 * @module agent/monitor/attributor
 * The one attributor of every workload level (process, container, pod, VM): the interval's active
 * energy per zone goes to the level's workloads by CPU-tick share (the denominator is every process's
 * ticks, so CPU time outside the level stays unattributed at that level), idle energy by the idle
 * policy, and each workload's share, and the level's unattributed rest, into the level's ledger. A level is read through {@link LevelRows},
 * so the process level reads the scan's entries in place (no per-process objects per refresh).
 */
import { attributeLevelInto } from '../attribution/attribute.js';
import type { LevelLedger } from '../workloads/ledger.js';
import type { ProcessEntry } from '../procfs/scanner.js';
import type { RefreshFrame } from './frame.js';
import type { PidGpuWatts } from './gpu-accounting.js';
import { processMeta, type WorkloadGroup } from './grouping.js';

/**
 * One level's workloads of an interval. Each side loops over its own array (the process level over
 * the scan's entries in place), so the per-workload work is direct field reads.
 */
export interface LevelRows {
  readonly length: number;
  /** Writes each workload's CPU ticks of the interval (its share weight) to `weights[i]`. */
  ticksInto(weights: Float64Array): void;
  /** Writes each workload's CPU request (millicores), the `requests` idle policy's weight; absent where the level has none (processes, VMs). */
  readonly requestsInto?: (weights: Float64Array) => void;
  /** Adds each workload's shares to `ledger`: active µJ of zone z at `active[i * zones + z]`, idle likewise when given. */
  credit(ledger: LevelLedger, active: Float64Array, idle: Float64Array | undefined, zones: number): void;
}

/** The process level: the scan's entries, with their GPU watts by pid. */
export function processRows(processes: readonly ProcessEntry[], gpu: PidGpuWatts): LevelRows {
  const withGpu = gpu.active.size > 0;
  const withGpuIdle = gpu.idle.size > 0;
  return {
    length: processes.length,
    ticksInto(weights) {
      for (let i = 0; i < processes.length; i++) weights[i] = processes[i].deltaTicks;
    },
    credit(ledger, active, idle, zones) {
      for (let i = 0; i < processes.length; i++) {
        const p = processes[i];
        const meta = (p.meta ??= processMeta(p));
        ledger.add(
          p.key,
          meta,
          p.cpuTicks,
          p.deltaTicks,
          active,
          idle,
          i * zones,
          withGpu ? (gpu.active.get(p.pid) ?? 0) : 0,
          withGpuIdle ? (gpu.idle.get(p.pid) ?? 0) : 0,
        );
      }
    },
  };
}

/** A container, pod or VM level: its groups (`withRequests`: containers and pods, which have CPU requests). */
export function groupRows(groups: readonly WorkloadGroup[], withRequests: boolean): LevelRows {
  return {
    length: groups.length,
    ticksInto(weights) {
      for (let i = 0; i < groups.length; i++) weights[i] = groups[i].ticks;
    },
    ...(withRequests
      ? {
          requestsInto(weights: Float64Array) {
            for (let i = 0; i < groups.length; i++) weights[i] = groups[i].requestMilli ?? 0;
          },
        }
      : {}),
    credit(ledger, active, idle, zones) {
      for (let i = 0; i < groups.length; i++) {
        const g = groups[i];
        ledger.add(g.key, g.meta, -1, g.ticks, active, idle, i * zones, g.gpuWatts, g.gpuIdleWatts);
      }
    },
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
    rows.ticksInto(weights);
    attributeLevelInto(active, weights, n, frame.totalTicks, activeShares, residualActive);
    let withIdle = false;
    if (frame.idlePolicy === 'cpu-share') {
      attributeLevelInto(idle, weights, n, frame.totalTicks, idleShares, residualIdle);
      withIdle = true;
    } else if (frame.idlePolicy === 'requests' && rows.requestsInto) {
      rows.requestsInto(weights);
      let total = 0;
      for (let i = 0; i < n; i++) total += weights[i];
      attributeLevelInto(idle, weights, n, total, idleShares, residualIdle);
      withIdle = true;
    } else {
      for (let z = 0; z < zones; z++) residualIdle[z] = idle[z];
    }
    ledger.begin(frame.seq, frame.exportedSeq, frame.secondsPerTick, frame.intervalSeconds);
    rows.credit(ledger, activeShares, withIdle ? idleShares : undefined, zones);
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
