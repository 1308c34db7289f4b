/**
 * @module test/helpers/estimator/exhaustive
 * WAO-Estimator's reference search, kept for tests and the benchmark's speed ratio: for each m = 1..N
 * separately it enumerates every vector (k_1..k_n) with k_i in 0..m as a base-(m+1) number (first node
 * most significant), keeps those with Σk_i = m, and returns the minimum of Σ_{k_i>0} D[i][k_i−1]. A
 * strictly lower cost resets the pattern list and an equal one appends, so `patterns[0]` is the
 * lexicographically smallest optimal vector. The enumeration size (m+1)^nodes must stay ≤ 10^7, as in WAO.
 */

/** WAO's enumeration limit (`maxPowMN`). */
export const MAX_ENUMERATION = 10_000_000;

/** Result of {@link exhaustiveLeastCosts}. */
export interface ExhaustiveResult {
  /** `costs[m-1]` = minimum total for m workloads. */
  costs: number[];
  /** `patterns[m-1]` = the lexicographically smallest optimal vector for m. */
  patterns: number[][];
}

/**
 * Runs WAO's exhaustive search on a diff matrix (`diffs[i][k-1]` = node i's increase for k workloads,
 * every row of length N). Throws a RangeError when a size exceeds {@link MAX_ENUMERATION} or rows differ
 * in length.
 */
export function exhaustiveLeastCosts(diffs: readonly (readonly number[])[]): ExhaustiveResult {
  const nodes = diffs.length;
  const n = nodes === 0 ? 0 : diffs[0].length;
  if (diffs.some((r) => r.length !== n)) throw new RangeError('rows differ in length');
  const costs: number[] = [];
  const patterns: number[][] = [];
  if (nodes === 0) return { costs, patterns };
  for (let m = 1; m <= n; m++) {
    const size = Math.pow(m + 1, nodes);
    if (size > MAX_ENUMERATION) throw new RangeError(`large requests need sampling: (${m}+1)^${nodes} > ${MAX_ENUMERATION}`);
    const digits = new Array<number>(nodes).fill(0);
    let best = Infinity;
    let bestPattern: number[] | undefined;
    for (let x = 0; x < size; x++) {
      if (x > 0) increment(digits, m);
      let sum = 0;
      for (const d of digits) sum += d;
      if (sum !== m) continue;
      let cost = 0;
      for (let i = 0; i < nodes; i++) if (digits[i] > 0) cost += diffs[i][digits[i] - 1];
      if (cost < best || bestPattern === undefined) {
        best = cost;
        bestPattern = [...digits];
      }
    }
    costs.push(best);
    patterns.push(bestPattern ?? []);
  }
  return { costs, patterns };
}

/** Adds one to a base-(m+1) number whose most significant digit is first. */
function increment(digits: number[], m: number): void {
  for (let i = digits.length - 1; i >= 0; i--) {
    if (digits[i] < m) {
      digits[i]++;
      return;
    }
    digits[i] = 0;
  }
}
