/**
 * @module agent/procfs/scanner
 * Scans a procfs tree: the aggregate CPU times of `/proc/stat` and every process's CPU time. This is
 * the agent's hot path, so it reads with synchronous calls into one reused buffer, parses bytes without
 * building strings, and reads a process's static data (`comm`, `exe`, `cmdline`, `cgroup` → container,
 * VM) only once per process, keyed by pid and start time (a reused pid is a new process).
 * A process that vanishes between the directory listing and its reads is skipped, not an error.
 */
import { openSync, readSync, closeSync, readdirSync, readlinkSync } from 'node:fs';
import { parseCpuTimes, parsePidStatInto, emptyPidStat, parseCmdline, type CpuTimes } from './parse.js';
import { containerFromCgroup, isCgroupV2, type ContainerRef } from '../workloads/container-id.js';
import { vmFromCmdline, type VmRef } from '../workloads/vm.js';
import { ERR_AGENT_PROCFS } from '../errors.js';

/** One process as last scanned. The object is reused across scans while the process lives. */
export interface ProcessEntry {
  pid: number;
  /** Start time after boot in clock ticks. */
  startTime: number;
  comm: string;
  /** Target of `/proc/<pid>/exe` ('' when unreadable: kernel threads, no privilege). */
  exe: string;
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
}

/** What one scan found. */
export interface ScanResult {
  cpu: CpuTimes;
  /** Live processes (the entries are reused objects; do not keep them across scans without copying). */
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

/** Scans one procfs root repeatedly, keeping per-process state between scans. */
export class ProcScanner {
  private readonly root: string;
  private readonly readExe: boolean;
  private readonly statBuf = Buffer.allocUnsafe(STAT_BUF);
  private readonly bigBuf = Buffer.allocUnsafe(BIG_BUF);
  private readonly parsed = emptyPidStat();
  private readonly entries = new Map<number, ProcessEntry>();
  private readonly containerNames = new Map<string, string>();
  private generation = 0;
  /** cgroup version seen on the first process with a cgroup file. */
  cgroupVersion: 1 | 2 | undefined;

  constructor(root: string, opts: ProcScannerOptions = {}) {
    this.root = root.endsWith('/') ? root.slice(0, -1) : root;
    this.readExe = opts.readExe ?? true;
  }

  /** Reads `<root>/stat` and every `<root>/<pid>/stat`. Throws PP_AGENT_PROCFS when `<root>/stat` is unreadable. */
  scan(): ScanResult {
    const statText = this.readText(`${this.root}/stat`, this.bigBuf);
    const cpu = statText === undefined ? undefined : parseCpuTimes(statText);
    if (!cpu) throw ERR_AGENT_PROCFS(`cannot read CPU times from ${this.root}/stat (check --host.procfs)`, { path: `${this.root}/stat` });
    const first = this.generation === 0;
    const gen = ++this.generation;
    const processes: ProcessEntry[] = [];
    let names: string[];
    try {
      names = readdirSync(this.root);
    } catch (err) {
      throw ERR_AGENT_PROCFS(`cannot list ${this.root}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { path: this.root });
    }
    for (const name of names) {
      const c0 = name.charCodeAt(0);
      if (c0 < 0x31 || c0 > 0x39) continue;
      const pid = Number(name);
      if (!Number.isInteger(pid)) continue;
      const e = this.scanPid(pid, name, first, gen);
      if (e) processes.push(e);
    }
    const exited: ProcessEntry[] = [];
    for (const [pid, e] of this.entries) {
      if (e.seen !== gen) {
        exited.push(e);
        this.entries.delete(pid);
      }
    }
    return { cpu, processes, exited, first };
  }

  private scanPid(pid: number, name: string, first: boolean, gen: number): ProcessEntry | undefined {
    const dir = `${this.root}/${name}`;
    const len = this.readInto(`${dir}/stat`, this.statBuf);
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
    const comm = this.statBuf.toString('utf8', st.commStart, st.commEnd);
    const cpuTicks = st.cpuTicks;
    const startTime = st.startTime;
    e = {
      pid,
      startTime,
      comm,
      exe: '',
      cpuTicks,
      // A process not seen before started during the interval: all its CPU time is in this interval.
      deltaTicks: first ? 0 : cpuTicks,
      seen: gen,
    };
    if (this.readExe) {
      try {
        e.exe = readlinkSync(`${dir}/exe`);
      } catch {
        // kernel thread or no privilege
      }
    }
    const cgroup = this.readText(`${dir}/cgroup`, this.bigBuf);
    if (cgroup !== undefined) {
      this.cgroupVersion ??= isCgroupV2(cgroup) ? 2 : 1;
      const c = containerFromCgroup(cgroup);
      if (c) {
        e.container = c;
        let cname = this.containerNames.get(c.id);
        if (cname === undefined) {
          cname = this.containerNameFromEnviron(dir) ?? '';
          if (this.containerNames.size > 100_000) this.containerNames.clear();
          this.containerNames.set(c.id, cname);
        }
        if (cname) e.containerName = cname;
      }
    }
    if (!e.container) {
      const cmd = this.readText(`${dir}/cmdline`, this.bigBuf);
      if (cmd) {
        const vm = vmFromCmdline(parseCmdline(cmd));
        if (vm) e.vm = vm;
      }
    }
    this.entries.set(pid, e);
    return e;
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
  private readInto(path: string, buf: Buffer): number {
    let fd: number;
    try {
      fd = openSync(path, 'r');
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
