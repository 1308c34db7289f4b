/**
 * @module agent/workloads/ledger
 * Cumulative energy accounts of the workloads of one level. Each refresh adds the interval's
 * attributed microjoules to the running workloads; a workload that is gone is frozen with
 * `state="terminated"`, kept while it holds at least the minimum energy (in the primary zone) and
 * within the cap (lowest energy evicted first), and dropped once a scrape has exported it. Memory is
 * bounded by live workloads plus the cap.
 */
import type { WorkloadLevel } from '../../core/contracts.js';

/** Labels and names of a workload (what export and the JSON API show). */
export interface WorkloadMeta {
  id: string;
  name: string;
  namespace?: string;
  podName?: string;
  podId?: string;
  containerId?: string;
  containerName?: string;
  runtime?: string;
  hypervisor?: string;
  pid?: number;
  comm?: string;
  exe?: string;
  /** Kepler's process `type`: regular, container, vm. */
  type?: string;
  vmId?: string;
}

/** One workload's account. */
export interface WorkloadAccount {
  level: WorkloadLevel;
  key: string;
  meta: WorkloadMeta;
  state: 'running' | 'terminated';
  /** CPU seconds used (cumulative; for processes: since the process started). */
  cpuSeconds: number;
  /** Active energy per zone, µJ, cumulative. */
  energyUj: number[];
  /** Active energy per zone in the last interval, µJ. */
  deltaUj: number[];
  /** Idle energy per zone attributed by the idle policy, µJ, cumulative (empty with policy `none`). */
  idleUj: number[];
  /** GPU energy, µJ, cumulative; and GPU watts in the last interval. */
  gpuUj: number;
  gpuWatts: number;
  /** Refresh sequence at which it terminated. */
  terminatedAt?: number;
  /** Preformatted Prometheus label text, built once per account by the exporter. */
  labelCache?: string;
}

/** One workload's input for an interval. */
export interface LevelItem {
  key: string;
  meta: WorkloadMeta;
  /** Cumulative CPU seconds (set as is), or undefined to add `cpuDeltaSeconds`. */
  cpuSeconds?: number;
  cpuDeltaSeconds: number;
  energyUj: readonly number[];
  idleUj?: readonly number[];
  gpuWatts: number;
}

/** Terminated-workload policy. */
export interface TerminatedPolicy {
  /** Most terminated workloads kept (0: none). */
  maxTerminated: number;
  /** Terminated workloads with less energy than this (J, primary zone) are dropped at once. */
  minEnergyJoules: number;
  /** Index of the primary zone in the zone arrays. */
  primaryZone: number;
}

/** The accounts of one level. */
export class LevelLedger {
  readonly level: WorkloadLevel;
  private readonly zoneCount: number;
  private readonly running = new Map<string, WorkloadAccount>();
  private readonly terminated = new Map<string, WorkloadAccount>();

  constructor(level: WorkloadLevel, zoneCount: number) {
    this.level = level;
    this.zoneCount = zoneCount;
  }

  /**
   * Applies one interval: adds each item's energy to its account (creating it), terminates accounts that
   * are not in `items`, and drops terminated accounts that a scrape exported (`exportedSeq` ≥ their
   * termination sequence).
   */
  apply(items: readonly LevelItem[], seq: number, intervalSeconds: number, policy: TerminatedPolicy, exportedSeq: number): void {
    for (const [k, a] of this.terminated) if ((a.terminatedAt ?? 0) <= exportedSeq) this.terminated.delete(k);
    const seen = new Set<string>();
    for (const it of items) {
      seen.add(it.key);
      let a = this.running.get(it.key);
      if (!a) {
        a = {
          level: this.level,
          key: it.key,
          meta: it.meta,
          state: 'running',
          cpuSeconds: 0,
          energyUj: new Array<number>(this.zoneCount).fill(0),
          deltaUj: new Array<number>(this.zoneCount).fill(0),
          idleUj: [],
          gpuUj: 0,
          gpuWatts: 0,
        };
        this.running.set(it.key, a);
        this.terminated.delete(it.key);
      } else if (!sameMeta(a.meta, it.meta)) {
        a.meta = it.meta;
        a.labelCache = undefined;
      }
      a.cpuSeconds = it.cpuSeconds ?? a.cpuSeconds + it.cpuDeltaSeconds;
      for (let z = 0; z < this.zoneCount; z++) {
        const d = it.energyUj[z] ?? 0;
        a.deltaUj[z] = d;
        a.energyUj[z] += d;
      }
      if (it.idleUj) {
        if (a.idleUj.length === 0) a.idleUj = new Array<number>(this.zoneCount).fill(0);
        for (let z = 0; z < this.zoneCount; z++) a.idleUj[z] += it.idleUj[z] ?? 0;
      }
      a.gpuWatts = it.gpuWatts;
      a.gpuUj += Math.round(it.gpuWatts * intervalSeconds * 1e6);
    }
    for (const [k, a] of this.running) {
      if (seen.has(k)) continue;
      this.running.delete(k);
      a.state = 'terminated';
      a.terminatedAt = seq;
      a.deltaUj.fill(0);
      a.gpuWatts = 0;
      a.labelCache = undefined;
      if (policy.maxTerminated > 0 && (a.energyUj[policy.primaryZone] ?? 0) / 1e6 >= policy.minEnergyJoules) this.terminated.set(k, a);
    }
    if (this.terminated.size > policy.maxTerminated) {
      const byEnergy = [...this.terminated.values()].sort((x, y) => (x.energyUj[policy.primaryZone] ?? 0) - (y.energyUj[policy.primaryZone] ?? 0));
      for (let i = 0; i < byEnergy.length - policy.maxTerminated; i++) this.terminated.delete(byEnergy[i].key);
    }
  }

  /** Running accounts. */
  runningAccounts(): WorkloadAccount[] {
    return [...this.running.values()];
  }

  /** Terminated accounts still exported. */
  terminatedAccounts(): WorkloadAccount[] {
    return [...this.terminated.values()];
  }
}

function sameMeta(a: WorkloadMeta, b: WorkloadMeta): boolean {
  return a.name === b.name && a.podName === b.podName && a.namespace === b.namespace && a.podId === b.podId && a.containerName === b.containerName;
}
