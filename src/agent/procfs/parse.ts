/**
 * @module agent/procfs/parse
 * Pure parsers for the procfs files the agent reads: the aggregate `cpu` line of `/proc/stat`,
 * `/proc/<pid>/stat` (parsed from bytes without building strings: this is the hot path) and
 * NUL-separated `cmdline`.
 */

/** CPU time counters of the aggregate `cpu` line of `/proc/stat`, in clock ticks. */
export interface CpuTimes {
  /** user + nice + system + idle + iowait + irq + softirq + steal (guest time is already in user). */
  total: number;
  /** idle + iowait: iowait counts as idle. */
  idle: number;
}

/** Parses the aggregate `cpu ` line of `/proc/stat`; undefined when it is missing or malformed. */
export function parseCpuTimes(text: string): CpuTimes | undefined {
  const start = text.startsWith('cpu ') ? 0 : text.indexOf('\ncpu ') + 1;
  if (start < 0 || !text.startsWith('cpu ', start)) return undefined;
  const end = text.indexOf('\n', start);
  const fields = text
    .slice(start + 4, end < 0 ? undefined : end)
    .trim()
    .split(/\s+/);
  if (fields.length < 4) return undefined;
  const v: number[] = [];
  for (let i = 0; i < Math.min(8, fields.length); i++) {
    const n = Number(fields[i]);
    if (!Number.isFinite(n) || n < 0) return undefined;
    v.push(n);
  }
  const total = v.reduce((a, b) => a + b, 0);
  const idle = v[3] + (v[4] ?? 0);
  return { total, idle };
}

/**
 * Busy ratio between two readings: (Δtotal − Δidle) / Δtotal, clamped to [0,1]. 0 when the counters did
 * not advance or went backwards (a reset).
 */
export function busyRatio(prev: CpuTimes, cur: CpuTimes): number {
  const dt = cur.total - prev.total;
  const di = cur.idle - prev.idle;
  if (!(dt > 0) || di < 0) return 0;
  const r = (dt - di) / dt;
  return r < 0 ? 0 : r > 1 ? 1 : r;
}

/** Fields of `/proc/<pid>/stat` the agent uses. Reused between calls to avoid allocation. */
export interface PidStat {
  pid: number;
  /** Byte offsets of `comm` (between the first `(` and the last `)`). */
  commStart: number;
  commEnd: number;
  ppid: number;
  /** utime + stime in clock ticks. */
  cpuTicks: number;
  /** Start time after boot in clock ticks (identifies a process together with its pid). */
  startTime: number;
}

/** A fresh {@link PidStat} to parse into. */
export function emptyPidStat(): PidStat {
  return { pid: 0, commStart: 0, commEnd: 0, ppid: 0, cpuTicks: 0, startTime: 0 };
}

const SPACE = 0x20;
const RPAREN = 0x29;
const LPAREN = 0x28;

/**
 * Parses `/proc/<pid>/stat` bytes `buf[0..len)` into `out`. `comm` may contain spaces and parentheses,
 * so fields are counted from the LAST `)`. Returns false when the content is malformed or truncated.
 */
export function parsePidStatInto(buf: Uint8Array, len: number, out: PidStat): boolean {
  let i = 0;
  let pid = 0;
  while (i < len && buf[i] >= 0x30 && buf[i] <= 0x39) pid = pid * 10 + (buf[i++] - 0x30);
  if (i === 0 || i >= len || buf[i] !== SPACE || buf[i + 1] !== LPAREN) return false;
  const commStart = i + 2;
  let close = len - 1;
  while (close > commStart && buf[close] !== RPAREN) close--;
  if (close < commStart || buf[close] !== RPAREN) return false;
  // Tokens after ')': state is token 1 (field 3); ppid 2; utime 12; stime 13; starttime 20.
  let p = close + 1;
  let token = 0;
  let ppid = 0;
  let utime = -1;
  let stime = -1;
  let start = -1;
  while (p < len && token < 20) {
    while (p < len && buf[p] === SPACE) p++;
    if (p >= len) break;
    token++;
    if (token === 2 || token === 12 || token === 13 || token === 20) {
      let n = 0;
      let digits = 0;
      let neg = false;
      if (buf[p] === 0x2d) {
        neg = true;
        p++;
      }
      while (p < len && buf[p] >= 0x30 && buf[p] <= 0x39) {
        n = n * 10 + (buf[p++] - 0x30);
        digits++;
      }
      if (digits === 0 || (p < len && buf[p] !== SPACE && buf[p] !== 0x0a)) return false;
      if (neg) n = -n;
      if (token === 2) ppid = n;
      else if (token === 12) utime = n;
      else if (token === 13) stime = n;
      else start = n;
    } else {
      while (p < len && buf[p] !== SPACE) p++;
    }
  }
  if (utime < 0 || stime < 0 || start < 0) return false;
  out.pid = pid;
  out.commStart = commStart;
  out.commEnd = close;
  out.ppid = ppid;
  out.cpuTicks = utime + stime;
  out.startTime = start;
  return true;
}

/** Splits a NUL-separated `cmdline` into its arguments (a trailing NUL is not an empty argument). */
export function parseCmdline(raw: string): string[] {
  if (raw.length === 0) return [];
  const parts = raw.split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}
