/**
 * @module agent/monitor/local-model
 * This machine's power curve for the estimator in `up` (`LocalNodeModel`): an estimating meter's own
 * predictor when it exposes one; otherwise a straight line idle + (max − idle) × busy fitted by least
 * squares to the (busy ratio, node watts) pairs the agent observed (measured, or the model meter's own
 * estimates, which a linear model reproduces exactly), once they span enough load; until then a
 * fallback curve (the CCF curve of this CPU).
 */
import type { LocalNodeModel, NodePowerPredictor } from '../../core/contracts.js';
import type { ZoneDescriptor } from '../types.js';

/** A line through (0, idle) and (1, max). */
export interface LinearCurve {
  idleWatts: number;
  maxWatts: number;
}

/** Least-squares line of watts on busy ratio; undefined when the points do not span ≥ `minSpan` of load. */
export function fitLinear(busy: readonly number[], watts: readonly number[], minSpan = 0.2): LinearCurve | undefined {
  const n = busy.length;
  if (n < 10) return undefined;
  let sx = 0;
  let sy = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    sx += busy[i];
    sy += watts[i];
    lo = Math.min(lo, busy[i]);
    hi = Math.max(hi, busy[i]);
  }
  if (hi - lo < minSpan) return undefined;
  const mx = sx / n;
  const my = sy / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (busy[i] - mx) * (watts[i] - my);
    sxx += (busy[i] - mx) ** 2;
  }
  const slope = Math.max(0, sxy / sxx);
  const idle = Math.max(0, my - slope * mx);
  return { idleWatts: idle, maxWatts: idle + slope };
}

const clamp01 = (x: number) => (x > 1 ? 1 : x > 0 ? x : 0);

/** Keeps observed samples and answers the current local model. */
export class LocalModelTracker {
  private readonly busy: number[] = [];
  private readonly watts: number[] = [];
  private lastBusy = 0;
  private fitted: LinearCurve | undefined;

  constructor(
    private readonly nodeName: string,
    private readonly cpus: number,
    private readonly zones: readonly ZoneDescriptor[],
    private readonly fallback: LinearCurve & { name: string },
    private readonly curve?: NodePowerPredictor,
    private readonly maxSamples = 2000,
  ) {}

  /** Records one interval: its busy ratio and node watts (`valid` false for the first, empty interval). */
  observe(busyRatio: number, nodeWatts: number, valid: boolean): void {
    this.lastBusy = busyRatio;
    if (!valid || this.curve || !(nodeWatts > 0)) return;
    this.busy.push(busyRatio);
    this.watts.push(nodeWatts);
    if (this.busy.length > this.maxSamples) {
      this.busy.shift();
      this.watts.shift();
    }
    this.fitted = fitLinear(this.busy, this.watts) ?? this.fitted;
  }

  /** The model as of now. */
  model(): LocalNodeModel {
    const base = { nodeName: this.nodeName, logicalCpus: this.cpus, busyRatio: () => this.lastBusy };
    const curve = this.curve;
    if (curve) {
      const nested = new Set(this.zones.filter((z) => z.nested).map((z) => z.zone));
      return {
        ...base,
        modelName: curve.name,
        wattsAt: (b: number) => {
          const r = clamp01(b);
          const p = curve.predict({ cpu_busy_ratio: r, bpf_cpu_time_ms: r * this.cpus * 1000 });
          let w = 0;
          for (const [zone, v] of Object.entries(p)) if (!nested.has(zone)) w += v;
          return w;
        },
      };
    }
    const line = this.fitted ?? this.fallback;
    const name = this.fitted ? `linear-fit:idle=${line.idleWatts.toFixed(1)},max=${line.maxWatts.toFixed(1)}` : this.fallback.name;
    return { ...base, modelName: name, wattsAt: (b: number) => line.idleWatts + (line.maxWatts - line.idleWatts) * clamp01(b) };
  }
}
