/**
 * @module agent/workloads/ledger
 * Cumulative energy accounts of the workloads of one level. Each refresh adds the interval's
 * attributed microjoules to the running workloads; a workload that is gone is frozen with
 * `state="terminated"`, listed on its own while it holds at least the minimum energy (in the primary
 * zone) and within the cap (lowest energy evicted first), until a scrape has exported it. Whenever a
 * terminated account leaves the list its counters are added to the level's one aggregated
 * `terminated` account, and the energy of CPU time outside the level's workloads (the attribution
 * residual) to the level's unattributed counters, so nothing attributed is ever lost: per zone,
 * Σ listed accounts + the aggregate + unattributed = every interval's energy given to the level.
 * Memory is bounded by live workloads plus the cap.
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
  /** Process start time after boot, in clock ticks (`/proc/<pid>/stat` field 22): with the pid, the process's identity. */
  startTime?: number;
  comm?: string;
  exe?: string;
  /** The command line, cut for display (see procfs/scanner `shortCmdline`). */
  cmdline?: string;
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
  /** Idle GPU energy attributed by the idle policy, µJ, cumulative (0 with policy `none`). */
  gpuIdleUj: number;
  /** Refresh sequence at which it terminated. */
  terminatedAt?: number;
  /** Refresh sequence that last credited it (the ledger's bookkeeping). */
  seenSeq: number;
  /** Preformatted Prometheus label text, built once per account by the exporter. */
  labelCache?: string;
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

/** The empty idle array shared by every account without idle energy (replaced, never written). */
const NO_IDLE: number[] = [];

/** The key and id of a level's aggregated terminated account. */
export const TERMINATED_AGGREGATE_ID = 'terminated';

/** Energy (µJ per zone, cumulative) of CPU time that no workload of the level owns. */
export interface UnattributedEnergy {
  /** Active energy per zone. */
  energyUj: number[];
  /** Idle energy per zone that the idle policy gave to no workload of the level (all of it with `none`). */
  idleUj: number[];
}

/** What a level holds besides its listed accounts: a copy, taken at the end of a refresh. */
export interface LevelRemainder {
  /** The terminated workloads no longer listed, summed into one account (`meta.id` = {@link TERMINATED_AGGREGATE_ID}). */
  terminated: WorkloadAccount;
  unattributed: UnattributedEnergy;
}

function emptyAccount(level: WorkloadLevel, key: string, meta: WorkloadMeta, zones: number, seq: number): WorkloadAccount {
  return {
    level,
    key,
    meta,
    state: 'running',
    cpuSeconds: 0,
    energyUj: new Array<number>(zones).fill(0),
    deltaUj: new Array<number>(zones).fill(0),
    idleUj: NO_IDLE,
    gpuUj: 0,
    gpuWatts: 0,
    gpuIdleUj: 0,
    seenSeq: seq,
  };
}

function addInto(into: number[], from: { readonly [i: number]: number }, offset: number, zones: number): void {
  for (let z = 0; z < zones; z++) into[z] += from[offset + z];
}

/** The accounts of one level. */
export class LevelLedger {
  readonly level: WorkloadLevel;
  private readonly zoneCount: number;
  private readonly running = new Map<string, WorkloadAccount>();
  private readonly terminated = new Map<string, WorkloadAccount>();
  private readonly aggregate: WorkloadAccount;
  private readonly unattributed: UnattributedEnergy;
  private seq = 0;
  private secondsPerTick = 0;
  private intervalSeconds = 0;

  constructor(level: WorkloadLevel, zoneCount: number) {
    this.level = level;
    this.zoneCount = zoneCount;
    // every label but the id is empty: no real workload has an empty type, runtime, pod name or hypervisor
    const meta: WorkloadMeta = { id: TERMINATED_AGGREGATE_ID, name: '', type: '', runtime: '' };
    this.aggregate = { ...emptyAccount(level, TERMINATED_AGGREGATE_ID, meta, zoneCount, 0), state: 'terminated' };
    this.unattributed = { energyUj: new Array<number>(zoneCount).fill(0), idleUj: new Array<number>(zoneCount).fill(0) };
  }

  /**
   * Starts interval `seq` (of `intervalSeconds`; CPU ticks of `secondsPerTick`): the terminated
   * accounts that a scrape exported (`exportedSeq` ≥ their termination sequence) leave the list for
   * the aggregate. Then {@link add} each workload of the interval, {@link addUnattributed} the
   * residual, and {@link end} it.
   */
  begin(seq: number, exportedSeq: number, secondsPerTick: number, intervalSeconds: number): void {
    this.seq = seq;
    this.secondsPerTick = secondsPerTick;
    this.intervalSeconds = intervalSeconds;
    const terminated = this.terminated;
    terminated.forEach((a, k) => {
      if ((a.terminatedAt ?? 0) <= exportedSeq) this.release(k, a);
    });
  }

  /**
   * Adds one workload's interval to its account (creating it): active µJ of zone z at
   * `energy[offset + z]`, idle µJ (by the idle policy) at `idle[offset + z]` when given. CPU time:
   * `cpuTicks` is cumulative (its CPU seconds are set from it), or -1 to add `deltaTicks`. Arguments
   * are plain numbers and shared arrays, so the per-process call allocates nothing.
   */
  add(
    key: string,
    meta: WorkloadMeta,
    cpuTicks: number,
    deltaTicks: number,
    energy: { readonly [i: number]: number },
    idle: { readonly [i: number]: number } | undefined,
    offset: number,
    gpuWatts: number,
    gpuIdleWatts = 0,
  ): void {
    const zones = this.zoneCount;
    let a = this.running.get(key);
    if (!a && (a = this.terminated.get(key)) !== undefined) {
      // back after a scan missed it (a transient read failure, an empty cgroup): its counters continue
      this.terminated.delete(key);
      this.running.set(key, a);
      a.state = 'running';
      a.terminatedAt = undefined;
      a.labelCache = undefined;
    }
    if (!a) {
      a = emptyAccount(this.level, key, meta, zones, this.seq);
      this.running.set(key, a);
    } else if (a.meta !== meta && !sameMeta(a.meta, meta)) {
      a.meta = meta;
      a.labelCache = undefined;
    }
    a.seenSeq = this.seq;
    a.cpuSeconds = cpuTicks >= 0 ? cpuTicks * this.secondsPerTick : a.cpuSeconds + deltaTicks * this.secondsPerTick;
    const { energyUj, deltaUj } = a;
    for (let z = 0; z < zones; z++) {
      const d = energy[offset + z];
      deltaUj[z] = d;
      energyUj[z] += d;
    }
    if (idle) {
      if (a.idleUj.length === 0) a.idleUj = new Array<number>(zones).fill(0);
      addInto(a.idleUj, idle, offset, zones);
    }
    a.gpuWatts = gpuWatts;
    if (gpuWatts !== 0) a.gpuUj += Math.round(gpuWatts * this.intervalSeconds * 1e6);
    if (gpuIdleWatts !== 0) a.gpuIdleUj += Math.round(gpuIdleWatts * this.intervalSeconds * 1e6);
  }

  /** Adds the interval's residual: active and idle µJ per zone that no workload of the level got. */
  addUnattributed(active: { readonly [i: number]: number }, idle: { readonly [i: number]: number }): void {
    addInto(this.unattributed.energyUj, active, 0, this.zoneCount);
    addInto(this.unattributed.idleUj, idle, 0, this.zoneCount);
  }

  /**
   * Ends the interval: running accounts not added since {@link begin} terminate (frozen, listed while
   * at or above the energy threshold), then the lowest-energy terminated accounts beyond the cap leave
   * the list. Every account leaving the list goes into the aggregate.
   */
  end(policy: TerminatedPolicy): void {
    const { seq, running, terminated } = this;
    running.forEach((a, k) => {
      if (a.seenSeq === seq) return;
      running.delete(k);
      a.state = 'terminated';
      a.terminatedAt = seq;
      a.deltaUj.fill(0);
      a.gpuWatts = 0;
      a.labelCache = undefined;
      if (policy.maxTerminated > 0 && (a.energyUj[policy.primaryZone] ?? 0) / 1e6 >= policy.minEnergyJoules) terminated.set(k, a);
      else this.fold(a);
    });
    if (this.terminated.size > policy.maxTerminated) {
      const byEnergy = [...this.terminated.values()].sort((x, y) => (x.energyUj[policy.primaryZone] ?? 0) - (y.energyUj[policy.primaryZone] ?? 0));
      for (let i = 0; i < byEnergy.length - policy.maxTerminated; i++) this.release(byEnergy[i].key, byEnergy[i]);
    }
  }

  /** The aggregate and the unattributed energy, copied (a snapshot keeps them as they are now). */
  remainder(): LevelRemainder {
    const g = this.aggregate;
    return {
      terminated: { ...g, energyUj: [...g.energyUj], deltaUj: [...g.deltaUj], idleUj: [...g.idleUj] },
      unattributed: { energyUj: [...this.unattributed.energyUj], idleUj: [...this.unattributed.idleUj] },
    };
  }

  /** Takes a terminated account off the list into the aggregate. */
  private release(key: string, a: WorkloadAccount): void {
    this.terminated.delete(key);
    this.fold(a);
  }

  /** Adds a terminated account's counters to the aggregate. */
  private fold(a: WorkloadAccount): void {
    const g = this.aggregate;
    addInto(g.energyUj, a.energyUj, 0, this.zoneCount);
    if (a.idleUj.length > 0) {
      if (g.idleUj.length === 0) g.idleUj = new Array<number>(this.zoneCount).fill(0);
      addInto(g.idleUj, a.idleUj, 0, this.zoneCount);
    }
    g.cpuSeconds += a.cpuSeconds;
    g.gpuUj += a.gpuUj;
    g.gpuIdleUj += a.gpuIdleUj;
  }

  /** The running, then the terminated accounts, in a new array. */
  accounts(): WorkloadAccount[] {
    const out = new Array<WorkloadAccount>(this.running.size + this.terminated.size);
    let i = 0;
    this.running.forEach((a) => (out[i++] = a));
    this.terminated.forEach((a) => (out[i++] = a));
    return out;
  }
}

function sameMeta(a: WorkloadMeta, b: WorkloadMeta): boolean {
  return a.name === b.name && a.podName === b.podName && a.namespace === b.namespace && a.podId === b.podId && a.containerName === b.containerName;
}
