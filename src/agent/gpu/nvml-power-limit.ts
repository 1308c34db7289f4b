/**
 * @module agent/gpu/nvml-power-limit
 * The `NodePowerLimit` action on NVIDIA GPUs: `nvmlDeviceSetPowerManagementLimit` within the board's
 * `nvmlDeviceGetPowerManagementLimitConstraints`, opt-in (`gpu.powerLimit.enable`). The limit of each
 * GPU found at start is remembered, and every limit this agent changed is put back on `close` (agent
 * exit) and by `restore`. Setting a limit needs root in the GPU's driver; NVML's refusal is reported.
 */
import type { Logger } from '../../core/logger.js';
import type { NodePowerLimit, PowerLimitDevice } from '../../core/node-power-limit.js';
import { ERR_NOT_FOUND, errorMessage } from '../../core/errors.js';
import type { NvmlApi, NvmlHandle } from './nvml-api.js';
import { ERR_GPU_LIMIT_BAD_REQUEST, ERR_GPU_LIMIT_FAILED } from './errors.js';

interface LimitState {
  gpu: number;
  uuid: string;
  name: string;
  handle: NvmlHandle;
  minWatts: number;
  maxWatts: number;
  originalWatts: number;
}

/** GPU power limits through NVML. `nvml` must be initialised; `close` shuts it down. */
export class NvmlPowerLimit implements NodePowerLimit {
  private readonly states: LimitState[];
  private readonly changed = new Set<number>();
  private closed = false;

  constructor(
    private readonly nvml: NvmlApi,
    private readonly log: Logger,
  ) {
    const n = nvml.deviceCount();
    this.states = [];
    for (let gpu = 0; gpu < n; gpu++) {
      const handle = nvml.handleByIndex(gpu);
      const range = nvml.powerManagementLimitConstraints(handle);
      this.states.push({
        gpu,
        uuid: nvml.uuid(handle),
        name: nvml.name(handle),
        handle,
        minWatts: range.min / 1000,
        maxWatts: range.max / 1000,
        originalWatts: nvml.powerManagementLimit(handle) / 1000,
      });
    }
  }

  private view(s: LimitState): PowerLimitDevice {
    return {
      gpu: s.gpu,
      uuid: s.uuid,
      name: s.name,
      limitWatts: this.nvml.powerManagementLimit(s.handle) / 1000,
      minWatts: s.minWatts,
      maxWatts: s.maxWatts,
      originalWatts: s.originalWatts,
    };
  }

  private find(gpu: string): LimitState {
    const s = /^\d+$/.test(gpu) ? this.states[Number(gpu)] : this.states.find((x) => x.uuid === gpu);
    if (!s)
      throw ERR_NOT_FOUND(`no GPU ${JSON.stringify(gpu)} on this node (GPUs: ${this.states.map((x) => `${x.gpu} ${x.uuid}`).join(', ') || 'none'})`, {
        field: 'gpu',
      });
    return s;
  }

  private apply(s: LimitState, watts: number): void {
    try {
      this.nvml.setPowerManagementLimit(s.handle, watts * 1000);
    } catch (err) {
      throw ERR_GPU_LIMIT_FAILED(`GPU ${s.gpu}: ${errorMessage(err)} (setting a GPU power limit needs root)`, { field: 'gpu' });
    }
  }

  /** The GPUs and their limits; GPUs that do not answer now (lost) are left out. */
  async devices(): Promise<PowerLimitDevice[]> {
    const out: PowerLimitDevice[] = [];
    for (const s of this.states) {
      try {
        out.push(this.view(s));
      } catch (err) {
        this.log.debug({ err, gpu: s.gpu }, 'GPU does not answer; left out of the power-limit list');
      }
    }
    return out;
  }

  async set(gpu: string, watts: number): Promise<PowerLimitDevice> {
    const s = this.find(gpu);
    if (!Number.isFinite(watts) || watts < s.minWatts || watts > s.maxWatts) {
      throw ERR_GPU_LIMIT_BAD_REQUEST(`watts must be within GPU ${s.gpu}'s range ${s.minWatts}..${s.maxWatts} W, got ${watts}`, { field: 'watts' });
    }
    this.apply(s, watts);
    this.changed.add(s.gpu);
    this.log.info({ gpu: s.gpu, uuid: s.uuid, watts, originalWatts: s.originalWatts }, `GPU ${s.gpu} power limit set to ${watts} W`);
    return this.view(s);
  }

  async restore(gpu?: string): Promise<PowerLimitDevice[]> {
    const targets = gpu === undefined ? this.states.filter((s) => this.changed.has(s.gpu)) : [this.find(gpu)];
    for (const s of targets) {
      this.apply(s, s.originalWatts);
      this.changed.delete(s.gpu);
      this.log.info({ gpu: s.gpu, watts: s.originalWatts }, `GPU ${s.gpu} power limit restored to ${s.originalWatts} W`);
    }
    return targets.map((s) => this.view(s));
  }

  /** Restores every changed limit, then shuts NVML down. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const gpu of [...this.changed]) {
      try {
        await this.restore(String(gpu));
      } catch (err) {
        this.log.error({ err, gpu }, `restoring GPU ${gpu}'s power limit failed`);
      }
    }
    try {
      this.nvml.shutdown();
    } catch (err) {
      this.log.warn({ err }, 'nvmlShutdown failed');
    }
  }
}
