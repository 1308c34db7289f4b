/**
 * @module test/helpers/agent/procfs-fixtures
 * Builds procfs fixture trees on disk for tests, the dashboard's browser test and
 * the benchmark: processes with given CPU times, cgroup paths, command lines and environments, and a
 * way to advance CPU times between agent refreshes. (Powercap sysfs trees: `meters/fixtures.ts`.) Files are written in the layout the kernel uses
 * (`<root>/stat`, `<root>/<pid>/{stat,status,io,limits,fd/,cmdline,cgroup,environ,comm}`).
 */
import { mkdirSync, writeFileSync, rmSync, renameSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerRuntime } from '../../../src/agent/workloads/container-id.js';

/** A process in a fixture tree. */
export interface FixtureProcess {
  pid: number;
  comm: string;
  /** CPU ticks in user and system mode (cumulative). */
  utime: number;
  stime: number;
  /** Start time after boot, ticks (default: the pid). */
  startTime?: number;
  ppid?: number;
  /** Full text of `/proc/<pid>/cgroup` (default `0::/user.slice`). */
  cgroup?: string;
  cmdline?: string[];
  environ?: Record<string, string>;
  /**
   * Threads: when set, `task/` holds the main thread (tid = pid, the process's own stat) and threads−1
   * more (tids pid·100+1…, idle), each with stat, status, comm and io, as Linux lists them.
   */
  threads?: number;
}

/** Aggregate CPU ticks of `/proc/stat`. */
export interface FixtureCpu {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
}

/** Writes files atomically so a concurrently running agent never reads a torn file. */
function writeAtomicSync(path: string, data: string): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

const IO_TEXT = 'rchar: 0\nwchar: 0\nsyscr: 0\nsyscw: 0\nread_bytes: 0\nwrite_bytes: 0\ncancelled_write_bytes: 0\n';

/** Writes one `task/<tid>/` directory (stat, status, comm, io). */
function writeTask(dir: string, t: FixtureProcess): void {
  mkdirSync(dir, { recursive: true });
  writeAtomicSync(join(dir, 'stat'), pidStatLine(t));
  writeFileSync(join(dir, 'status'), pidStatusText(t));
  writeFileSync(join(dir, 'comm'), t.comm + '\n');
  writeFileSync(join(dir, 'io'), IO_TEXT);
}

/** The `/proc/<pid>/stat` line of a fixture process (52 fields, as Linux 5.x writes). */
export function pidStatLine(p: FixtureProcess): string {
  const f: Array<string | number> = [
    p.pid,
    `(${p.comm})`,
    'S',
    p.ppid ?? 1,
    p.pid,
    p.pid,
    0,
    -1,
    4194560,
    100,
    0,
    0,
    0,
    p.utime,
    p.stime,
    0,
    0,
    20,
    0,
    p.threads ?? 1,
    0,
    p.startTime ?? p.pid,
  ];
  while (f.length < 52) f.push(0);
  return f.join(' ') + '\n';
}

/** A minimal `/proc/<pid>/status` (what process-level exporters read besides `stat`). */
export function pidStatusText(p: FixtureProcess): string {
  return (
    [
      `Name:\t${p.comm}`,
      'Umask:\t0022',
      'State:\tS (sleeping)',
      `Tgid:\t${p.pid}`,
      'Ngid:\t0',
      `Pid:\t${p.pid}`,
      `PPid:\t${p.ppid ?? 1}`,
      'TracerPid:\t0',
      'Uid:\t0\t0\t0\t0',
      'Gid:\t0\t0\t0\t0',
      'FDSize:\t64',
      'VmPeak:\t10000 kB',
      'VmSize:\t10000 kB',
      'VmLck:\t0 kB',
      'VmPin:\t0 kB',
      'VmHWM:\t2000 kB',
      'VmRSS:\t2000 kB',
      'RssAnon:\t1000 kB',
      'RssFile:\t1000 kB',
      'RssShmem:\t0 kB',
      'VmData:\t1000 kB',
      'VmStk:\t132 kB',
      'VmExe:\t100 kB',
      'VmLib:\t1000 kB',
      'VmPTE:\t40 kB',
      'VmSwap:\t0 kB',
      `Threads:\t${p.threads ?? 1}`,
      'voluntary_ctxt_switches:\t10',
      'nonvoluntary_ctxt_switches:\t1',
    ].join('\n') + '\n'
  );
}

/** A cgroup v2 file for a container of the given runtime, in the layout that runtime uses. */
export function containerCgroup(id: string, runtime: ContainerRuntime, podUid = '00000000-0000-0000-0000-000000000000'): string {
  const podSlice = podUid.replace(/-/g, '_');
  switch (runtime) {
    case 'docker':
      return `0::/system.slice/docker-${id}.scope\n`;
    case 'containerd':
      return `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${podSlice}.slice/cri-containerd-${id}.scope\n`;
    case 'crio':
      return `0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${podSlice}.slice/crio-${id}.scope\n`;
    case 'podman':
      return `0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-${id}.scope/container\n`;
    case 'kubernetes':
      return `0::/kubepods/burstable/pod${podUid}/${id}\n`;
    default:
      return `0::/unknown/${id}\n`;
  }
}

/** A deterministic 64-hex container id from a number. */
export function fixtureContainerId(n: number): string {
  return n.toString(16).padStart(8, '0').repeat(8);
}

/** A procfs tree on disk that tests change between agent refreshes. */
export class ProcfsFixture {
  readonly root: string;
  readonly cpu: FixtureCpu = { user: 1000, nice: 0, system: 500, idle: 10000, iowait: 100, irq: 0, softirq: 0, steal: 0 };
  private readonly procs = new Map<number, FixtureProcess>();
  private readonly written = new Set<number>();
  private readonly ownsRoot: boolean;

  /** Uses `root` (created if missing), or a new temp directory. */
  constructor(root?: string) {
    this.ownsRoot = root === undefined;
    this.root = root ?? mkdtempSync(join(tmpdir(), 'pp-procfs-'));
    mkdirSync(this.root, { recursive: true });
  }

  /** Adds (or replaces) a process. */
  add(p: FixtureProcess): this {
    this.procs.set(p.pid, { ...p });
    this.written.delete(p.pid);
    return this;
  }

  /** Removes a process (its directory goes at the next {@link write}). */
  remove(pid: number): this {
    this.procs.delete(pid);
    return this;
  }

  /** The process with this pid. */
  get(pid: number): FixtureProcess | undefined {
    return this.procs.get(pid);
  }

  /** Every process. */
  processes(): FixtureProcess[] {
    return [...this.procs.values()];
  }

  /** Adds CPU ticks to a process (user mode) and the same to the node's user time. */
  advance(pid: number, ticks: number): this {
    const p = this.procs.get(pid);
    if (!p) throw new Error(`no fixture process ${pid}`);
    p.utime += ticks;
    this.cpu.user += ticks;
    return this;
  }

  /** Adds ticks to the node's aggregate counters (busy → user, idle → idle). */
  advanceNode(busy: number, idle: number): this {
    this.cpu.user += busy;
    this.cpu.idle += idle;
    return this;
  }

  /** Writes `stat` and every process's files; removes directories of removed processes. */
  write(): this {
    const c = this.cpu;
    writeAtomicSync(
      join(this.root, 'stat'),
      `cpu  ${c.user} ${c.nice} ${c.system} ${c.idle} ${c.iowait} ${c.irq} ${c.softirq} ${c.steal} 0 0\ncpu0 ${c.user} ${c.nice} ${c.system} ${c.idle} ${c.iowait} ${c.irq} ${c.softirq} ${c.steal} 0 0\n`,
    );
    for (const pid of this.written) {
      if (!this.procs.has(pid)) {
        rmSync(join(this.root, String(pid)), { recursive: true, force: true });
        this.written.delete(pid);
      }
    }
    for (const p of this.procs.values()) {
      const dir = join(this.root, String(p.pid));
      if (!this.written.has(p.pid)) {
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'cgroup'), p.cgroup ?? '0::/user.slice\n');
        writeFileSync(join(dir, 'cmdline'), (p.cmdline ?? [p.comm]).map((a) => a + '\0').join(''));
        writeFileSync(
          join(dir, 'environ'),
          Object.entries(p.environ ?? {})
            .map(([k, v]) => `${k}=${v}\0`)
            .join(''),
        );
        writeFileSync(join(dir, 'comm'), p.comm + '\n');
        writeFileSync(join(dir, 'status'), pidStatusText(p));
        writeFileSync(
          join(dir, 'limits'),
          'Limit                     Soft Limit           Hard Limit           Units     \nMax open files            1024                 1048576              files     \n',
        );
        mkdirSync(join(dir, 'fd'), { recursive: true });
        writeFileSync(join(dir, 'io'), IO_TEXT);
        for (let k = 1; k < (p.threads ?? 0); k++)
          writeTask(join(dir, 'task', String(p.pid * 100 + k)), { ...p, pid: p.pid * 100 + k, utime: 0, stime: 0 });
        this.written.add(p.pid);
      }
      writeAtomicSync(join(dir, 'stat'), pidStatLine(p));
      if (p.threads) writeTask(join(dir, 'task', String(p.pid)), p);
    }
    return this;
  }

  /** Deletes the tree if this fixture created it. */
  dispose(): void {
    if (this.ownsRoot) rmSync(this.root, { recursive: true, force: true });
  }
}
