/**
 * @module agent/attribution/apportion
 * Exact integer division of energy: the largest-remainder method gives integer shares proportional to
 * weights whose sum equals the total exactly, so attributed microjoules are conserved. This runs per
 * zone and level at every refresh over every process, so the core ({@link apportionInto}) writes into
 * caller-owned arrays and reuses its scratch buffers instead of allocating per call.
 */

let remScratch = new Float64Array(1024);
let sortScratch = new Float64Array(1024);

/**
 * The k-th smallest (0-based) of `a[0..m)`, by quickselect (reorders `a`; O(m) on average, where a
 * sort would be O(m log m) and, for typed arrays, copy). Falls back to a sort of the remaining range
 * after many rounds, so adversarial input stays O(m log m).
 */
function kthSmallest(a: Float64Array, m: number, k: number): number {
  let lo = 0;
  let hi = m - 1;
  for (let rounds = 0; hi > lo; rounds++) {
    if (rounds > 64) {
      a.subarray(lo, hi + 1).sort();
      return a[k];
    }
    const mid = (lo + hi) >>> 1;
    // median of three as the pivot
    const p = a[lo];
    const q = a[mid];
    const r = a[hi];
    const low = p < q ? p : q;
    const high = p < q ? q : p;
    const pivot = r < low ? low : r > high ? high : r;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

function scratch(n: number): void {
  if (remScratch.length >= n) return;
  const size = Math.max(n, remScratch.length * 2);
  remScratch = new Float64Array(size);
  sortScratch = new Float64Array(size);
}

/**
 * Splits the integer `total` into integer shares proportional to `weights[0..n)` (negative weights
 * count as 0) and writes share i to `out[offset + i * stride]`. The shares sum to `total` exactly when
 * Σweights > 0; all are 0 when Σweights = 0. Leftover units go to the largest remainders, ties to the
 * lower index, so the result is deterministic. Allocates nothing (scratch buffers grow once).
 */
export function apportionInto(
  total: number,
  weights: { readonly [i: number]: number },
  n: number,
  out: { [i: number]: number },
  offset = 0,
  stride = 1,
): void {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    out[offset + i * stride] = 0;
    const w = weights[i];
    if (w > 0) sum += w;
  }
  if (n === 0 || !(total > 0) || !(sum > 0)) return;
  scratch(n);
  const rem = remScratch;
  let given = 0;
  let withRem = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i];
    if (!(w > 0)) {
      rem[i] = 0;
      continue;
    }
    const exact = total * w;
    const q = Math.floor(exact / sum);
    out[offset + i * stride] = q;
    given += q;
    const r = exact - q * sum;
    rem[i] = r;
    if (r > 0) withRem++;
  }
  let left = total - given;
  if (left <= 0 || withRem === 0) return;
  if (left >= withRem) {
    // every positive remainder gets one unit (the sort would hand out no more than that)
    for (let i = 0; i < n; i++) if (rem[i] > 0) out[offset + i * stride]++;
    return;
  }
  // The `left` largest remainders, ties by lower index: every remainder above the left-th largest one
  // gets a unit; the units still left go to the remainders equal to it, lowest index first.
  const positive = sortScratch;
  for (let i = 0, k = 0; i < n; i++) if (rem[i] > 0) positive[k++] = rem[i];
  const threshold = kthSmallest(positive, withRem, withRem - left);
  for (let i = 0; i < n; i++) {
    if (rem[i] > threshold) {
      out[offset + i * stride]++;
      left--;
    }
  }
  for (let i = 0; i < n && left > 0; i++) {
    if (rem[i] === threshold) {
      out[offset + i * stride]++;
      left--;
    }
  }
}

/**
 * Splits the integer `total` into integer shares proportional to `weights` (non-negative). The shares
 * sum to `total` exactly when Σweights > 0; all shares are 0 when Σweights = 0 (nothing to divide by).
 * Ties in remainders go to the lower index, so the result is deterministic.
 */
export function apportion(total: number, weights: ArrayLike<number>): number[] {
  const out = new Array<number>(weights.length).fill(0);
  apportionInto(total, weights, weights.length, out);
  return out;
}

/** Active and idle parts of one zone's energy delta (integer µJ; active + idle = delta exactly). */
export interface ActiveIdle {
  active: number;
  idle: number;
}

/** Splits a zone's energy delta by the CPU busy ratio: active = round(ΔE × ratio), idle = ΔE − active. */
export function splitActiveIdle(deltaUj: number, busyRatio: number): ActiveIdle {
  const r = busyRatio > 1 ? 1 : busyRatio > 0 ? busyRatio : 0;
  const active = Math.round(deltaUj * r);
  return { active, idle: deltaUj - active };
}
