/**
 * @module agent/attribution/apportion
 * Exact integer division of energy: the largest-remainder method gives integer shares proportional to
 * weights whose sum equals the total exactly, so attributed microjoules are conserved.
 */

/**
 * Splits the integer `total` into integer shares proportional to `weights` (non-negative). The shares
 * sum to `total` exactly when Σweights > 0; all shares are 0 when Σweights = 0 (nothing to divide by).
 * Ties in remainders go to the lower index, so the result is deterministic.
 */
export function apportion(total: number, weights: ArrayLike<number>): number[] {
  const n = weights.length;
  const out = new Array<number>(n).fill(0);
  if (n === 0 || !(total > 0)) return out;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += weights[i] > 0 ? weights[i] : 0;
  if (!(sum > 0)) return out;
  const rem = new Float64Array(n);
  let given = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i] > 0 ? weights[i] : 0;
    if (w === 0) continue;
    const exact = total * w;
    const q = Math.floor(exact / sum);
    out[i] = q;
    given += q;
    rem[i] = exact - q * sum;
  }
  let left = total - given;
  if (left <= 0) return out;
  const idx = Array.from({ length: n }, (_, i) => i).filter((i) => rem[i] > 0);
  idx.sort((a, b) => rem[b] - rem[a] || a - b);
  for (let k = 0; k < idx.length && left > 0; k++, left--) out[idx[k]]++;
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
