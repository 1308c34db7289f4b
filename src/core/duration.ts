/**
 * @module core/duration
 * The one duration format of powerplane, for flags, config files and every custom resource:
 * Go/Prometheus-style components `<number><unit>` with units `ns`, `us` (or `µs`), `ms`, `s`, `m`,
 * `h` and `d`, combined in any order (`1h30m`, `1.5s`, `500ms`, `1d12h`). Go's own units (`ns`, `us`)
 * are kept so that every Kepler value parses; Prometheus's `d` so that long values read naturally.
 * {@link DURATION_PATTERN} is the grammar (RE2-safe, the CRDs' `pattern`); {@link parseDuration}
 * accepts exactly the strings it matches and, on flags and in files only, a bare number of seconds
 * (`--monitor.interval 2`, `interval: 2`), as Kepler's flags and powerplane's always took it.
 */

/** Milliseconds per unit. */
const UNIT_MS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A decimal number (no sign, no leading dot). */
const NUMBER = '[0-9]+(\\.[0-9]+)?';
/** The units, longest first where one is the prefix of another (`ms` before `m`). */
const UNIT = '(ns|us|µs|ms|s|m|h|d)';
/** One component of a duration (`1.5s`, `500ms`). */
const COMPONENT = `${NUMBER}${UNIT}`;

/**
 * The duration grammar as a regular expression source (RE2-safe, anchored): one or more components.
 * Every flag, config file and custom resource uses it.
 */
export const DURATION_PATTERN = `^(${COMPONENT})+$`;

const DURATION_RE = new RegExp(DURATION_PATTERN);
const COMPONENT_RE = new RegExp(`(${NUMBER})${UNIT}`, 'g');
const BARE_SECONDS_RE = new RegExp(`^${NUMBER}$`);

/** Parses a duration ({@link DURATION_PATTERN}) into milliseconds; undefined when it is not one. Pure. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (BARE_SECONDS_RE.test(s)) return Number(s) * 1000;
  if (!DURATION_RE.test(s)) return undefined;
  let total = 0;
  for (const m of s.matchAll(COMPONENT_RE)) total += Number(m[1]) * UNIT_MS[m[3]];
  return total;
}

/** Formats milliseconds as a compact duration (`5s`, `500ms`, `2m30s`, `1d`). Pure. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms % 1000 !== 0) return `${formatDuration(ms - (ms % 1000))}${ms % 1000}ms`;
  let s = ms / 1000;
  const d = Math.floor(s / 86_400);
  s -= d * 86_400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${d ? d + 'd' : ''}${h ? h + 'h' : ''}${m ? m + 'm' : ''}${s ? s + 's' : ''}`;
}

/**
 * A regular expression (RE2-safe, for CRD `pattern`s) for durations of {@link DURATION_PATTERN} that
 * have at least one component of `minMs` or more on its own (`minMs` a power of ten from 1 ms to
 * 1 s): `0s`, `50ms` and `0.05s` fail `minDurationPattern(100)`. A schema can say no more than that;
 * the exact minimum (the sum of all components) is {@link durationBelow}'s. `0` or undefined gives
 * {@link DURATION_PATTERN} itself. Pure.
 */
export function minDurationPattern(minMs: number | undefined): string {
  if (!minMs) return DURATION_PATTERN;
  const k = Math.log10(minMs);
  if (!Number.isInteger(k) || k < 0 || k > 3) throw new RangeError(`minDurationPattern: ${minMs} ms is not a power of ten from 1 to 1000`);
  const atLeast = (digits: number) => `0*[1-9][0-9]{${digits - 1},}(\\.[0-9]+)?`;
  const fractionOfSecond = minMs === 1000 ? '' : `|0+\\.0{0,${2 - k}}[1-9][0-9]*`;
  const seconds = `(0*[1-9][0-9]*(\\.[0-9]+)?${fractionOfSecond})`;
  const big = [
    `${atLeast(k + 1)}ms`,
    `${atLeast(k + 4)}(us|µs)`,
    `${atLeast(k + 7)}ns`,
    `${seconds}s`,
    '([0-9]*[1-9][0-9]*(\\.[0-9]+)?|[0-9]+\\.[0-9]*[1-9][0-9]*)(m|h|d)',
  ];
  return `^(${COMPONENT})*(${big.join('|')})(${COMPONENT})*$`;
}

/**
 * Why `text` is not a duration of at least `minMs`, or undefined when it is: the one rule behind a
 * command's flag, a config file and admission of the custom resources that carry the value. Pure.
 */
export function durationBelow(text: string, minMs: number): string | undefined {
  const ms = parseDuration(text);
  if (ms === undefined) return `must be a duration like 5s, 500ms or 1h30m, got ${JSON.stringify(text)}`;
  if (ms < minMs) return `must be a duration of at least ${formatDuration(minMs)}, got ${JSON.stringify(text)}`;
  return undefined;
}
