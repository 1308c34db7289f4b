// @ts-check
// Chart scales: pure functions (no DOM), so they are unit-tested in node.

/**
 * The y range of a power chart that starts at 0 (or below, for negative data) so that noise is not
 * magnified: [min(0, min), max + 10 %], and [0, 1] when there is no data.
 * @param {number} min
 * @param {number} max
 * @returns {[number, number]}
 */
export function zeroBasedRange(min, max) {
  if (!Number.isFinite(max) || !Number.isFinite(min)) return [0, 1];
  const lo = Math.min(0, min);
  const hi = max > lo ? max + (max - lo) * 0.1 : lo + 1;
  return [lo, hi];
}
