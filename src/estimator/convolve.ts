/**
 * @module estimator/convolve
 * The min-plus convolution at the heart of the placement DP (pure), written for V8's optimising compiler:
 * typed arrays only, no closures, calls or allocations in the loops, and a 4 × 4 register tile that
 * computes four outputs at once from seven loads of `a` and four of `b` (16 additions for 11 loads
 * instead of 32). Folds can write into a caller's buffer. bench/estimator.bench.ts compares it with the
 * textbook loop and with this same kernel compiled from C.
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
 * `arg[t]` receives the k (index into b) of a minimiser; ties keep the smallest k. When `out` is given
 * (length n+1, neither `a` nor `b`), the result is written there and returned, so a fold can reuse two
 * buffers instead of allocating one per step.
 *
 * Exact, and equal bit for bit to the textbook double loop (each output visits its k in ascending order
 * and keeps the first strict minimum). It stops as soon as no later k can win
 * (`min(a) + min(b[k..]) ≥ best`, which cuts work when curves grow, as power does). No index outside
 * `a`, `b` or `out` is ever read.
 */
export function minPlusConvolve(a: Float64Array, b: Float64Array, n: number, arg?: Int32Array, out?: Float64Array): Float64Array {
  if (out && (out.length !== n + 1 || out === a || out === b))
    throw new RangeError('minPlusConvolve: out must have length n+1 and be neither a nor b');
  const res = out ?? new Float64Array(n + 1);
  const fa = lastFinite(a);
  const fb = lastFinite(b);
  if (fa < 0 || fb < 0) return res.fill(Infinity);
  const tMax = Math.min(n, fa + fb);
  let aMin = Infinity;
  for (let i = 0; i <= fa; i++) if (a[i] < aMin) aMin = a[i];
  if (suffix.length < fb + 2) suffix = new Float64Array(Math.max(fb + 2, 2 * suffix.length));
  const bSuf = suffix;
  bSuf[fb + 1] = Infinity;
  for (let k = fb; k >= 0; k--) bSuf[k] = b[k] < bSuf[k + 1] ? b[k] : bSuf[k + 1];
  if (arg) convolveArg(a, b, fa, fb, tMax, aMin, bSuf, res, arg);
  else convolveTiled(a, b, fa, fb, tMax, aMin, bSuf, res);
  for (let t = tMax + 1; t <= n; t++) res[t] = Infinity;
  return res;
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
 * Outputs t..t+3 together, in one function with no calls (so its speed does not hang on the compiler's
 * inlining decisions). For a block, the k that all four outputs share form [lo, hi]; each output first
 * takes its own few k below lo (at most 3), then the shared ones in 4 × 4 tiles (pairs (t+d, k+s) read
 * a[j+d−s] with j = t−k, so seven values of `a` serve all sixteen), then its own k from there up to
 * min(t+d, fb), stopping at the bound. The bound is checked once per tile against the largest of the four
 * minima. Every output visits its k in ascending order, as the textbook loop does.
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
  // blocks need fa ≥ 3 (so that lo ≤ t and every index below stays inside a); the first fold of a solve
  // (the identity, fa = 0) goes output by output
  for (; fa >= 3 && t + 3 <= tMax; t += 4) {
    const lo = t + 3 - fa > 0 ? t + 3 - fa : 0;
    const hi = t < fb ? t : fb;
    let m0 = Infinity;
    let m1 = Infinity;
    let m2 = Infinity;
    let m3 = Infinity;
    // below lo (and at most fb): output t+d may use k when t+d−k ≤ fa (k ≥ t−fa holds for all four)
    const end = lo < hi + 1 ? lo : hi + 1;
    for (let k = t - fa > 0 ? t - fa : 0; k < end; k++) {
      const j = t - k;
      const c = b[k];
      let v = a[j] + c;
      if (v < m0) m0 = v;
      if (j + 1 > fa) continue;
      v = a[j + 1] + c;
      if (v < m1) m1 = v;
      if (j + 2 > fa) continue;
      v = a[j + 2] + c;
      if (v < m2) m2 = v;
      if (j + 3 > fa) continue;
      v = a[j + 3] + c;
      if (v < m3) m3 = v;
    }
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
    // the rest of each output's k (fewer than 4 of the shared ones, or all of them after a cut, where the
    // bound stops at once for the largest minimum), up to min(t+d, fb)
    for (let q = k; q <= hi && aMin + bSuf[q] < m0; q++) {
      const v = a[t - q] + b[q];
      if (v < m0) m0 = v;
    }
    const h1 = t + 1 < fb ? t + 1 : fb;
    for (let q = k; q <= h1 && aMin + bSuf[q] < m1; q++) {
      const v = a[t + 1 - q] + b[q];
      if (v < m1) m1 = v;
    }
    const h2 = t + 2 < fb ? t + 2 : fb;
    for (let q = k; q <= h2 && aMin + bSuf[q] < m2; q++) {
      const v = a[t + 2 - q] + b[q];
      if (v < m2) m2 = v;
    }
    const h3 = t + 3 < fb ? t + 3 : fb;
    for (let q = k; q <= h3 && aMin + bSuf[q] < m3; q++) {
      const v = a[t + 3 - q] + b[q];
      if (v < m3) m3 = v;
    }
    out[t] = m0;
    out[t + 1] = m1;
    out[t + 2] = m2;
    out[t + 3] = m3;
  }
  // the last outputs one by one
  for (; t <= tMax; t++) {
    const h = t < fb ? t : fb;
    let m = Infinity;
    for (let q = t - fa > 0 ? t - fa : 0; q <= h && aMin + bSuf[q] < m; q++) {
      const v = a[t - q] + b[q];
      if (v < m) m = v;
    }
    out[t] = m;
  }
}

/**
 * Runs every path of both kernels once on small curves, at load. V8 optimises a kernel while its first
 * large call is still running (on-stack replacement, OSR), and code that has not run by then has no type
 * feedback: the optimised code bails out when it gets there, and the cached OSR code is entered and
 * bailed out of again on later calls (seen with --trace-deopt: a 1,000 × 1,000 solve then took 277–380 ms
 * CPU instead of 205–225). With feedback for every path beforehand, no optimised kernel meets a path it
 * has not seen.
 */
function trainKernels(): void {
  const curve = (len: number, fin: number, f: (i: number) => number) => Float64Array.from({ length: len }, (_v, i) => (i <= fin ? f(i) : Infinity));
  const growing = curve(24, 23, (i) => i * i + 3 * i);
  const capped = curve(24, 9, (i) => 2 * i);
  const falling = curve(24, 23, (i) => (i % 3) - i);
  const short = curve(3, 1, (i) => i);
  const n = 30;
  const pairs = [
    [growing, growing],
    [capped, growing],
    [growing, capped],
    [falling, falling],
    [capped, falling],
    [short, growing],
    [growing, short],
  ];
  for (const [a, b] of pairs) {
    minPlusConvolve(a, b, n);
    minPlusConvolve(a, b, n, undefined, new Float64Array(n + 1));
    minPlusConvolve(a, b, n - 1, new Int32Array(n));
  }
}
trainKernels();
