// @ts-check
// Number formatting for the dashboard.

/**
 * Watts with a sensible precision: 0.123 W, 12.3 W, 123 W, 1.23 kW.
 * @param {number | null | undefined} w
 * @returns {string}
 */
export function watts(w) {
  if (w === null || w === undefined || !Number.isFinite(w)) return '–';
  const a = Math.abs(w);
  if (a >= 1000) return `${(w / 1000).toFixed(2)} kW`;
  if (a >= 100) return `${w.toFixed(0)} W`;
  if (a >= 10) return `${w.toFixed(1)} W`;
  return `${w.toFixed(2)} W`;
}

/**
 * Joules, in J, kJ or MJ.
 * @param {number | null | undefined} j
 * @returns {string}
 */
export function joules(j) {
  if (j === null || j === undefined || !Number.isFinite(j)) return '–';
  const a = Math.abs(j);
  if (a >= 1e6) return `${(j / 1e6).toFixed(2)} MJ`;
  if (a >= 1e3) return `${(j / 1e3).toFixed(2)} kJ`;
  return `${j.toFixed(1)} J`;
}

/**
 * A ratio in [0,1] as a percentage.
 * @param {number | null | undefined} r
 * @returns {string}
 */
export function percent(r) {
  if (r === null || r === undefined || !Number.isFinite(r)) return '–';
  return `${(r * 100).toFixed(1)} %`;
}

/**
 * Seconds with one decimal.
 * @param {number | null | undefined} s
 * @returns {string}
 */
export function seconds(s) {
  if (s === null || s === undefined || !Number.isFinite(s)) return '–';
  return `${s.toFixed(1)} s`;
}

/**
 * The estimator's +Inf (1.7976931348623157e308 on the wire) shown as ∞.
 * @param {number | null | undefined} w
 * @returns {string}
 */
export function wattsOrInf(w) {
  return w !== null && w !== undefined && w >= Number.MAX_VALUE ? '∞ (no node can take it)' : watts(w);
}

/**
 * How node power is obtained, in plain words.
 * @param {import('../../core/contracts.js').MeterInfo | null | undefined} meter
 * @returns {string}
 */
export function meterText(meter) {
  if (!meter) return 'no meter';
  /** @type {Record<string, string>} */
  const names = { rapl: 'RAPL (Intel/AMD powercap)', hwmon: 'hwmon sensors', model: 'a power model', fake: 'the fake meter (development)' };
  const what = names[meter.name] ?? meter.name;
  return meter.estimated ? `Estimated by ${what}${meter.model ? ` — model ${meter.model}` : ''}; not measured` : `Measured by ${what}`;
}
