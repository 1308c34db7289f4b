/**
 * @module agent/monitor/snapshot
 * The result of one refresh: node zones with cumulative and interval energy, and the workload accounts
 * of every level. Export and the JSON API read only snapshots.
 */
import type { MeterInfo, WorkloadLevel } from '../../core/contracts.js';
import type { WorkloadAccount, LevelRemainder } from '../workloads/ledger.js';
import type { PlatformLabels } from '../types.js';

/** One zone's energy (µJ): cumulative since the agent started and in the last interval. */
export interface ZoneState {
  zone: string;
  path: string;
  nested: boolean;
  /** The zone's counters were read in the last refresh. */
  up: boolean;
  /** No energy was measured for the last interval (read failure, dropped interval, new baseline): its delta is 0 and not a power reading. */
  gap: boolean;
  totalUj: number;
  activeUj: number;
  idleUj: number;
  deltaUj: number;
  activeDeltaUj: number;
  idleDeltaUj: number;
}

/** One GPU's state. */
export interface GpuState {
  index: number;
  uuid: string;
  name: string;
  watts: number;
  activeWatts: number;
  idleWatts: number;
  joulesTotal: number;
  activeJoulesTotal: number;
  idleJoulesTotal: number;
  utilization?: number;
  /** The board's current power limit, watts (NVML). */
  powerLimitWatts?: number;
  /** MIG GPU instances (id, uuid, watts where reported). */
  instances?: Array<{ id: number; uuid: string; watts?: number }>;
}

/** A refresh's result. */
export interface AgentSnapshot {
  /** Refresh sequence number (1 for the first). */
  seq: number;
  nodeName: string;
  timestamp: number;
  /** Interval the deltas cover (s); 0 for the first refresh. */
  intervalSeconds: number;
  busyRatio: number;
  cpus: number;
  meter: MeterInfo;
  zones: ZoneState[];
  /** Running workloads, then the terminated ones still listed one by one, per level. */
  workloads: Record<WorkloadLevel, WorkloadAccount[]>;
  /**
   * Per level, what the listed accounts leave out: the aggregate of terminated workloads no longer
   * listed, and the energy of CPU time outside the level's workloads. Per zone, Σ listed + the
   * aggregate + unattributed = the zone's cumulative active energy (`activeUj`), exactly. The
   * monitor always sets it; absent, the listed accounts are all there is.
   */
  remainders?: Record<WorkloadLevel, LevelRemainder>;
  gpus: GpuState[];
  /** The GPU meter's source (`nvml`, `nvidia-smi`) when one is in use. */
  gpuSource?: string;
  platform?: { watts: number; source: string; labels?: PlatformLabels };
  /** Duration of this refresh (s), processes scanned, containers with no pod found. */
  refreshSeconds: number;
  processesScanned: number;
  containersWithoutPod: number;
  /** Features of the interval (for calibration and model meters). */
  features: Record<string, number>;
}

/** Watts of a zone-indexed µJ delta over an interval. */
export function watts(deltaUj: number, intervalSeconds: number): number {
  return intervalSeconds > 0 ? deltaUj / 1e6 / intervalSeconds : 0;
}

/** Primary zone index: psys, package, core, dram, uncore in that order, else the first zone. */
export function primaryZoneIndex(zones: ReadonlyArray<{ zone: string }>): number {
  for (const name of ['psys', 'package', 'core', 'dram', 'uncore']) {
    const i = zones.findIndex((z) => z.zone === name);
    if (i >= 0) return i;
  }
  return 0;
}
