/**
 * @module agent/procfs/scanner
 * Scans a procfs tree: the aggregate CPU times of `/proc/stat` and every process's CPU time. This is
 * the agent's hot path, so it reads with synchronous calls into one reused buffer, parses bytes without
 * building strings, and reads a process's static data (`comm`, `exe`, `cmdline`, `cgroup` → container,
 * VM) only once per process, keyed by pid and start time (a reused pid is a new process).
 * A process that vanishes between the directory listing and its reads is skipped, not an error.
 */
import { openSync, readSync, closeSync, readdirSync, readlinkSync, constants } from 'node:fs';
import { parseCpuTimes, parsePidStatInto, emptyPidStat, parseCmdline, type CpuTimes } from './parse.js';
import { containerFromCgroup, isCgroupV2, type ContainerRef } from '../workloads/container-id.js';
import { vmFromCmdline, type VmRef } from '../workloads/vm.js';
import type { WorkloadMeta } from '../workloads/ledger.js';
import { ERR_AGENT_PROCFS } from '../errors.js';
import { errorMessage } from '../../core/errors.js';

/** Longest command line kept per process (characters); longer ones end with `…`. */
export const CMDLINE_MAX = 200;

/** A command line for people: arguments joined by spaces, cut to {@link CMDLINE_MAX} characters. */
export function shortCmdline(args: readonly string[]): string {
  const s = args.join(' ');
  return s.length > CMDLINE_MAX ? `${s.slice(0, CMDLINE_MAX - 1)}…` : s;
}

/** One process as last scanned. The object is reused across scans while the process lives. */
export interface ProcessEntry {
  pid: number;
  /** `pid:startTime`: the process's identity (a reused pid is a new process). */
  key: string;
  /** Start time after boot in clock ticks. */
  startTime: number;
  comm: string;
  /** Target of `/proc/<pid>/exe` ('' when unreadable: kernel threads, no privilege). */
  exe: string;
  /** The command line, arguments joined by spaces, cut to {@link CMDLINE_MAX} characters ('' when empty or unreadable). */
  cmdline: string;
  container?: ContainerRef;
  /** Container name from the process environment (`CONTAINER_NAME`, `HOSTNAME`), when known. */
  containerName?: string;
  vm?: VmRef;
  /** utime + stime, clock ticks, cumulative. */
  cpuTicks: number;
  /** CPU ticks used during the last scan interval. */
  deltaTicks: number;
  /** Scan generation that last saw it. */
  seen: number;
  /** The monitor's labels for it, built once while it lives (the scanner leaves it alone). */
  meta: WorkloadMeta | undefined;
}

/** What one scan found. */
export interface ScanResult {
  cpu: CpuTimes;
  /** Live processes (the array and its entries are reused by the next scan; copy what must outlive it). */
  processes: ProcessEntry[];
  /** Processes seen in the previous scan and gone now. */
  exited: ProcessEntry[];
  /** True for the first scan: deltas are zero. */
  first: boolean;
}

/** Options of {@link ProcScanner}. */
export interface ProcScannerOptions {
  /** Reads `/proc/<pid>/exe` links (default true). */
  readExe?: boolean;
}

const STAT_BUF = 4096;
const BIG_BUF = 64 * 1024;
/** Most distinct `comm`/`exe` strings shared before the table starts over. */
const INTERN_MAX = 8192;
/** Most containers remembered (reference and name) before the table starts over. */
const CONTAINERS_MAX = 100_000;

/** Scans one procfs root repeatedly, keeping per-process state between scans. */
export class ProcScanner {
  private readonly root: string;
  private readonly readExe: boolean;
  private readonly statBuf = Buffer.allocUnsafe(STAT_BUF);
  private readonly bigBuf = Buffer.allocUnsafe(BIG_BUF);
  private readonly parsed = emptyPidStat();
  private readonly entries = new Map<number, ProcessEntry>();
  /** Container id → the shared reference and the container's name ('' when unknown). */
  private readonly containers = new Map<string, { ref: ContainerRef; name: string }>();
  private readonly strings = new Map<string, string>();
  /** `<root>/` as bytes, then room for a pid and `/stat`: stat paths are written here, not built as strings. */
  private readonly pathBytes: Buffer;
  private readonly pathPrefix: number;
  /** Views of `pathBytes` by path length (a Buffer path must hold exactly the path, no NUL). */
  private readonly pathViews: Buffer[] = [];
  /** The list of live processes, reused by every scan. */
  private readonly live: ProcessEntry[] = [];
  private generation = 0;
  /** cgroup version seen on the first process with a cgroup file. */
  cgroupVersion: 1 | 2 | undefined;

  constructor(root: string, opts: ProcScannerOptions = {}) {
    this.root = root.endsWith('/') ? root.slice(0, -1) : root;
    this.readExe = opts.readExe ?? true;
    const prefix = Buffer.from(`${this.root}/`);
    this.pathPrefix = prefix.length;
    this.pathBytes = Buffer.alloc(prefix.length + 16);
    prefix.copy(this.pathBytes);
  }

  /**
   * Reads `<root>/stat` and every `<root>/<pid>/stat`. Throws PP_AGENT_PROCFS when `<root>/stat` is
   * unreadable. The result's `processes` array is reused by the next scan.
   */
  scan(): ScanResult {
    const statText = this.readText(`${this.root}/stat`, this.bigBuf);
    const cpu = statText === undefined ? undefined : parseCpuTimes(statText);
    if (!cpu) throw ERR_AGENT_PROCFS(`cannot read CPU times from ${this.root}/stat (check --host.procfs)`, { path: `${this.root}/stat` });
    const first = this.generation === 0;
    const gen = ++this.generation;
    const processes = this.live;
    let count = 0;
    let names: string[];
    try {
      names = readdirSync(this.root);
    } catch (err) {
      throw ERR_AGENT_PROCFS(`cannot list ${this.root}: ${(err as NodeJS.ErrnoException).code ?? errorMessage(err)}`, { path: this.root });
    }
    for (let n = 0; n < names.length; n++) {
      const name = names[n];
      // a pid directory: 1 to 10 digits, no leading zero
      const len = name.length;
      if (len > 10 || name.charCodeAt(0) === 0x30) continue;
      let pid = 0;
      for (let i = 0; i < len; i++) {
        const d = name.charCodeAt(i) - 0x30;
        if (d < 0 || d > 9) {
          pid = -1;
          break;
        }
        pid = pid * 10 + d;
      }
      if (pid <= 0) continue;
      const e = this.scanPid(pid, name, first, gen);
      if (e) processes[count++] = e;
    }
    if (processes.length !== count) processes.length = count;
    const exited: ProcessEntry[] = [];
    this.entries.forEach((e, pid) => {
      if (e.seen !== gen) {
        exited.push(e);
        this.entries.delete(pid);
      }
    });
    return { cpu, processes, exited, first };
  }

  private scanPid(pid: number, name: string, first: boolean, gen: number): ProcessEntry | undefined {
    const len = this.readInto(this.statPath(name), this.statBuf);
    if (len <= 0 || !parsePidStatInto(this.statBuf, len, this.parsed)) return undefined;
    const st = this.parsed;
    let e = this.entries.get(pid);
    if (e && e.startTime === st.startTime) {
      const d = st.cpuTicks - e.cpuTicks;
      e.deltaTicks = d > 0 ? d : 0;
      e.cpuTicks = st.cpuTicks;
      e.seen = gen;
      return e;
    }
    const dir = `${this.root}/${name}`;
    const cpuTicks = st.cpuTicks;
    const startTime = st.startTime;
    e = {
      pid,
      key: `${pid}:${startTime}`,
      startTime,
      comm: this.intern(this.statBuf.toString('utf8', st.commStart, st.commEnd)),
      exe: '',
      cmdline: '',
      container: undefined,
      containerName: undefined,
      vm: undefined,
      cpuTicks,
      // A process not seen before started during the interval: all its CPU time is in this interval.
      deltaTicks: first ? 0 : cpuTicks,
      seen: gen,
      meta: undefined,
    };
    if (this.readExe) {
      try {
        e.exe = this.intern(readlinkSync(`${dir}/exe`));
      } catch {
        // kernel thread or no privilege
      }
    }
    const cgroup = this.readText(`${dir}/cgroup`, this.bigBuf);
    if (cgroup !== undefined) {
      this.cgroupVersion ??= isCgroupV2(cgroup) ? 2 : 1;
      const found = containerFromCgroup(cgroup);
      if (found) {
        let known = this.containers.get(found.id);
        if (!known || known.ref.runtime !== found.runtime) {
          if (this.containers.size >= CONTAINERS_MAX) this.containers.clear();
          known = { ref: found, name: known?.name ?? this.containerNameFromEnviron(dir) ?? '' };
          this.containers.set(found.id, known);
        }
        e.container = known.ref;
        if (known.name) e.containerName = known.name;
      }
    }
    const cmd = this.readText(`${dir}/cmdline`, this.bigBuf);
    if (cmd) {
      const args = parseCmdline(cmd);
      e.cmdline = shortCmdline(args);
      if (!e.container) {
        const vm = vmFromCmdline(args);
        if (vm) e.vm = vm;
      }
    }
    this.entries.set(pid, e);
    return e;
  }

  /** `<root>/<name>/stat` as a Buffer path (no string per read); `name` is ASCII digits. */
  private statPath(name: string): Buffer {
    const b = this.pathBytes;
    let p = this.pathPrefix;
    for (let i = 0; i < name.length; i++) b[p++] = name.charCodeAt(i);
    b[p++] = 0x2f; // '/stat'
    b[p++] = 0x73;
    b[p++] = 0x74;
    b[p++] = 0x61;
    b[p++] = 0x74;
    return (this.pathViews[p] ??= b.subarray(0, p));
  }

  /** The shared copy of a `comm` or `exe` string (processes of one program share one). */
  private intern(s: string): string {
    const known = this.strings.get(s);
    if (known !== undefined) return known;
    if (this.strings.size >= INTERN_MAX) this.strings.clear();
    this.strings.set(s, s);
    return s;
  }

  private containerNameFromEnviron(dir: string): string | undefined {
    const env = this.readText(`${dir}/environ`, this.bigBuf);
    if (!env) return undefined;
    let hostname: string | undefined;
    for (const kv of env.split('\0')) {
      if (kv.startsWith('CONTAINER_NAME=')) return kv.slice(15);
      if (kv.startsWith('HOSTNAME=')) hostname = kv.slice(9);
    }
    return hostname;
  }

  /** Reads up to buf.length bytes; -1 when the file is gone or unreadable. */
  private readInto(path: string | Buffer, buf: Buffer): number {
    let fd: number;
    try {
      fd = openSync(path, constants.O_RDONLY);
    } catch {
      return -1;
    }
    try {
      // procfs answers a read with the whole (small) file: a short read is the end, which saves the
      // extra zero-length read per file on the hot path.
      let n = 0;
      while (n < buf.length) {
        const want = buf.length - n;
        const r = readSync(fd, buf, n, want, null);
        if (r <= 0) break;
        n += r;
        if (r < want) break;
      }
      return n;
    } catch {
      return -1;
    } finally {
      closeSync(fd);
    }
  }

  private readText(path: string, buf: Buffer): string | undefined {
    const n = this.readInto(path, buf);
    return n < 0 ? undefined : buf.toString('utf8', 0, n);
  }
}
