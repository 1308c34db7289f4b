/**
 * @module agent/agent
 * The node agent assembled: the refresh monitor, the Prometheus exporter, the JSON views, the local
 * node model and the calibration recorder, behind the `AgentHandle` that `up` hands to its siblings.
 */
import type { Logger } from '../core/logger.js';
import type {
  AgentHandle,
  CapabilitiesView,
  LocalNodeModel,
  NodeView,
  WorkloadLevel,
  WorkloadsResponse,
  MeterCapability,
} from '../core/contracts.js';
import type { GpuMeter, MeterSelection, PlatformMeter, SourceCapability } from './types.js';
import type { PodResolver } from './pods/types.js';
import type { CpuInfoEntry } from './procfs/cpuinfo.js';
import { AgentMonitor, type IdlePolicy } from './monitor/monitor.js';
import type { AgentSnapshot } from './monitor/snapshot.js';
import type { ProcScanner } from './procfs/scanner.js';
import { renderMetrics } from './export/prometheus.js';
import { nodeView, workloadsResponse } from './api/views.js';
import { LocalModelTracker, type LinearCurve } from './monitor/local-model.js';
import type { CalibrationRecorder } from './calibration/recorder.js';
import { METRIC_LEVELS } from '../core/config-keys.js';

/** An optional meter and why it is missing. */
export interface OptionalMeter<M> {
  meter?: M;
  reason?: string;
}

/** The GPU meter, whether GPU metering is on, and the sources tried. */
export type GpuOption = OptionalMeter<GpuMeter> & { enabled: boolean; tried?: SourceCapability[] };

/** Everything the agent is built from (the component resolves it from the configuration). */
export interface AgentOptions {
  nodeName: string;
  version: { version: string; commit: string };
  selection: MeterSelection;
  platform: OptionalMeter<PlatformMeter>;
  gpu: GpuOption;
  /** `gpu.idleWatts` (0 = lowest seen with no process). */
  gpuIdleWatts?: number;
  pods?: PodResolver;
  kubeEnabled: boolean;
  scanner: ProcScanner;
  clockTicks: number;
  cpus: number;
  cpuInfo: CpuInfoEntry[];
  levels: readonly string[];
  idlePolicy: IdlePolicy;
  maxTerminated: number;
  minTerminatedEnergyThreshold: number;
  intervalMs: number;
  stalenessMs: number;
  /** Curve for the local node model until measured samples allow a fit. */
  fallbackCurve: LinearCurve & { name: string };
  calibration?: CalibrationRecorder;
  log: Logger;
  now?: () => number;
}

/** Settings that change while the agent runs (configuration hot reload); absent keys stay as they are. */
export interface AgentUpdate {
  levels?: readonly string[];
  idlePolicy?: IdlePolicy;
  maxTerminated?: number;
  minTerminatedEnergyThreshold?: number;
  platform?: OptionalMeter<PlatformMeter>;
  gpu?: GpuOption;
  gpuIdleWatts?: number;
  /** The new pod source (undefined: none) and whether Kubernetes is on. */
  pods?: { resolver: PodResolver | undefined; kubeEnabled: boolean };
}

/** The running agent. */
export class Agent implements AgentHandle {
  readonly monitor: AgentMonitor;
  private opts: AgentOptions;
  private levels: Set<string>;
  private readonly local: LocalModelTracker;

  constructor(opts: AgentOptions) {
    this.opts = opts;
    this.levels = new Set(opts.levels);
    const meter = opts.selection.meter;
    this.monitor = new AgentMonitor({
      nodeName: opts.nodeName,
      scanner: opts.scanner,
      meter,
      gpu: opts.gpu.meter,
      platform: opts.platform.meter,
      pods: opts.pods,
      clockTicks: opts.clockTicks,
      cpus: opts.cpus,
      idlePolicy: opts.idlePolicy,
      maxTerminated: opts.maxTerminated,
      minTerminatedEnergyThreshold: opts.minTerminatedEnergyThreshold,
      gpuIdleWatts: opts.gpuIdleWatts,
      log: opts.log,
      now: opts.now,
    });
    this.local = new LocalModelTracker(opts.nodeName, opts.cpus, meter.zones(), opts.fallbackCurve, meter.curve);
    this.monitor.onRefresh((s) => {
      const v = nodeView(s);
      // an interval in which a zone measured nothing is no sample of the node's power
      this.local.observe(s.busyRatio, v.watts, s.intervalSeconds > 0 && !s.zones.some((z) => z.gap));
      if (opts.calibration) void opts.calibration.record(s);
    });
  }

  /** Starts the pod source and the refresh loop (first refresh at once). */
  async start(): Promise<void> {
    await this.opts.pods?.start();
    await this.monitor.refresh();
    this.monitor.start(this.opts.intervalMs);
  }

  /** Stops the loop and closes meters and the pod source. */
  async stop(): Promise<void> {
    await this.monitor.stop();
    await this.opts.pods?.stop();
    await Promise.all([this.opts.selection.meter.close?.(), this.opts.gpu.meter?.close?.(), this.opts.platform.meter?.close?.()]);
  }

  /**
   * Applies changed settings: they take effect at the next refresh or scrape. Replaced meters and pod
   * sources are closed; a new pod source is started first.
   */
  async reconfigure(u: AgentUpdate): Promise<void> {
    const old = this.opts;
    if (u.pods?.resolver) await u.pods.resolver.start();
    this.opts = {
      ...old,
      ...(u.levels ? { levels: u.levels } : {}),
      ...(u.idlePolicy ? { idlePolicy: u.idlePolicy } : {}),
      ...(u.maxTerminated !== undefined ? { maxTerminated: u.maxTerminated } : {}),
      ...(u.minTerminatedEnergyThreshold !== undefined ? { minTerminatedEnergyThreshold: u.minTerminatedEnergyThreshold } : {}),
      ...(u.platform ? { platform: u.platform } : {}),
      ...(u.gpu ? { gpu: u.gpu } : {}),
      ...(u.gpuIdleWatts !== undefined ? { gpuIdleWatts: u.gpuIdleWatts } : {}),
      ...(u.pods ? { pods: u.pods.resolver, kubeEnabled: u.pods.kubeEnabled } : {}),
    };
    this.levels = new Set(this.opts.levels);
    this.monitor.update({
      idlePolicy: this.opts.idlePolicy,
      maxTerminated: this.opts.maxTerminated,
      minTerminatedEnergyThreshold: this.opts.minTerminatedEnergyThreshold,
      platform: this.opts.platform.meter,
      gpu: this.opts.gpu.meter,
      gpuIdleWatts: this.opts.gpuIdleWatts,
      pods: this.opts.pods,
    });
    if (u.platform && old.platform.meter !== u.platform.meter) await old.platform.meter?.close?.();
    if (u.gpu && old.gpu.meter !== u.gpu.meter) await old.gpu.meter?.close?.();
    if (u.pods && old.pods !== u.pods.resolver) await old.pods?.stop();
  }

  /** True once a snapshot exists. */
  isReady(): boolean {
    return this.monitor.current() !== undefined;
  }

  /**
   * The `/metrics` body: refreshes first when the snapshot is older than `monitor.staleness`. When that
   * refresh fails (counted in refresh errors) the last snapshot is served; with none, the scrape fails.
   */
  async metricsText(): Promise<string> {
    try {
      const s = await this.monitor.fresh(this.opts.stalenessMs).catch((err: unknown) => {
        const last = this.monitor.current();
        if (!last) throw err;
        return last;
      });
      const text = renderMetrics(s, {
        levels: this.levels,
        idleFamilies: this.opts.idlePolicy !== 'none',
        counters: this.monitor.counters,
        cpuInfo: this.opts.cpuInfo,
        build: { version: this.opts.version.version, revision: this.opts.version.commit, branch: '' },
      });
      this.monitor.markExported(s.seq);
      return text;
    } catch (err) {
      this.monitor.counters.scrapeErrors++;
      throw err;
    }
  }

  /** The latest snapshot (waits for the first refresh when none exists). */
  async snapshot(): Promise<AgentSnapshot> {
    return this.monitor.current() ?? this.monitor.refresh();
  }

  node(): NodeView | undefined {
    const s = this.monitor.current();
    return s ? nodeView(s) : undefined;
  }

  workloads(level: WorkloadLevel, top?: number): WorkloadsResponse {
    const s = this.monitor.current();
    if (!s) return { level, timestamp: 0, total: 0, items: [] };
    return workloadsResponse(s, level, top);
  }

  capabilities(): CapabilitiesView {
    const o = this.opts;
    const meter = o.selection.meter;
    const metrics: Record<string, 'enabled' | 'disabled' | 'unavailable'> = {};
    for (const level of METRIC_LEVELS) {
      metrics[level] = !this.levels.has(level) ? 'disabled' : level === 'pod' && !o.pods ? 'unavailable' : 'enabled';
    }
    metrics.gpu = !o.gpu.enabled ? 'disabled' : o.gpu.meter ? 'enabled' : 'unavailable';
    metrics.platform = o.platform.meter ? 'enabled' : 'unavailable';
    const tried: MeterCapability[] = o.selection.tried;
    return {
      nodeName: o.nodeName,
      version: o.version.version,
      meters: tried,
      chosenMeter: meter.info,
      zones: meter.zones().map((z) => z.zone),
      platform: o.platform.meter
        ? { available: true, source: o.platform.meter.source }
        : { available: false, ...(o.platform.reason ? { reason: o.platform.reason } : {}) },
      gpus: {
        ...(o.gpu.meter
          ? { available: true, count: this.monitor.current()?.gpus.length ?? 0, source: o.gpu.meter.source }
          : { available: false, count: 0, ...(o.gpu.reason ? { reason: o.gpu.reason } : {}) }),
        ...(o.gpu.tried?.length ? { tried: o.gpu.tried } : {}),
      },
      metricLevels: [...this.levels],
      metrics,
      kube: { enabled: o.kubeEnabled, ...(o.pods ? { podSource: o.pods.source } : {}) },
      ...(o.scanner.cgroupVersion ? { cgroupVersion: o.scanner.cgroupVersion } : {}),
    };
  }

  localNodeModel(): LocalNodeModel {
    return this.local.model();
  }

  onRefresh(cb: (node: NodeView) => void): () => void {
    return this.monitor.onRefresh((s) => cb(nodeView(s)));
  }
}
