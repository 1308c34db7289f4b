/**
 * @module agent/monitor/monitor
 * The agent's refresh engine. Each refresh is a short pipeline over one refresh frame: scan procfs and
 * read the meters; zone accounting (`zones.ts`: every zone's energy split into active and idle by the
 * `/proc/stat` busy ratio, meter outages); GPU accounting (`gpu-accounting.ts`); workload grouping
 * (`grouping.ts`: containers, pods, VMs); the one attributor of every level (`attributor.ts`); then
 * an immutable snapshot is published. Refreshes run on the interval and on demand when a reader finds
 * the snapshot stale; concurrent callers share one refresh.
 */
import type { Logger } from '../../core/logger.js';
import type { WorkloadLevel } from '../../core/contracts.js';
import type { NodeMeter, GpuMeter, PlatformMeter, GpuRead, MeterSample } from '../types.js';
import type { ProcScanner, ScanResult } from '../procfs/scanner.js';
import type { PodResolver } from '../pods/types.js';
import { LevelLedger, type TerminatedPolicy } from '../workloads/ledger.js';
import { primaryZoneIndex, type AgentSnapshot } from './snapshot.js';
import { cpuInterval, type CpuBaseline, type CpuInterval, type IdlePolicy, type RefreshFrame } from './frame.js';
import { ZoneAccounts } from './zones.js';
import { GpuAccounts, NO_GPU_WATTS } from './gpu-accounting.js';
import { groupWorkloads } from './grouping.js';
import { LevelAttributor, processRows, groupRows } from './attributor.js';

export type { IdlePolicy } from './frame.js';

/** What the monitor needs. */
export interface MonitorOptions {
  nodeName: string;
  scanner: ProcScanner;
  meter: NodeMeter;
  gpu?: GpuMeter;
  platform?: PlatformMeter;
  pods?: PodResolver;
  /** USER_HZ of the host. */
  clockTicks: number;
  cpus: number;
  idlePolicy: IdlePolicy;
  maxTerminated: number;
  minTerminatedEnergyThreshold: number;
  /** `gpu.idleWatts`: fixed GPU idle power (0 = lowest seen with no process). */
  gpuIdleWatts?: number;
  log: Logger;
  /** Clock in ms (tests). */
  now?: () => number;
}

/** What can change while the monitor runs (configuration hot reload). */
export type MonitorUpdate = Partial<
  Pick<MonitorOptions, 'gpu' | 'platform' | 'pods' | 'idlePolicy' | 'maxTerminated' | 'minTerminatedEnergyThreshold' | 'gpuIdleWatts'>
>;

/** Counters behind the `powerplane_agent_*` self-metrics. */
export interface AgentCounters {
  refreshes: number;
  refreshErrors: number;
  scrapeErrors: number;
  /** Dropped meter intervals per zone. */
  dropped: Map<string, number>;
  /** Meter failures per zone and reason, keyed `zone\0reason` (`powerplane_meter_read_errors_total`). */
  meterErrors: Map<string, number>;
  /** Dropped GPU intervals per `gpu\0reason`. */
  gpuDropped: Map<string, number>;
}

/** The levels below the process level, each with whether its workloads have CPU requests. */
const GROUP_LEVELS = [
  ['container', true],
  ['pod', true],
  ['vm', false],
] as const;

/** Runs refreshes and holds the latest snapshot. */
export class AgentMonitor {
  readonly counters: AgentCounters = {
    refreshes: 0,
    refreshErrors: 0,
    scrapeErrors: 0,
    dropped: new Map(),
    meterErrors: new Map(),
    gpuDropped: new Map(),
  };
  private opts: MonitorOptions;
  private readonly now: () => number;
  private readonly zones: ZoneAccounts;
  private readonly gpu: GpuAccounts;
  private readonly ledgers: Record<WorkloadLevel, LevelLedger>;
  private readonly attributor: LevelAttributor;
  private policy: TerminatedPolicy;
  private readonly listeners = new Set<(s: AgentSnapshot) => void>();
  private snapshot: AgentSnapshot | undefined;
  private inflight: Promise<AgentSnapshot> | undefined;
  private baseline: CpuBaseline | undefined;
  private seq = 0;
  private exportedSeq = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly warned = new Set<string>();

  constructor(opts: MonitorOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
    this.zones = new ZoneAccounts(opts.meter.zones());
    this.gpu = new GpuAccounts(opts.gpuIdleWatts);
    const n = this.zones.zones.length;
    this.ledgers = {
      process: new LevelLedger('process', n),
      container: new LevelLedger('container', n),
      pod: new LevelLedger('pod', n),
      vm: new LevelLedger('vm', n),
    };
    this.attributor = new LevelAttributor(n);
    this.policy = {
      maxTerminated: opts.maxTerminated,
      minEnergyJoules: opts.minTerminatedEnergyThreshold,
      primaryZone: primaryZoneIndex(this.zones.zones),
    };
  }

  /**
   * Changes meters, pod source, idle policy or terminated-workload limits; takes effect at the next
   * refresh (keys given as undefined remove a meter or the pod source).
   */
  update(changes: MonitorUpdate): void {
    if (changes.gpuIdleWatts !== undefined) this.gpu.setIdleWatts(changes.gpuIdleWatts);
    this.opts = { ...this.opts, ...changes };
    this.policy = { ...this.policy, maxTerminated: this.opts.maxTerminated, minEnergyJoules: this.opts.minTerminatedEnergyThreshold };
  }

  /** The latest snapshot, if any refresh finished. */
  current(): AgentSnapshot | undefined {
    return this.snapshot;
  }

  /** Refreshes now; a refresh already running is shared. */
  refresh(): Promise<AgentSnapshot> {
    this.inflight ??= this.doRefresh().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** The latest snapshot when younger than `stalenessMs`, else a fresh one (shared between callers). */
  async fresh(stalenessMs: number): Promise<AgentSnapshot> {
    const s = this.snapshot;
    if (s && this.now() - s.timestamp <= stalenessMs) return s;
    return this.refresh();
  }

  /** Records that a scrape exported snapshot `seq`: its terminated workloads go at the next refresh. */
  markExported(seq: number): void {
    if (seq > this.exportedSeq) this.exportedSeq = seq;
  }

  /** Calls `cb` after every refresh; returns the unsubscribe function. */
  onRefresh(cb: (s: AgentSnapshot) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /** Refreshes every `intervalMs` (the first refresh at once). */
  start(intervalMs: number): void {
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      this.refresh()
        .catch(() => undefined)
        .finally(() => {
          if (!this.stopped) {
            this.timer = setTimeout(tick, intervalMs);
            this.timer.unref?.();
          }
        });
    };
    tick();
  }

  /** Stops the interval loop and waits for a running refresh. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.inflight?.catch(() => undefined);
  }

  private async doRefresh(): Promise<AgentSnapshot> {
    try {
      return await this.refreshOnce();
    } catch (err) {
      this.counters.refreshErrors++;
      this.opts.log.warn({ err }, 'agent refresh failed');
      throw err;
    }
  }

  /** One refresh: measure, then zones → GPU → grouping → attribution per level → snapshot. */
  private async refreshOnce(): Promise<AgentSnapshot> {
    const { opts } = this;
    const t0 = performance.now();
    const scan = opts.scanner.scan();
    const now = this.now();
    const cpu = cpuInterval(this.baseline, scan.cpu, scan.processes, now, opts.clockTicks);
    const tRead = performance.now();
    const { sample, gpu, platformWatts } = await this.readMeters(cpu);
    const readMs = performance.now() - tRead;

    // Everything below is synchronous: readers never see a half-applied refresh. The interval starts
    // anew only once the meter was read: a failed read leaves it where it was, so the next interval
    // covers the same time as the meter's counters.
    this.baseline = { cpu: scan.cpu, time: now, cpuMsPerSecond: cpu.cpuMsPerSecond };
    const frame = this.frame(++this.seq, cpu, sample, gpu);
    const withoutPod = this.attributeAll(frame, scan);
    const snap: AgentSnapshot = {
      seq: frame.seq,
      nodeName: opts.nodeName,
      timestamp: now,
      intervalSeconds: cpu.intervalSeconds,
      busyRatio: cpu.busy,
      cpus: opts.cpus,
      meter: opts.meter.info,
      zones: this.zones.states(),
      workloads: {
        process: this.ledgers.process.accounts(),
        container: this.ledgers.container.accounts(),
        pod: this.ledgers.pod.accounts(),
        vm: this.ledgers.vm.accounts(),
      },
      remainders: {
        process: this.ledgers.process.remainder(),
        container: this.ledgers.container.remainder(),
        pod: this.ledgers.pod.remainder(),
        vm: this.ledgers.vm.remainder(),
      },
      gpus: gpu ? this.gpu.states(gpu.devices) : [],
      ...(opts.gpu ? { gpuSource: opts.gpu.source } : {}),
      platform:
        typeof platformWatts === 'number' && opts.platform
          ? { watts: platformWatts, source: opts.platform.source, labels: opts.platform.labels }
          : undefined,
      refreshSeconds: (performance.now() - t0 - readMs) / 1000,
      processesScanned: scan.processes.length,
      containersWithoutPod: withoutPod,
      features: cpu.features,
    };
    this.publish(snap);
    return snap;
  }

  /** Reads the node meter, and the GPU and platform meters when configured (their failures are logged once and read as absent). */
  private async readMeters(cpu: CpuInterval): Promise<{ sample: MeterSample; gpu: GpuRead | undefined; platformWatts: number | undefined }> {
    const { opts } = this;
    const [sample, gpu, platformWatts] = await Promise.all([
      opts.meter.read({ busyRatio: cpu.busy, intervalMs: cpu.intervalMs, features: cpu.features }),
      opts.gpu ? opts.gpu.read().catch((err: unknown) => this.warnOnce('gpu', err)) : undefined,
      opts.platform ? opts.platform.read().catch((err: unknown) => this.warnOnce('platform', err)) : undefined,
    ]);
    return { sample, gpu, platformWatts };
  }

  /** Zone and GPU accounting of refresh `seq`: the frame every level's attribution reads. */
  private frame(seq: number, cpu: CpuInterval, sample: MeterSample, gpu: GpuRead | undefined): RefreshFrame {
    const { opts, counters } = this;
    const energy = this.zones.add(sample, cpu.busy, counters.dropped);
    this.zones.health(sample, seq === 1, counters.meterErrors, opts.log);
    return {
      seq,
      exportedSeq: this.exportedSeq,
      intervalSeconds: cpu.intervalSeconds,
      secondsPerTick: 1 / opts.clockTicks,
      totalTicks: cpu.totalTicks,
      energy,
      gpu: gpu ? this.gpu.add(gpu, cpu.intervalSeconds, opts.idlePolicy, counters.gpuDropped) : NO_GPU_WATTS,
      idlePolicy: opts.idlePolicy,
      terminated: this.policy,
    };
  }

  /**
   * Attributes the frame at every level: processes from the scan, then its containers, pods and VMs;
   * returns how many containers have no known pod.
   */
  private attributeAll(frame: RefreshFrame, scan: ScanResult): number {
    this.attributor.attribute(processRows(scan.processes, frame.gpu), frame, this.ledgers.process);
    const groups = groupWorkloads(scan.processes, frame.gpu, this.opts.pods);
    for (const [level, withRequests] of GROUP_LEVELS) this.attributor.attribute(groupRows(groups[level], withRequests), frame, this.ledgers[level]);
    return groups.withoutPod;
  }

  private publish(snap: AgentSnapshot): void {
    this.snapshot = snap;
    this.counters.refreshes++;
    for (const cb of this.listeners) {
      try {
        cb(snap);
      } catch (err) {
        this.opts.log.warn({ err }, 'refresh listener failed');
      }
    }
  }

  private warnOnce(what: string, err: unknown): undefined {
    if (!this.warned.has(what)) {
      this.warned.add(what);
      this.opts.log.warn({ err }, `${what} meter read failed (further failures are not logged)`);
    }
    return undefined;
  }
}
