/**
 * @module modelserver/training/time-range
 * Times for `--start` / `--end` and the train API: RFC 3339, Unix seconds, `now`, and relative times
 * (`-1h`, `now-30m`), all as Unix seconds.
 */
import { parseDuration } from '../../core/duration.js';

/** Parses a time; undefined when `text` is not one. `now` is Unix seconds. */
export function parseTime(text: string, now: number): number | undefined {
  const s = text.trim();
  if (s === '') return undefined;
  if (s === 'now') return now;
  const rel = /^(?:now)?-(.+)$/.exec(s);
  if (rel) {
    const ms = parseDuration(rel[1]);
    return ms === undefined || /^\d+(\.\d+)?$/.test(rel[1]) ? undefined : now - ms / 1000;
  }
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(s)) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t / 1000;
}
