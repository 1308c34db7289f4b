/**
 * @module agent/monitor/monitor
 * The agent's refresh engine. Each refresh scans procfs, reads the meters, splits every zone's energy
 * into active and idle by the `/proc/stat` busy ratio, attributes active (and, by policy, idle) energy
 * to processes, containers, pods and VMs, and publishes an immutable snapshot. Refreshes run on the
 * interval and on demand when a reader finds the snapshot stale; concurrent callers share one refresh.
 */
import type { Logger } from '../../core/logger.js';
import type { WorkloadLevel } from '../../core/contracts.js';
import type { NodeMeter, GpuMeter, PlatformMeter, GpuReading, GpuRead, MeterSample } from '../types.js';
import type { ProcScanner, ProcessEntry } from '../procfs/scanner.js';
import type { PodResolver, PodRef } from '../pods/types.js';
import { busyRatio, type CpuTimes } from '../procfs/parse.js';
import { splitActiveIdle } from '../attribution/apportion.js';
import { attributeLevelInto } from '../attribution/attribute.js';
import { GpuIdleTracker, gpuWattsByPid, gpuIdleWattsByPid } from '../attribution/gpu.js';
import { LevelLedger, type WorkloadAccount, type WorkloadMeta, type TerminatedPolicy } from '../workloads/ledger.js';
import { primaryZoneIndex, type AgentSnapshot, type ZoneState, type GpuState } from './snapshot.js';

/** Idle attribution policies. */
export type IdlePolicy = 'none' | 'cpu-share' | 'requests';

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
export type MonitorUpdate = Partial<Pick<MonitorOptions, 'gpu' | 'platform' | 'pods' | 'idlePolicy' | 'maxTerminated' | 'minTerminatedEnergyThreshold' | 'gpuIdleWatts'>>;

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

const NO_GPU = new Map<number, number>();

/** Runs refreshes and holds the latest snapshot. */
export class AgentMonitor {
  readonly counters: AgentCounters = { refreshes: 0, refreshErrors: 0, scrapeErrors: 0, dropped: new Map(), meterErrors: new Map(), gpuDropped: new Map() };
  private opts: MonitorOptions;
  private readonly now: () => number;
  private readonly zones: ZoneState[];
  private readonly zoneIndex = new Map<string, number>();
  private readonly ledgers: Record<WorkloadLevel, LevelLedger>;
  private policy: TerminatedPolicy;
  private gpuIdle: GpuIdleTracker;
  private readonly gpuTotals = new Map<number, { total: number; active: number; idle: number }>();
  /**
   * Buffers reused by every refresh (grown when too small): CPU weights per workload, and active and
   * idle µJ per workload and zone, flat (`[w * zones + z]`).
   */
  private weights = new Float64Array(256);
  private activeShares = new Float64Array(256);
  private idleShares = new Float64Array(256);
  private readonly residual: number[] = [];
  private readonly listeners = new Set<(s: AgentSnapshot) => void>();
  private snapshot: AgentSnapshot | undefined;
  private inflight: Promise<AgentSnapshot> | undefined;
  private prevCpu: CpuTimes | undefined;
  private prevTime: number | undefined;
  private prevCpuMsPerSecond = 0;
  private seq = 0;
  private exportedSeq = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(opts: MonitorOptions) {
    this.opts = opts;
    this.gpuIdle = new GpuIdleTracker(opts.gpuIdleWatts ?? 0);
    this.now = opts.now ?? Date.now;
    this.zones = opts.meter.zones().map((z, i) => {
      this.zoneIndex.set(`${z.zone}\0${z.path}`, i);
      return { zone: z.zone, path: z.path, nested: z.nested, up: true, gap: false, totalUj: 0, activeUj: 0, idleUj: 0, deltaUj: 0, activeDeltaUj: 0, idleDeltaUj: 0 };
    });
    const n = this.zones.length;
    this.ledgers = { process: new LevelLedger('process', n), container: new LevelLedger('container', n), pod: new LevelLedger('pod', n), vm: new LevelLedger('vm', n) };
    this.policy = { maxTerminated: opts.maxTerminated, minEnergyJoules: opts.minTerminatedEnergyThreshold, primaryZone: primaryZoneIndex(this.zones) };
  }

  /**
   * Changes meters, pod source, idle policy or terminated-workload limits; takes effect at the next
   * refresh (keys given as undefined remove a meter or the pod source).
   */
  update(changes: MonitorUpdate): void {
    if (changes.gpuIdleWatts !== undefined && changes.gpuIdleWatts !== this.opts.gpuIdleWatts) this.gpuIdle = new GpuIdleTracker(changes.gpuIdleWatts);
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

  private async refreshOnce(): Promise<AgentSnapshot> {
    const { opts } = this;
    const t0 = performance.now();
    const scan = opts.scanner.scan();
    const now = this.now();
    const busy = this.prevCpu ? busyRatio(this.prevCpu, scan.cpu) : 0;
    const intervalMs = this.prevTime === undefined ? 0 : Math.max(0, now - this.prevTime);
    const intervalSeconds = intervalMs / 1000;
    let totalTicks = 0;
    const processes = scan.processes;
    for (let i = 0; i < processes.length; i++) totalTicks += processes[i].deltaTicks;
    // Kepler's bpf_cpu_time_ms is CPU time per second of wall time, in ms; models see the previous interval's too.
    const cpuMsPerSecond = intervalSeconds > 0 ? ((totalTicks / opts.clockTicks) * 1000) / intervalSeconds : 0;
    const features = { cpu_busy_ratio: busy, bpf_cpu_time_ms: cpuMsPerSecond, cpu_time_ms: cpuMsPerSecond, bpf_cpu_time_ms_prev: this.prevCpuMsPerSecond };

    const tRead = performance.now();
    const [sample, gpu, platformWatts] = await Promise.all([
      opts.meter.read({ busyRatio: busy, intervalMs, features }),
      opts.gpu ? opts.gpu.read().catch((err: unknown) => this.warnOnce('gpu', err)) : undefined,
      opts.platform ? opts.platform.read().catch((err: unknown) => this.warnOnce('platform', err)) : undefined,
    ]);
    const readMs = performance.now() - tRead;

    // Everything below is synchronous: readers never see a half-applied refresh. The interval starts
    // anew only once the meter was read: a failed read leaves it where it was, so the next interval
    // covers the same time as the meter's counters.
    this.prevCpu = scan.cpu;
    this.prevTime = now;
    this.prevCpuMsPerSecond = cpuMsPerSecond;
    const seq = ++this.seq;
    const n = this.zones.length;
    const active = new Array<number>(n).fill(0);
    const idle = new Array<number>(n).fill(0);
    for (const z of this.zones) {
      z.deltaUj = 0;
      z.activeDeltaUj = 0;
      z.idleDeltaUj = 0;
    }
    for (const d of sample.zones) {
      const i = this.zoneIndex.get(`${d.zone}\0${d.path}`);
      if (i === undefined) continue;
      const z = this.zones[i];
      const delta = Math.max(0, Math.round(d.deltaMicroJoules));
      const split = splitActiveIdle(delta, busy);
      z.deltaUj = delta;
      z.activeDeltaUj = split.active;
      z.idleDeltaUj = split.idle;
      z.totalUj += delta;
      z.activeUj += split.active;
      z.idleUj += split.idle;
      active[i] = split.active;
      idle[i] = split.idle;
    }
    for (const d of sample.dropped) {
      // meters name a dropped zone by its path (or its name); counted per zone name
      const zone = this.zones.find((z) => z.path === d)?.zone ?? d;
      this.counters.dropped.set(zone, (this.counters.dropped.get(zone) ?? 0) + 1);
    }
    this.applyMeterHealth(sample, seq === 1);

    const { active: gpuByPid, idle: gpuIdleByPid } = gpu ? this.applyGpu(gpu, intervalSeconds) : { active: NO_GPU, idle: NO_GPU };
    const ticksToSeconds = 1 / opts.clockTicks;
    this.attributeProcesses(scan.processes, gpuByPid, gpuIdleByPid, active, idle, totalTicks, seq, intervalSeconds, ticksToSeconds);
    const { groups, withoutPod } = this.group(scan.processes, gpuByPid, gpuIdleByPid);
    for (const level of ['container', 'pod', 'vm'] as const) this.attributeGroups(level, groups[level], active, idle, totalTicks, seq, intervalSeconds, ticksToSeconds);

    const snap: AgentSnapshot = {
      seq,
      nodeName: opts.nodeName,
      timestamp: now,
      intervalSeconds,
      busyRatio: busy,
      cpus: opts.cpus,
      meter: opts.meter.info,
      zones: this.zones.map((z) => ({ ...z })),
      workloads: {
        process: this.accounts('process'),
        container: this.accounts('container'),
        pod: this.accounts('pod'),
        vm: this.accounts('vm'),
      },
      gpus: gpu ? this.gpuStates(gpu.devices) : [],
      ...(opts.gpu ? { gpuSource: opts.gpu.source } : {}),
      platform: typeof platformWatts === 'number' && opts.platform ? { watts: platformWatts, source: opts.platform.source } : undefined,
      refreshSeconds: (performance.now() - t0 - readMs) / 1000,
      processesScanned: scan.processes.length,
      containersWithoutPod: withoutPod,
      features,
    };
    this.snapshot = snap;
    this.counters.refreshes++;
    for (const cb of this.listeners) {
      try {
        cb(snap);
      } catch (err) {
        opts.log.warn({ err }, 'refresh listener failed');
      }
    }
    return snap;
  }

  /**
   * Marks each zone up (read) or down (read failed) and in a gap (nothing measured), counts failures
   * per zone and reason, and logs when a zone goes down or comes back. The first refresh's baselines
   * are no gap: there is no interval yet.
   */
  private applyMeterHealth(sample: MeterSample, first: boolean): void {
    const errors = sample.errors ?? [];
    const gaps = first ? [] : (sample.gaps ?? []);
    if (errors.length === 0 && gaps.length === 0) {
      for (const z of this.zones) {
        if (!z.up) this.opts.log.info({ zone: z.zone, path: z.path }, `meter zone ${z.zone} is readable again; its power is reported from the next interval`);
        z.up = true;
        z.gap = false;
      }
      return;
    }
    for (const z of this.zones) {
      const failure = errors.find((e) => e.path === z.path || e.path === z.zone);
      const readFailed = failure !== undefined && failure.reason !== 'implausible' && failure.reason !== 'reset';
      if (readFailed && z.up) this.opts.log.warn({ zone: z.zone, path: z.path, reason: failure.reason }, `meter zone ${z.zone} cannot be read (${failure.message}); no power is reported for it until it reads again`);
      if (!readFailed && !z.up) this.opts.log.info({ zone: z.zone, path: z.path }, `meter zone ${z.zone} is readable again; its power is reported from the next interval`);
      z.up = !readFailed;
      z.gap = failure !== undefined || gaps.includes(z.path);
      if (failure) {
        const key = `${z.zone}\0${failure.reason}`;
        this.counters.meterErrors.set(key, (this.counters.meterErrors.get(key) ?? 0) + 1);
      }
    }
  }

  private accounts(level: WorkloadLevel): WorkloadAccount[] {
    return this.ledgers[level].accounts();
  }

  /** Room for `n` workloads (+ the residual) in the reused buffers. */
  private reserve(n: number): void {
    const zones = this.zones.length;
    if (this.weights.length < n + 1) this.weights = new Float64Array(Math.max(n + 1, this.weights.length * 2));
    const size = (n + 1) * zones;
    if (this.activeShares.length < size) {
      const grown = Math.max(size, this.activeShares.length * 2);
      this.activeShares = new Float64Array(grown);
      this.idleShares = new Float64Array(grown);
    }
  }

  /**
   * The process level: each process's share of the active (and, with `cpu-share`, idle) energy by its
   * CPU ticks, straight from the scan's entries into the ledger (no per-process objects per refresh).
   */
  private attributeProcesses(
    processes: readonly ProcessEntry[],
    gpuByPid: ReadonlyMap<number, number>,
    gpuIdleByPid: ReadonlyMap<number, number>,
    active: readonly number[],
    idle: readonly number[],
    totalTicks: number,
    seq: number,
    intervalSeconds: number,
    ticksToSeconds: number,
  ): void {
    const n = processes.length;
    const zones = this.zones.length;
    this.reserve(n);
    const { weights, activeShares, idleShares, residual } = this;
    for (let i = 0; i < n; i++) weights[i] = processes[i].deltaTicks;
    attributeLevelInto(active, weights, n, totalTicks, activeShares, residual);
    const withIdle = this.opts.idlePolicy === 'cpu-share';
    if (withIdle) attributeLevelInto(idle, weights, n, totalTicks, idleShares, residual);
    const ledger = this.ledgers.process;
    ledger.begin(seq, this.exportedSeq, ticksToSeconds, intervalSeconds);
    const gpu = gpuByPid.size > 0;
    const gpuIdle = gpuIdleByPid.size > 0;
    const idleOut = withIdle ? idleShares : undefined;
    for (let i = 0; i < n; i++) {
      const p = processes[i];
      const meta = (p.meta ??= processMeta(p));
      ledger.add(p.key, meta, p.cpuTicks, p.deltaTicks, activeShares, idleOut, i * zones, gpu ? (gpuByPid.get(p.pid) ?? 0) : 0, gpuIdle ? (gpuIdleByPid.get(p.pid) ?? 0) : 0);
    }
    ledger.end(this.policy);
  }

  /** A container, pod or VM level: shares by the CPU ticks of its processes; idle by the policy. */
  private attributeGroups(
    level: 'container' | 'pod' | 'vm',
    g: readonly Group[],
    active: readonly number[],
    idle: readonly number[],
    totalTicks: number,
    seq: number,
    intervalSeconds: number,
    ticksToSeconds: number,
  ): void {
    const n = g.length;
    const zones = this.zones.length;
    this.reserve(n);
    const { weights, activeShares, idleShares, residual } = this;
    for (let i = 0; i < n; i++) weights[i] = g[i].ticks;
    attributeLevelInto(active, weights, n, totalTicks, activeShares, residual);
    let withIdle = false;
    if (this.opts.idlePolicy === 'cpu-share') {
      attributeLevelInto(idle, weights, n, totalTicks, idleShares, residual);
      withIdle = true;
    } else if (this.opts.idlePolicy === 'requests' && level !== 'vm') {
      let total = 0;
      for (let i = 0; i < n; i++) total += weights[i] = g[i].requestMilli ?? 0;
      attributeLevelInto(idle, weights, n, total, idleShares, residual);
      withIdle = true;
    }
    const ledger = this.ledgers[level];
    ledger.begin(seq, this.exportedSeq, ticksToSeconds, intervalSeconds);
    for (let i = 0; i < n; i++) {
      const x = g[i];
      ledger.add(x.key, x.meta, -1, x.ticks, activeShares, withIdle ? idleShares : undefined, i * zones, x.gpuWatts, x.gpuIdleWatts);
    }
    ledger.end(this.policy);
  }

  private readonly warned = new Set<string>();
  private warnOnce(what: string, err: unknown): undefined {
    if (!this.warned.has(what)) {
      this.warned.add(what);
      this.opts.log.warn({ err }, `${what} meter read failed (further failures are not logged)`);
    }
    return undefined;
  }

  /** Groups processes into the containers and VMs they run in, and containers into pods, with their CPU-tick deltas. */
  private group(processes: readonly ProcessEntry[], gpuByPid: ReadonlyMap<number, number>, gpuIdleByPid: ReadonlyMap<number, number>) {
    const containers = new Map<string, Group & { pod?: PodRef }>();
    const vms = new Map<string, Group>();
    const gpu = gpuByPid.size > 0;
    const gpuIdle = gpuIdleByPid.size > 0;
    for (let i = 0; i < processes.length; i++) {
      const p = processes[i];
      if (!p.container && !p.vm) continue;
      const gw = gpu ? (gpuByPid.get(p.pid) ?? 0) : 0;
      const gi = gpuIdle ? (gpuIdleByPid.get(p.pid) ?? 0) : 0;
      if (p.container) {
        let c = containers.get(p.container.id);
        if (!c) {
          const pod = this.opts.pods?.lookup(p.container.id);
          c = {
            key: p.container.id,
            meta: {
              id: p.container.id,
              name: pod?.containerName ?? p.containerName ?? '',
              containerId: p.container.id,
              runtime: p.container.runtime,
              podName: pod?.name,
              namespace: pod?.namespace,
              podId: pod?.uid,
            },
            ticks: 0,
            gpuWatts: 0,
            gpuIdleWatts: 0,
            requestMilli: pod?.cpuRequestMilli ?? 0,
            pod,
          };
          containers.set(p.container.id, c);
        }
        c.ticks += p.deltaTicks;
        c.gpuWatts += gw;
        c.gpuIdleWatts += gi;
      } else if (p.vm) {
        let v = vms.get(p.vm.id);
        if (!v) {
          v = { key: p.vm.id, meta: { id: p.vm.id, name: p.vm.name, hypervisor: p.vm.hypervisor }, ticks: 0, gpuWatts: 0, gpuIdleWatts: 0 };
          vms.set(p.vm.id, v);
        }
        v.ticks += p.deltaTicks;
        v.gpuWatts += gw;
        v.gpuIdleWatts += gi;
      }
    }
    const pods = new Map<string, Group>();
    let withoutPod = 0;
    for (const c of containers.values()) {
      if (!c.pod) {
        withoutPod++;
        continue;
      }
      let g = pods.get(c.pod.uid);
      if (!g) {
        g = { key: c.pod.uid, meta: { id: c.pod.uid, name: c.pod.name, namespace: c.pod.namespace, podName: c.pod.name, podId: c.pod.uid }, ticks: 0, gpuWatts: 0, gpuIdleWatts: 0, requestMilli: 0 };
        pods.set(c.pod.uid, g);
      }
      g.ticks += c.ticks;
      g.gpuWatts += c.gpuWatts;
      g.gpuIdleWatts += c.gpuIdleWatts;
      g.requestMilli = (g.requestMilli ?? 0) + (c.requestMilli ?? 0);
    }
    return {
      groups: { container: [...containers.values()], pod: [...pods.values()], vm: [...vms.values()] },
      withoutPod,
    };
  }

  /**
   * Node GPU totals (from the energy counter where the meter has one, else watts × interval; split into
   * active and idle by the active/total power ratio), dropped intervals, and the watts per pid.
   */
  private applyGpu(gpu: GpuRead, intervalSeconds: number): { active: Map<number, number>; idle: Map<number, number> } {
    const splits = this.gpuIdle.split(gpu.devices, gpu.processes);
    gpu.devices.forEach((d, i) => {
      const s = splits[i];
      const joules = d.deltaMicroJoules !== undefined ? d.deltaMicroJoules / 1e6 : s.watts * intervalSeconds;
      const activeRatio = s.watts > 0 ? s.activeWatts / s.watts : 0;
      const t = this.gpuTotals.get(s.index) ?? { total: 0, active: 0, idle: 0 };
      t.total += joules;
      t.active += joules * activeRatio;
      t.idle += joules * (1 - activeRatio);
      this.gpuTotals.set(s.index, t);
    });
    for (const g of gpu.gaps ?? []) {
      const key = `${g.gpu}\0${g.reason}`;
      this.counters.gpuDropped.set(key, (this.counters.gpuDropped.get(key) ?? 0) + 1);
    }
    this.lastGpuSplits = splits;
    return {
      active: gpuWattsByPid(splits, gpu.processes),
      idle: this.opts.idlePolicy === 'none' ? NO_GPU : gpuIdleWattsByPid(splits, gpu.processes),
    };
  }

  private lastGpuSplits: ReturnType<GpuIdleTracker['split']> = [];

  private gpuStates(devices: readonly GpuReading[]): GpuState[] {
    return devices.map((d) => {
      const s = this.lastGpuSplits.find((x) => x.index === d.index);
      const t = this.gpuTotals.get(d.index) ?? { total: 0, active: 0, idle: 0 };
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

interface Group {
  key: string;
  meta: WorkloadMeta;
  ticks: number;
  gpuWatts: number;
  gpuIdleWatts: number;
  requestMilli?: number;
}

/** A process's labels (built once per process). */
function processMeta(p: ProcessEntry): WorkloadMeta {
  return {
    id: String(p.pid),
    name: p.comm,
    pid: p.pid,
    startTime: p.startTime,
    comm: p.comm,
    exe: p.exe,
    ...(p.cmdline ? { cmdline: p.cmdline } : {}),
    type: p.container ? 'container' : p.vm ? 'vm' : 'regular',
    containerId: p.container?.id,
    vmId: p.vm?.id,
  };
}
