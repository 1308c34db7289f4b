/**
 * @module core/duration
 * Go-style durations (`1h2m3s`, `500ms`, `1.5s`) as used by Kepler and Prometheus flags.
 */
const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses a duration string into milliseconds; undefined when it is not one. A bare number is seconds. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)/gy;
  let total = 0;
  let pos = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    total += Number(m[1]) * UNIT_MS[m[2]];
    pos = re.lastIndex;
  }
  return pos === s.length && pos > 0 ? total : undefined;
}

/** Formats milliseconds as a compact duration (`5s`, `500ms`, `2m30s`). */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms % 1000 !== 0) return `${formatDuration(ms - (ms % 1000))}${ms % 1000}ms`;
  let s = ms / 1000;
  const h = Math.floor(s / 3600); s -= h * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  return `${h ? h + 'h' : ''}${m ? m + 'm' : ''}${s ? s + 's' : ''}`;
}

/** One component of a Go-style duration (`1.5s`, `500ms`). */
const COMPONENT = '[0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h)';

/**
 * A regular expression (RE2-safe, for CRD `pattern`s) for Go-style durations that have at least one
 * component of `minMs` or more on its own (`minMs` a power of ten from 1 ms to 1 s): `0s`, `50ms`
 * and `0.05s` fail `minDurationPattern(100)`. A schema can say no more than that; the exact minimum
 * (the sum of all components) is {@link durationBelow}'s. Pure.
 */
export function minDurationPattern(minMs: number): string {
  const k = Math.log10(minMs);
  if (!Number.isInteger(k) || k < 0 || k > 3) throw new RangeError(`minDurationPattern: ${minMs} ms is not a power of ten from 1 to 1000`);
  const atLeast = (digits: number) => `0*[1-9][0-9]{${digits - 1},}(\\.[0-9]+)?`;
  const fractionOfSecond = minMs === 1000 ? '' : `|0+\\.0{0,${2 - k}}[1-9][0-9]*`;
  const seconds = `(0*[1-9][0-9]*(\\.[0-9]+)?${fractionOfSecond})s`;
  const big = [`${atLeast(k + 1)}ms`, `${atLeast(k + 4)}(us|µs)`, `${atLeast(k + 7)}ns`, seconds, '([0-9]*[1-9][0-9]*(\\.[0-9]+)?|[0-9]+\\.[0-9]*[1-9][0-9]*)(m|h)'];
  return `^(${COMPONENT})*(${big.join('|')})(${COMPONENT})*$`;
}

/**
 * Why `text` is not a duration of at least `minMs`, or undefined when it is: the one rule behind a
 * command's flag, a config file and admission of the custom resources that carry the value. Pure.
 */
export function durationBelow(text: string, minMs: number): string | undefined {
  const ms = parseDuration(text);
  if (ms === undefined) return `must be a duration like 5s or 500ms, got ${JSON.stringify(text)}`;
  if (ms < minMs) return `must be a duration of at least ${formatDuration(minMs)}, got ${JSON.stringify(text)}`;
  return undefined;
}
