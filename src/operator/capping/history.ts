/**
 * @module operator/capping/history
 * The Recommender's memory of one target's power, as VPA keeps usage: a decaying histogram of watts
 * per replica (exponential buckets, sample weights doubling every half-life so that old samples fade
 * without rewriting the buckets), answering percentiles; and a short forecast of the target's total
 * watts from a least-squares line over the recent samples. Pure data structures, no I/O.
 */

/** Options of {@link DecayingHistogram}. */
export interface HistogramOptions {
  /** Smallest bucket boundary in watts (default 0.1). */
  firstBucketWatts?: number;
  /** Ratio between consecutive boundaries (default 1.05: 5% resolution). */
  ratio?: number;
  /** Largest value kept in watts (default 100 kW). */
  maxWatts?: number;
  /** Half-life of a sample's weight in seconds (default 1 h). */
  halfLifeSeconds?: number;
}

/** A decaying histogram of watts. */
export class DecayingHistogram {
  readonly #first: number;
  readonly #logRatio: number;
  readonly #halfLife: number;
  readonly #weights: Float64Array;
  #reference: number | undefined;
  #total = 0;

  constructor(opts: HistogramOptions = {}) {
    this.#first = opts.firstBucketWatts ?? 0.1;
    this.#logRatio = Math.log(opts.ratio ?? 1.05);
    this.#halfLife = opts.halfLifeSeconds ?? 3600;
    const buckets = Math.ceil(Math.log((opts.maxWatts ?? 100_000) / this.#first) / this.#logRatio) + 2;
    this.#weights = new Float64Array(buckets);
  }

  #bucket(w: number): number {
    if (w < this.#first) return 0;
    return Math.min(this.#weights.length - 1, 1 + Math.floor(Math.log(w / this.#first) / this.#logRatio));
  }

  /** Upper boundary of a bucket in watts. */
  #upper(i: number): number {
    return this.#first * Math.exp(i * this.#logRatio);
  }

  /** Adds a sample taken at `atSeconds`. Non-finite or negative values are ignored. */
  add(watts: number, atSeconds: number): void {
    if (!Number.isFinite(watts) || watts < 0) return;
    if (this.#reference === undefined) this.#reference = atSeconds;
    // Weights are relative to the reference time; renormalise before they overflow.
    if (atSeconds - this.#reference > 50 * this.#halfLife) {
      const scale = Math.pow(2, -(atSeconds - this.#reference) / this.#halfLife);
      for (let i = 0; i < this.#weights.length; i++) this.#weights[i] *= scale;
      this.#total *= scale;
      this.#reference = atSeconds;
    }
    const weight = Math.pow(2, (atSeconds - this.#reference) / this.#halfLife);
    this.#weights[this.#bucket(watts)] += weight;
    this.#total += weight;
  }

  /** True when no sample was added. */
  get empty(): boolean {
    return this.#total === 0;
  }

  /** The `q` quantile (0..1) in watts (a bucket's upper boundary); undefined when empty. */
  percentile(q: number): number | undefined {
    if (this.#total === 0) return undefined;
    const threshold = q * this.#total;
    let acc = 0;
    for (let i = 0; i < this.#weights.length; i++) {
      acc += this.#weights[i];
      if (acc >= threshold && this.#weights[i] > 0) return i === 0 ? this.#first : this.#upper(i);
    }
    return this.#upper(this.#weights.length - 1);
  }
}

/** A bounded series of `[seconds, value]` samples with a linear forecast. */
export class ShortSeries {
  readonly #samples: Array<[number, number]> = [];
  readonly #keepSeconds: number;

  /** Keeps samples younger than `keepSeconds` (default 24 h, enough for percentOf* windows). */
  constructor(keepSeconds = 86_400) {
    this.#keepSeconds = keepSeconds;
  }

  /** Adds a sample (ignores non-finite values). */
  add(atSeconds: number, value: number): void {
    if (!Number.isFinite(value)) return;
    this.#samples.push([atSeconds, value]);
    while (this.#samples.length > 0 && this.#samples[0][0] < atSeconds - this.#keepSeconds) this.#samples.shift();
  }

  /** Samples within the last `windowSeconds` of `nowSeconds`. */
  window(nowSeconds: number, windowSeconds: number): Array<[number, number]> {
    return this.#samples.filter(([t]) => t > nowSeconds - windowSeconds && t <= nowSeconds);
  }

  /** Largest value over the window; undefined when it holds no sample. */
  max(nowSeconds: number, windowSeconds: number): number | undefined {
    const w = this.window(nowSeconds, windowSeconds);
    return w.length === 0 ? undefined : Math.max(...w.map(([, v]) => v));
  }

  /** Mean over the window; undefined when it holds no sample. */
  mean(nowSeconds: number, windowSeconds: number): number | undefined {
    const w = this.window(nowSeconds, windowSeconds);
    return w.length === 0 ? undefined : w.reduce((s, [, v]) => s + v, 0) / w.length;
  }

  /**
   * Forecast `aheadSeconds` after `nowSeconds`: the least-squares line over the samples of the last
   * `fitSeconds`, never below 0; with fewer than 3 samples, the last value. Undefined when empty.
   */
  forecast(nowSeconds: number, aheadSeconds: number, fitSeconds: number): number | undefined {
    const w = this.window(nowSeconds, fitSeconds);
    if (w.length === 0) return undefined;
    const last = w[w.length - 1][1];
    if (w.length < 3) return last;
    return Math.max(0, linearAt(w, nowSeconds + aheadSeconds) ?? last);
  }
}

/** The least-squares line through `points` evaluated at `x`; undefined when all x are equal. Pure. */
export function linearAt(points: ReadonlyArray<readonly [number, number]>, x: number): number | undefined {
  const n = points.length;
  const mx = points.reduce((s, [t]) => s + t, 0) / n;
  const my = points.reduce((s, [, v]) => s + v, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const [t, v] of points) {
    sxx += (t - mx) * (t - mx);
    sxy += (t - mx) * (v - my);
  }
  if (sxx === 0) return undefined;
  return my + (sxy / sxx) * (x - mx);
}
