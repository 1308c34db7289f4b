// @ts-check
// How the page draws the chart history it gets from /api/v1/history/*: lines break where no
// refresh was recorded, 1-minute buckets where a series was missing at some refreshes are marked,
// and the resolution of each part is said in words. Pure functions (no DOM).

/** @typedef {import('../history.js').HistorySegment} HistorySegment */

/**
 * Columns for a uPlot chart: x in unix seconds, with a row of nulls (a line break) inserted before
 * each index of `gaps`, and each column's `partial` indices moved to their new positions.
 * @param {number[]} timestampsMs
 * @param {Array<Array<number | null>>} columns aligned with `timestampsMs`
 * @param {number[]} gaps indices (sorted) with unrecorded time before them
 * @param {number[][]} [partials] per column: indices of partial buckets
 * @returns {{ x: number[], columns: Array<Array<number | null>>, partial: number[][] }}
 */
export function chartColumns(timestampsMs, columns, gaps, partials = []) {
  const breaks = new Set(gaps.filter((i) => i > 0));
  /** @type {number[]} */
  const at = [];
  /** @type {number[]} */
  const x = [];
  /** @type {Array<Array<number | null>>} */
  const out = columns.map(() => []);
  timestampsMs.forEach((ms, i) => {
    if (breaks.has(i)) {
      x.push((timestampsMs[i - 1] + ms) / 2000);
      for (const c of out) c.push(null);
    }
    at.push(x.length);
    x.push(ms / 1000);
    columns.forEach((c, k) => out[k].push(c[i] ?? null));
  });
  return { x, columns: out, partial: columns.map((_, k) => (partials[k] ?? []).map((i) => at[i])) };
}

/**
 * A step in words: `1-min`, `5-s`.
 * @param {number} ms
 */
export function stepText(ms) {
  return ms % 60_000 === 0 ? `${ms / 60_000}-min` : `${Math.round(ms / 100) / 10}-s`;
}

/** @param {string} s */
const capitalized = (s) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The resolution of a history in words, for the caption under its chart, e.g.
 * `1-min averages (time-weighted) until 13:02, then one point per 5-s refresh`.
 * @param {HistorySegment[]} segments
 * @param {number[]} timestampsMs
 * @param {(ms: number) => string} time formats a time of day
 */
export function resolutionText(segments, timestampsMs, time) {
  const raw = segments.find((s) => !s.averaged);
  const avg = segments.find((s) => s.averaged);
  const perRefresh = raw ? `one point per ${stepText(raw.stepMs)} refresh` : '';
  if (!avg) return capitalized(perRefresh);
  const averaged = `${stepText(avg.stepMs)} averages (time-weighted)`;
  return capitalized(raw ? `${averaged} until ${time(timestampsMs[raw.start])}, then ${perRefresh}` : averaged);
}
