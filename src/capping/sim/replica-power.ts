/**
 * @module capping/sim/replica-power
 * What the simulator's recommender knows about one workload's replicas: a window of per-replica power
 * samples (for p50/p90) and a decaying least-squares line of power against load per replica (for the
 * power at capacity and at no load, each plus 1.28 standard deviations of the residuals, their 90th percentile if normal). Like the operator's Recommender, it sees only
 * measurements; it never reads the scenario's power model.
 */

/** First index of `sorted` whose value is not below `v`. */
function lowerBound(sorted: readonly number[], v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** p50/p90 and power at capacity of one replica, as the capping state carries them. */
export interface ReplicaWatts {
  p50: number;
  p90: number;
  atCapacity?: number;
  atIdle?: number;
}

/** Per-workload estimator of per-replica power. */
export class ReplicaPowerEstimator {
  private samples: number[] = [];
  private times: number[] = [];
  /** The window's samples, sorted. */
  private sorted: number[] = [];
  private rw = 0;
  private r2 = 0;
  private sw = 0;
  private sx = 0;
  private sy = 0;
  private sxx = 0;
  private sxy = 0;

  /**
   * @param capacity load units one replica serves (the policy's work per replica)
   * @param windowSeconds how long samples count for p50/p90
   * @param decay weight kept per observation in the fit (1 − 1/half-life in samples, roughly)
   */
  constructor(
    private readonly capacity: number,
    private readonly windowSeconds = 600,
    private readonly decay = 0.995,
  ) {}

  /** Records the mean power of one ready replica (`watts`) at `load` per replica, at time `t`. */
  observe(t: number, load: number, watts: number): void {
    const fit = this.fitAt(load);
    if (fit !== undefined) {
      this.rw = this.rw * this.decay + 1;
      this.r2 = this.r2 * this.decay + (watts - fit) ** 2;
    }
    this.samples.push(watts);
    this.times.push(t);
    this.sorted.splice(lowerBound(this.sorted, watts), 0, watts);
    while (this.times.length > 0 && t - this.times[0] >= this.windowSeconds) {
      this.times.shift();
      const gone = this.samples.shift() as number;
      this.sorted.splice(lowerBound(this.sorted, gone), 1);
    }
    this.sw = this.sw * this.decay + 1;
    this.sx = this.sx * this.decay + load;
    this.sy = this.sy * this.decay + watts;
    this.sxx = this.sxx * this.decay + load * load;
    this.sxy = this.sxy * this.decay + load * watts;
  }

  private fitAt(load: number): number | undefined {
    if (this.sw < 2) return undefined;
    const mx = this.sx / this.sw;
    const vx = this.sxx / this.sw - mx * mx;
    if (vx < (0.05 * this.capacity) ** 2) return undefined;
    const slope = (this.sxy / this.sw - mx * (this.sy / this.sw)) / vx;
    return this.sy / this.sw + slope * (load - mx);
  }

  /** The current estimate; undefined before any sample in the window. */
  estimate(): ReplicaWatts | undefined {
    if (this.samples.length === 0) return undefined;
    const sorted = this.sorted;
    const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
    const full = this.fitAt(this.capacity);
    const none = this.fitAt(0);
    if (full === undefined || none === undefined) return { p50: q(0.5), p90: q(0.9) };
    const margin = this.rw > 0 ? 1.2816 * Math.sqrt(this.r2 / this.rw) : 0;
    return { p50: q(0.5), p90: q(0.9), atCapacity: Math.max(0, full + margin), atIdle: Math.max(0, none + margin) };
  }
}
