// Soak benchmark of `powerplane up` under process churn: `up` runs as a user starts it (the compiled
// dist/ when built, else through tsx) on a fixture procfs and powercap tree, while this script replaces
// processes every second (new pids, recycled pids with new start times, containers coming and going)
// and scrapes /metrics as Prometheus would. It reports the RSS slope after warm-up (MiB/hour, least
// squares over the samples), the series count over time, and every counter series that decreased
// between two consecutive scrapes. The machine it runs on may be shared: the JSON carries the load.
// Settings (environment): SOAK_MINUTES (default 10), SOAK_WARMUP_MINUTES (default a third of the run,
// at most 5), SOAK_PROCESSES live processes (default 300), SOAK_CHURN processes replaced per second
// (default 20), SOAK_SCRAPE_SECONDS (default 5), SOAK_INTERVAL agent refresh interval (default 1s),
// SOAK_HEAP_SNAPSHOTS=1 (diagnosis: a heap snapshot of `up` at the end of warm-up and at the end, after
// V8's full GC, and the live heap and the constructors that grew between them; the snapshots themselves
// allocate in `up`, so a run with them says nothing about RSS). Prints one JSON document.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineInfo } from './lib/machine.js';
import { heapSnapshotSummary, growth, type HeapSummary } from './lib/heap-snapshot.js';
import { ProcfsFixture, containerCgroup, fixtureContainerId } from '../test/helpers/agent/procfs-fixtures.js';
import { buildPowercapTree, setZoneEnergy } from '../test/helpers/agent/meter-fixtures.js';

const REPO = join(fileURLToPath(import.meta.url), '..', '..');
const env = (name: string, dflt: number) => (process.env[name] !== undefined ? Number(process.env[name]) : dflt);
const MINUTES = env('SOAK_MINUTES', 10);
const WARMUP_MINUTES = env('SOAK_WARMUP_MINUTES', Math.min(5, MINUTES / 3));
const PROCESSES = env('SOAK_PROCESSES', 300);
const CHURN = env('SOAK_CHURN', 20);
const SCRAPE_SECONDS = env('SOAK_SCRAPE_SECONDS', 5);
const INTERVAL = process.env.SOAK_INTERVAL ?? '1s';
/** Pids cycle through this many numbers, so a pid comes back (with a new start time) after about PID_SPACE/CHURN seconds. */
const PID_SPACE = PROCESSES * 4;
const CONTAINERS = 40;
const RSS_EVERY_MS = 10_000;
const HEAP_SNAPSHOTS = process.env.SOAK_HEAP_SNAPSHOTS === '1';

const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;

/** Least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return NaN;
  let sx = 0,
    sy = 0,
    sxx = 0,
    sxy = 0;
  for (const [x, y] of points) {
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const d = n * sxx - sx * sx;
  return d === 0 ? NaN : (n * sxy - sx * sy) / d;
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Series of a Prometheus text body: `name{labels}` → value, and which families are counters. */
function parseExposition(text: string): { values: Map<string, number>; counters: Set<string> } {
  const values = new Map<string, number>();
  const counters = new Set<string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      const m = /^# TYPE (\S+) counter$/.exec(line);
      if (m) counters.add(m[1]);
      continue;
    }
    const sp = line.lastIndexOf(' ');
    values.set(line.slice(0, sp), Number(line.slice(sp + 1)));
  }
  return { values, counters };
}

/**
 * The fixture node: host processes and containers, each container with an init process that lives as
 * long as the container (as in a real runtime: a container with no process is gone). Every second
 * `CHURN` worker processes exit and as many start; every 10 s one container exits with all its
 * processes and a new one starts.
 */
class ChurningNode {
  readonly fx: ProcfsFixture;
  private nextPid = 0;
  private nextContainer = 0;
  private readonly containers: Array<{ id: string; init: number }> = [];
  private readonly inits = new Set<number>();
  private boot = 1000;
  started = 0;
  constructor(root: string) {
    this.fx = new ProcfsFixture(root);
    for (let c = 0; c < CONTAINERS; c++) this.startContainer(c);
    while (this.fx.processes().length < PROCESSES) this.spawnWorker();
    this.fx.write();
  }
  private freePid(): number {
    // the kernel hands out free pids only, cycling through the pid space
    let pid: number;
    do pid = 1000 + (this.nextPid++ % PID_SPACE);
    while (this.fx.get(pid));
    return pid;
  }
  private add(pid: number, cgroup: string | undefined): void {
    this.fx.add({
      pid,
      comm: `worker-${pid % 17}`,
      utime: 0,
      stime: 0,
      startTime: this.boot++,
      cgroup,
      cmdline: ['/usr/bin/worker', `--slot=${pid % 17}`],
    });
    this.started++;
  }
  private startContainer(slot: number): void {
    const id = fixtureContainerId(++this.nextContainer);
    const init = this.freePid();
    this.add(init, containerCgroup(id, 'containerd'));
    this.inits.add(init);
    this.containers[slot] = { id, init };
  }
  private spawnWorker(): void {
    const pid = this.freePid();
    // two thirds in a container, the rest on the host
    this.add(pid, pid % 3 !== 0 ? containerCgroup(this.containers[pid % CONTAINERS].id, 'containerd') : undefined);
  }
  /** One second of the node: CPU time for everyone, `CHURN` workers replaced, every 10 s a container replaced. */
  tick(second: number): void {
    const live = this.fx.processes();
    for (const p of live) this.fx.advance(p.pid, 1 + (p.pid % 5));
    this.fx.advanceNode(0, 100);
    const workers = live.filter((p) => !this.inits.has(p.pid));
    for (let i = 0; i < CHURN && workers.length > 0; i++) this.fx.remove(workers.splice((second * 7919 + i * 104729) % workers.length, 1)[0].pid);
    if (second % 10 === 0) {
      const slot = (second / 10) % CONTAINERS;
      const gone = containerCgroup(this.containers[slot].id, 'containerd');
      for (const p of this.fx.processes()) if (p.cgroup === gone) this.fx.remove(p.pid);
      this.inits.delete(this.containers[slot].init);
      this.startContainer(slot);
    }
    while (this.fx.processes().length < PROCESSES) this.spawnWorker();
    this.fx.write();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pp-soak-'));
  let child: ChildProcess | undefined;
  try {
    const node = new ChurningNode(join(dir, 'proc'));
    const sysfs = join(dir, 'sys');
    const zones = [
      { dir: 'intel-rapl:0', name: 'package-0', energyUj: 1_000_000, watts: 20 },
      { dir: 'intel-rapl:0:0', name: 'core', energyUj: 1_000_000, watts: 12 },
      { dir: 'intel-rapl:0:1', name: 'dram', energyUj: 1_000_000, watts: 3 },
    ];
    await buildPowercapTree(sysfs, zones);
    const built = existsSync(join(REPO, 'dist', 'src', 'cli', 'main.js'));
    const entry = built ? [join(REPO, 'dist', 'src', 'cli', 'main.js')] : ['--import', 'tsx', join(REPO, 'src', 'cli', 'main.ts')];
    const snapshotDir = join(dir, 'snapshots');
    mkdirSync(snapshotDir);
    const heapFlags = HEAP_SNAPSHOTS ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapshotDir}`] : [];
    child = spawn(
      process.execPath,
      [
        ...heapFlags,
        ...entry,
        'up',
        '--web.listen-address',
        '127.0.0.1:0',
        '--host.procfs',
        node.fx.root,
        '--host.sysfs',
        sysfs,
        '--meter',
        'rapl',
        '--monitor.interval',
        INTERVAL,
        '--gpu.enable',
        'false',
        '--platform.acpi',
        'false',
        '--log.level',
        'warn',
        '--model-server.store-dir',
        join(dir, 'models'),
      ],
      { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout!.on('data', (b: Buffer) => (out = (out + b.toString()).slice(-4000)));
    child.stderr!.on('data', (b: Buffer) => (out = (out + b.toString()).slice(-4000)));
    const base = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = /powerplane is up: open (http:\/\/[^\s/]+)\//.exec(out);
        if (m) {
          clearInterval(timer);
          resolve(m[1]);
        } else if (child!.exitCode !== null) {
          clearInterval(timer);
          reject(new Error(`up exited with ${child!.exitCode}: ${out}`));
        }
      }, 100);
    });
    const pid = child.pid!;
    const t0 = performance.now();
    const endMs = MINUTES * 60_000;
    const warmupMs = WARMUP_MINUTES * 60_000;
    const rss: Array<[number, number]> = [];
    const series: Array<[number, number]> = [];
    let prev: Map<string, number> | undefined;
    let counterDecreases = 0;
    const decreaseExamples: string[] = [];
    let scrapes = 0;
    let scrapeErrors = 0;
    let second = 0;
    let nextRss = 0;
    let nextScrape = 0;
    let nextProgress = 60_000;
    const heap: HeapSummary[] = [];
    let warmupSnapshotTaken = false;
    for (let elapsed = 0; elapsed < endMs; elapsed = performance.now() - t0) {
      if (child.exitCode !== null) throw new Error(`up exited during the soak with ${child.exitCode}: ${out}`);
      node.tick(++second);
      const energy = second * 1e6;
      for (const z of zones) await setZoneEnergy(sysfs, z.dir, z.energyUj + z.watts * energy);
      if (elapsed >= nextRss) {
        rss.push([elapsed / 3_600_000, rssMiB(pid)]);
        nextRss += RSS_EVERY_MS;
      }
      if (elapsed >= nextScrape) {
        nextScrape += SCRAPE_SECONDS * 1000;
        try {
          const text = await (await fetch(`${base}/metrics`)).text();
          const { values, counters } = parseExposition(text);
          scrapes++;
          series.push([elapsed / 3_600_000, values.size]);
          if (prev) {
            for (const [k, v] of values) {
              const name = k.slice(0, k.indexOf('{') >>> 0);
              if (!counters.has(name)) continue;
              const before = prev.get(k);
              if (before !== undefined && v < before) {
                counterDecreases++;
                if (decreaseExamples.length < 5) decreaseExamples.push(`${k}: ${before} → ${v}`);
              }
            }
          }
          prev = values;
        } catch {
          scrapeErrors++;
        }
      }
      if (HEAP_SNAPSHOTS && !warmupSnapshotTaken && elapsed >= warmupMs) {
        warmupSnapshotTaken = true;
        heap.push(await heapSnapshotSummary(child, snapshotDir));
      }
      if (elapsed >= nextProgress) {
        process.stderr.write(
          `soak: ${round(elapsed / 60_000, 1)} min, RSS ${round(rss[rss.length - 1][1], 1)} MiB, series ${series[series.length - 1]?.[1]}, decreases ${counterDecreases}\n`,
        );
        nextProgress += 60_000;
      }
      await new Promise((r) => setTimeout(r, Math.max(0, second * 1000 - (performance.now() - t0))));
    }
    if (HEAP_SNAPSHOTS) heap.push(await heapSnapshotSummary(child, snapshotDir));
    const afterWarmup = rss.filter(([h]) => h * 3_600_000 >= warmupMs);
    const lastHalf = afterWarmup.slice(Math.floor(afterWarmup.length / 2));
    const seriesAfter = series.filter(([h]) => h * 3_600_000 >= warmupMs).map(([, n]) => n);
    const half = Math.floor(seriesAfter.length / 2);
    const result = {
      bench: 'soak',
      description:
        '`powerplane up` under process churn on a fixture procfs and powercap tree; RSS slope after warm-up, series count, counter decreases',
      inputs: {
        heapSnapshots: HEAP_SNAPSHOTS,
        minutes: MINUTES,
        warmupMinutes: WARMUP_MINUTES,
        liveProcesses: PROCESSES,
        churnPerSecond: CHURN,
        pidSpace: PID_SPACE,
        containers: CONTAINERS,
        scrapeSeconds: SCRAPE_SECONDS,
        refreshInterval: INTERVAL,
        runtime: built ? 'dist' : 'tsx',
      },
      figures: {
        processesStarted: node.started,
        rssMiB: {
          start: round(rss[0]?.[1] ?? NaN, 1),
          atWarmupEnd: round(afterWarmup[0]?.[1] ?? NaN, 1),
          end: round(rss[rss.length - 1]?.[1] ?? NaN, 1),
          max: round(Math.max(...rss.map(([, v]) => v)), 1),
        },
        rssSlopeMiBPerHourAfterWarmup: round(slope(afterWarmup)),
        rssSlopeMiBPerHourLastHalf: round(slope(lastHalf)),
        rssSamples: rss.length,
        series: {
          min: Math.min(...series.map(([, n]) => n)),
          max: Math.max(...series.map(([, n]) => n)),
          last: series[series.length - 1]?.[1],
          maxFirstHalfAfterWarmup: Math.max(...seriesAfter.slice(0, half)),
          maxSecondHalfAfterWarmup: Math.max(...seriesAfter.slice(half)),
        },
        scrapes,
        scrapeErrors,
        counterDecreases,
        decreaseExamples,
        ...(HEAP_SNAPSHOTS && heap.length === 2
          ? {
              liveHeapMiB: { atWarmupEnd: round(heap[0].totalBytes / 2 ** 20), end: round(heap[1].totalBytes / 2 ** 20) },
              heapGrowthByConstructor: growth(heap[0], heap[1], 12),
            }
          : {}),
      },
      machine: machineInfo(),
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    if (child && child.exitCode === null) child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
