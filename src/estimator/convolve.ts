/**
 * @module estimator/convolve
 * The min-plus convolution at the heart of the placement DP (pure), written for V8's optimising compiler:
 * typed arrays only, no closures or allocations in the loops, and a 4 × 4 register tile that computes four
 * outputs at once from seven loads of `a` and four of `b` (16 additions for 11 loads instead of 32), which
 * is what brings it to the speed of the same loop compiled from C (bench/estimator.bench.ts).
 */

/** Index of the last finite entry (−1 when none). */
export function lastFinite(a: Float64Array): number {
  for (let i = a.length - 1; i >= 0; i--) if (a[i] !== Infinity) return i;
  return -1;
}

/** Scratch for the suffix minima of `b`, grown on demand (one solve at a time per thread). */
let suffix = new Float64Array(0);

/**
 * Min-plus convolution truncated to length n+1: `out[t] = min_{j+k=t} a[j] + b[k]`. When `arg` is given,
 * `arg[t]` receives the k (index into b) of a minimiser; ties keep the smallest k.
 *
 * Exact, and equal bit for bit to the textbook double loop (each output visits its k in ascending order
 * and keeps the first strict minimum). It stops as soon as no later k can win
 * (`min(a) + min(b[k..]) ≥ best`, which cuts work when curves grow, as power does).
 */
export function minPlusConvolve(a: Float64Array, b: Float64Array, n: number, arg?: Int32Array): Float64Array {
  const out = new Float64Array(n + 1).fill(Infinity);
  const fa = lastFinite(a);
  const fb = lastFinite(b);
  if (fa < 0 || fb < 0) return out;
  const tMax = Math.min(n, fa + fb);
  let aMin = Infinity;
  for (let i = 0; i <= fa; i++) if (a[i] < aMin) aMin = a[i];
  if (suffix.length < fb + 2) suffix = new Float64Array(Math.max(fb + 2, 2 * suffix.length));
  const bSuf = suffix;
  bSuf[fb + 1] = Infinity;
  for (let k = fb; k >= 0; k--) bSuf[k] = b[k] < bSuf[k + 1] ? b[k] : bSuf[k + 1];
  if (arg) convolveArg(a, b, fa, fb, tMax, aMin, bSuf, out, arg);
  else convolveTiled(a, b, fa, fb, tMax, aMin, bSuf, out);
  return out;
}

/** The textbook loop with the pruning bound, recording argmins (used when placements are explained). */
function convolveArg(
  a: Float64Array,
  b: Float64Array,
  fa: number,
  fb: number,
  tMax: number,
  aMin: number,
  bSuf: Float64Array,
  out: Float64Array,
  arg: Int32Array,
): void {
  for (let t = 0; t <= tMax; t++) {
    const kLo = t - fa > 0 ? t - fa : 0;
    const kHi = t < fb ? t : fb;
    let best = Infinity;
    let bestK = -1;
    for (let k = kLo; k <= kHi && aMin + bSuf[k] < best; k++) {
      const v = a[t - k] + b[k];
      if (v < best) {
        best = v;
        bestK = k;
      }
    }
    out[t] = best;
    arg[t] = bestK;
  }
}

/**
 * Outputs t..t+3 together. For a block, the k that all four outputs share form [lo, hi]; each output first
 * takes its own few k below lo (at most 3), then the shared ones in 4 × 4 tiles (pairs (t+d, k+s) read
 * a[j+d−s] with j = t−k, so seven values of `a` serve all sixteen), then its few k above hi. The bound is
 * checked once per tile against the largest of the four minima.
 */
function convolveTiled(
  a: Float64Array,
  b: Float64Array,
  fa: number,
  fb: number,
  tMax: number,
  aMin: number,
  bSuf: Float64Array,
  out: Float64Array,
): void {
  let t = 0;
  for (; t + 3 <= tMax; t += 4) {
    const lo = t + 3 - fa > 0 ? t + 3 - fa : 0;
    const hi = t < fb ? t : fb;
    let m0 = below(a, b, fa, t, lo);
    let m1 = below(a, b, fa, t + 1, lo);
    let m2 = below(a, b, fa, t + 2, lo);
    let m3 = below(a, b, fa, t + 3, lo);
    let k = lo;
    for (; k + 3 <= hi; k += 4) {
      const mx = (m0 > m1 ? m0 : m1) > (m2 > m3 ? m2 : m3) ? (m0 > m1 ? m0 : m1) : m2 > m3 ? m2 : m3;
      if (aMin + bSuf[k] >= mx) break;
      const j = t - k;
      const x0 = a[j - 3];
      const x1 = a[j - 2];
      const x2 = a[j - 1];
      const x3 = a[j];
      const x4 = a[j + 1];
      const x5 = a[j + 2];
      const x6 = a[j + 3];
      let c = b[k];
      let v = x3 + c;
      if (v < m0) m0 = v;
      v = x4 + c;
      if (v < m1) m1 = v;
      v = x5 + c;
      if (v < m2) m2 = v;
      v = x6 + c;
      if (v < m3) m3 = v;
      c = b[k + 1];
      v = x2 + c;
      if (v < m0) m0 = v;
      v = x3 + c;
      if (v < m1) m1 = v;
      v = x4 + c;
      if (v < m2) m2 = v;
      v = x5 + c;
      if (v < m3) m3 = v;
      c = b[k + 2];
      v = x1 + c;
      if (v < m0) m0 = v;
      v = x2 + c;
      if (v < m1) m1 = v;
      v = x3 + c;
      if (v < m2) m2 = v;
      v = x4 + c;
      if (v < m3) m3 = v;
      c = b[k + 3];
      v = x0 + c;
      if (v < m0) m0 = v;
      v = x1 + c;
      if (v < m1) m1 = v;
      v = x2 + c;
      if (v < m2) m2 = v;
      v = x3 + c;
      if (v < m3) m3 = v;
    }
    // the rest of [lo, hi] (fewer than 4, or all of it after a cut, where none can win) and then above hi
    out[t] = from(a, b, fa, fb, t, k, m0, aMin, bSuf);
    out[t + 1] = from(a, b, fa, fb, t + 1, k, m1, aMin, bSuf);
    out[t + 2] = from(a, b, fa, fb, t + 2, k, m2, aMin, bSuf);
    out[t + 3] = from(a, b, fa, fb, t + 3, k, m3, aMin, bSuf);
  }
  for (; t <= tMax; t++) out[t] = from(a, b, fa, fb, t, 0, Infinity, aMin, bSuf);
}

/** min over k in [max(0, t−fa), end) of a[t−k] + b[k]: one output's own k below a block's shared range. */
function below(a: Float64Array, b: Float64Array, fa: number, t: number, end: number): number {
  let best = Infinity;
  for (let k = t - fa > 0 ? t - fa : 0; k < end; k++) {
    const v = a[t - k] + b[k];
    if (v < best) best = v;
  }
  return best;
}

/** Continues one output's minimum `best` over k = start..min(t, fb), stopping at the bound. */
function from(
  a: Float64Array,
  b: Float64Array,
  fa: number,
  fb: number,
  t: number,
  start: number,
  best: number,
  aMin: number,
  bSuf: Float64Array,
): number {
  const hi = t < fb ? t : fb;
  for (let k = start > t - fa ? start : t - fa; k <= hi && aMin + bSuf[k] < best; k++) {
    const v = a[t - k] + b[k];
    if (v < best) best = v;
  }
  return best;
}
