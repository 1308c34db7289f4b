/**
 * @module agent/gpu/nvml
 * NVIDIA GPUs through NVML. Per GPU and interval: energy from `nvmlDeviceGetTotalEnergyConsumption`
 * (the mJ counter; preferred) or, where the board has no counter, the power of
 * `nvmlDeviceGetPowerUsage` (integrated by the agent); the power limit; the compute processes and
 * their SM utilisation averaged over the samples NVML took since the last read. A GPU in MIG mode
 * lists its processes per GPU instance (and the instance's power where the driver reports one).
 * A counter reset, an implausible jump, a lost GPU (`NVML_ERROR_GPU_IS_LOST`) or a failed read makes
 * that GPU's interval a gap, reported with the reading.
 */
import type { Logger } from '../../core/logger.js';
import type { GpuGap, GpuInstanceReading, GpuMeter, GpuProcessUsage, GpuRead, GpuReading } from '../types.js';
import type { NvmlApi, NvmlHandle } from './nvml-api.js';
import { NVML, NVML_DEVICE_MIG_ENABLE, isNvmlCode } from './nvml-codes.js';
import { EnergyCounter } from './energy-counter.js';
import { errorMessage } from '../../core/errors.js';

/** Implied power above which a counter step is a gap when the board's limit range is unknown, watts. */
export const DEFAULT_GPU_MAX_PLAUSIBLE_WATTS = 3000;

/** One GPU as found at start. */
export interface NvmlDeviceInfo {
  index: number;
  uuid: string;
  name: string;
  handle: NvmlHandle;
  /** Highest settable power limit, watts (the plausibility bound is twice this). */
  maxLimitWatts?: number;
}

interface DeviceState extends NvmlDeviceInfo {
  useCounter: boolean;
  counter: EnergyCounter;
  lastUtil: bigint;
  utilSupported: boolean;
  mig: boolean;
  instanceCounters: Map<string, EnergyCounter>;
  instanceLastUtil: Map<string, bigint>;
}

/** Calls `f`, or returns undefined when NVML says the call is not supported on this GPU. */
function optional<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (err) {
    if (isNvmlCode(err, NVML.ERROR_NOT_SUPPORTED, NVML.ERROR_NO_PERMISSION, NVML.ERROR_NO_DATA)) return undefined;
    throw err;
  }
}

/** Average SM utilisation per pid in [0,1] over the samples. Pure. */
export function averageSm(samples: ReadonlyArray<{ pid: number; smUtil: number }>): Map<number, number> {
  const acc = new Map<number, { sum: number; n: number }>();
  for (const s of samples) {
    const a = acc.get(s.pid) ?? { sum: 0, n: 0 };
    a.sum += s.smUtil;
    a.n++;
    acc.set(s.pid, a);
  }
  return new Map([...acc].map(([pid, a]) => [pid, Math.min(1, Math.max(0, a.sum / a.n / 100))]));
}

/** Lists the GPUs (index, UUID, name, handle, limit range). Throws NVML errors as is. */
export function listNvmlDevices(nvml: NvmlApi): NvmlDeviceInfo[] {
  const out: NvmlDeviceInfo[] = [];
  const n = nvml.deviceCount();
  for (let index = 0; index < n; index++) {
    const handle = nvml.handleByIndex(index);
    const range = optional(() => nvml.powerManagementLimitConstraints(handle));
    out.push({
      index,
      uuid: nvml.uuid(handle),
      name: nvml.name(handle),
      handle,
      ...(range && range.max > 0 ? { maxLimitWatts: range.max / 1000 } : {}),
    });
  }
  return out;
}

/** The NVML GPU meter. */
export class NvmlMeter implements GpuMeter {
  readonly source = 'nvml';
  private readonly devices: DeviceState[];
  private readonly now: () => number;
  private readonly warned = new Set<string>();
  private closed = false;

  constructor(
    readonly nvml: NvmlApi,
    devices: NvmlDeviceInfo[],
    private readonly log: Logger,
    now?: () => number,
  ) {
    this.now = now ?? (() => performance.now());
    this.devices = devices.map((d) => {
      const mig = optional(() => nvml.migMode(d.handle)) === NVML_DEVICE_MIG_ENABLE;
      return {
        ...d,
        useCounter: true,
        counter: new EnergyCounter(d.maxLimitWatts ? d.maxLimitWatts * 2 : DEFAULT_GPU_MAX_PLAUSIBLE_WATTS),
        lastUtil: 0n,
        utilSupported: true,
        mig,
        instanceCounters: new Map(),
        instanceLastUtil: new Map(),
      };
    });
  }

  /** The GPUs this meter reads (for the power-limit action). */
  deviceInfos(): readonly NvmlDeviceInfo[] {
    return this.devices;
  }

  async read(): Promise<GpuRead> {
    const devices: GpuReading[] = [];
    const processes: GpuProcessUsage[] = [];
    const gaps: GpuGap[] = [];
    for (const d of this.devices) {
      try {
        const r = this.readDevice(d, processes);
        if ('gap' in r) gaps.push({ gpu: d.index, reason: r.gap });
        else if (r.reading) devices.push(r.reading);
      } catch (err) {
        d.counter.forget();
        const lost = isNvmlCode(err, NVML.ERROR_GPU_IS_LOST);
        gaps.push({ gpu: d.index, reason: lost ? 'lost' : 'error' });
        this.warnOnce(
          `${d.index}:${lost ? 'lost' : 'error'}`,
          lost
            ? `GPU ${d.index} (${d.uuid}) is lost: its intervals are gaps until it answers again`
            : `GPU ${d.index} read failed: ${errorMessage(err)}`,
        );
      }
    }
    return { devices, processes, gaps };
  }

  /** Reads one GPU; appends its processes. */
  private readDevice(d: DeviceState, processes: GpuProcessUsage[]): { reading?: GpuReading } | { gap: 'reset' | 'implausible' } {
    const nvml = this.nvml;
    const handle = d.handle;
    const at = this.now();
    let watts: number | undefined;
    let deltaMicroJoules: number | undefined;
    if (d.useCounter) {
      const mj = optional(() => nvml.totalEnergyConsumption(handle));
      if (mj === undefined) {
        d.useCounter = false;
        this.log.info({ gpu: d.index }, `GPU ${d.index} has no energy counter: its power is sampled (nvmlDeviceGetPowerUsage) and integrated`);
      } else {
        const step = d.counter.step(mj, at);
        if (step.kind === 'gap') return { gap: step.reason };
        if (step.kind === 'ok') {
          watts = step.watts;
          deltaMicroJoules = step.deltaMicroJoules;
        } else deltaMicroJoules = 0;
      }
    }
    // Without a counter, and for the counter's first (baseline) reading: the sampled power.
    if (watts === undefined) {
      const mw = optional(() => nvml.powerUsage(handle));
      if (mw === undefined) {
        if (!d.useCounter) this.warnOnce(`${d.index}:nopower`, `GPU ${d.index} (${d.name}) reports neither energy nor power: it is not metered`);
        if (deltaMicroJoules === undefined) return {};
      } else watts = mw / 1000;
    }
    const limit = optional(() => nvml.powerManagementLimit(handle));
    const instances = d.mig ? this.readInstances(d, at, processes) : undefined;
    if (!instances) this.readProcesses(d, handle, d.index, undefined, processes, (last) => (d.lastUtil = last), d.lastUtil);
    return {
      reading: {
        index: d.index,
        uuid: d.uuid,
        name: d.name,
        watts: watts ?? 0,
        ...(deltaMicroJoules !== undefined ? { deltaMicroJoules } : {}),
        ...(limit !== undefined ? { powerLimitWatts: limit / 1000 } : {}),
        ...(instances ? { instances } : {}),
      },
    };
  }

  /** Processes of a device (or MIG device) with their SM share since `lastUtil`. */
  private readProcesses(
    d: DeviceState,
    handle: NvmlHandle,
    gpuIndex: number,
    gpuInstance: number | undefined,
    out: GpuProcessUsage[],
    setLast: (ts: bigint) => void,
    lastUtil: bigint,
  ): void {
    const procs = optional(() => this.nvml.computeRunningProcesses(handle)) ?? [];
    if (procs.length === 0) return;
    let sm: Map<number, number> | undefined;
    if (d.utilSupported) {
      const samples = optional(() => this.nvml.processUtilization(handle, lastUtil));
      if (samples === undefined) {
        if (gpuInstance === undefined) d.utilSupported = false;
      } else {
        sm = averageSm(samples);
        let last = lastUtil;
        for (const s of samples) if (s.timeStamp > last) last = s.timeStamp;
        setLast(last);
      }
    }
    for (const p of procs) {
      out.push({
        pid: p.pid,
        gpuIndex,
        usedMemoryMiB: p.usedGpuMemoryBytes / (1024 * 1024),
        // a process NVML sampled nothing for since the last read did not use the SMs
        ...(sm ? { smUtilization: sm.get(p.pid) ?? 0 } : {}),
        ...(gpuInstance !== undefined ? { gpuInstance } : p.gpuInstanceId !== undefined ? { gpuInstance: p.gpuInstanceId } : {}),
      });
    }
  }

  /** MIG devices of a GPU: their processes, and their power where NVML reports it. Undefined when none is found. */
  private readInstances(d: DeviceState, at: number, processes: GpuProcessUsage[]): GpuInstanceReading[] | undefined {
    const max = optional(() => this.nvml.maxMigDeviceCount(d.handle)) ?? 0;
    const out: GpuInstanceReading[] = [];
    for (let slot = 0; slot < max; slot++) {
      const mh = optional(() => this.nvml.migDeviceHandleByIndex(d.handle, slot));
      if (mh === undefined) continue;
      const id = this.nvml.gpuInstanceId(mh);
      const uuid = this.nvml.uuid(mh);
      let watts: number | undefined;
      const mj = optional(() => this.nvml.totalEnergyConsumption(mh));
      if (mj !== undefined) {
        let c = d.instanceCounters.get(uuid);
        if (!c) d.instanceCounters.set(uuid, (c = new EnergyCounter(d.counter.maxPlausibleWatts)));
        const s = c.step(mj, at);
        if (s.kind === 'ok') watts = s.watts;
      }
      this.readProcesses(d, mh, d.index, id, processes, (last) => d.instanceLastUtil.set(uuid, last), d.instanceLastUtil.get(uuid) ?? 0n);
      out.push({ id, uuid, ...(watts !== undefined ? { watts } : {}) });
    }
    return out.length > 0 ? out : undefined;
  }

  private warnOnce(key: string, msg: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.log.warn({ gpu: key.split(':')[0] }, msg);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      this.nvml.shutdown();
    } catch (err) {
      this.log.warn({ err }, 'nvmlShutdown failed');
    }
  }
}
