// Benchmark of the node agent's hot path: refresh (procfs scan + attribution) and scrape (Prometheus
// text) on synthetic procfs trees of 1,000 / 5,000 / 10,000 processes of 4 threads each (`task/<tid>/`
// directories) in 300 containers (150 pods), with RSS; and, on the same fixture, Debian's
// prometheus-node-exporter (rapl, stat, processes collectors, and at its defaults) and
// prometheus-process-exporter (all processes; without threads and smaps, and at its defaults) scrape time
// and CPU, as ratios powerplane ÷ peer (< 1: powerplane cheaper).
// Each size runs in its own child process, so that its RSS is the agent's alone (the child's RSS right
// after its imports is reported as the baseline: Node + tsx + the agent's modules; the fixture builder's
// own objects, a few MB, are included in the figures).
// Sizes: BENCH_AGENT_SIZES=1000,5000 to reduce. Prints one JSON document.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machineInfo, percentile, cpuTimeMs } from './lib/machine.js';
import { ProcfsFixture, containerCgroup, fixtureContainerId } from '../test/helpers/agent/procfs-fixtures.js';
import { ProcScanner } from '../src/agent/procfs/scanner.js';
import { AgentMonitor } from '../src/agent/monitor/monitor.js';
import { ScriptedMeter } from '../test/helpers/agent/test-meter.js';
import { renderMetrics } from '../src/agent/export/prometheus.js';
import { buildPowercapTree } from '../test/helpers/agent/meter-fixtures.js';
import { silentLogger } from '../src/core/logger.js';
import type { PodResolver, PodRef } from '../src/agent/pods/types.js';
import { errorMessage } from '../src/core/errors.js';

/** Node flags the agent is run with, as docs/agent.md recommends (a small young generation: less RSS). */
const NODE_FLAGS = ['--max-semi-space-size=2'];
const REPO = join(fileURLToPath(import.meta.url), '..', '..');
const SIZES = (process.env.BENCH_AGENT_SIZES ?? '1000,5000,10000').split(',').map(Number);
const CONTAINERS = 300;
/** Threads per process: each has `task/<tid>/` directories, as on a real node (the peers read them by default). */
const THREADS = 4;
/** Refreshes run (after the cold one) before measuring, so that the figures are the JIT-compiled steady state of a long-running agent. */
const WARMUP_REFRESHES = 5;
const REFRESHES = 10;
const SCRAPES = 5;
const ZONES = [
  { zone: 'package', path: '/sys/class/powercap/intel-rapl:0', nested: false },
  { zone: 'core', path: '/sys/class/powercap/intel-rapl:0:0', nested: true },
  { zone: 'dram', path: '/sys/class/powercap/intel-rapl:0:1', nested: false },
];

const median = (v: number[]) => percentile(v, 50);
const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;

function buildFixture(root: string, n: number): ProcfsFixture {
  const fx = new ProcfsFixture(root);
  for (let i = 0; i < n; i++) {
    const c = i % CONTAINERS;
    fx.add({
      pid: 1000 + i,
      comm: `worker-${c}`,
      utime: i,
      stime: 0,
      threads: THREADS,
      cgroup: containerCgroup(fixtureContainerId(c + 1), 'containerd', `00000000-0000-0000-0000-${String(Math.floor(c / 2)).padStart(12, '0')}`),
      cmdline: [`/usr/bin/worker`, `--id=${i}`],
    });
  }
  return fx.write();
}

function advanceAll(fx: ProcfsFixture, round: number): void {
  for (const p of fx.processes()) fx.advance(p.pid, 1 + ((p.pid + round) % 7));
  fx.advanceNode(0, 5000).write();
}

class StaticPods implements PodResolver {
  readonly source = 'bench';
  private readonly m = new Map<string, PodRef>();
  constructor() {
    for (let c = 0; c < CONTAINERS; c++) {
      const pod = Math.floor(c / 2);
      this.m.set(fixtureContainerId(c + 1), {
        uid: `pod-${pod}`,
        name: `app-${pod}`,
        namespace: 'bench',
        containerName: `c${c % 2}`,
        cpuRequestMilli: 100,
      });
    }
  }
  lookup(id: string) {
    return this.m.get(id);
  }
  async start() {}
  async stop() {}
}

function procCpuMs(pid: number): number {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) / 100) * 1000;
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? round(Number(m[1]) / 1024, 1) : NaN;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/** Starts an exporter, scrapes it SCRAPES times, returns scrape wall and exporter CPU per scrape. */
async function measureExporter(name: string, args: (port: number) => string[], startTimeoutMs = 10_000): Promise<Record<string, unknown>> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  try {
    child = spawn(name, args(port), { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr?.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-2000)));
    const url = `http://127.0.0.1:${port}/metrics`;
    for (let i = 0; ; i++) {
      if (
        await fetch(url).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (i > startTimeoutMs / 100 || child.exitCode !== null) return { error: `${name} did not start: ${err}` };
      await new Promise((r) => setTimeout(r, 100));
    }
    const walls: number[] = [];
    const cpus: number[] = [];
    let bytes = 0;
    let series = 0;
    for (let i = 0; i < SCRAPES; i++) {
      const c0 = procCpuMs(child.pid!);
      const t0 = performance.now();
      const text = await (await fetch(url)).text();
      walls.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 50)); // let the exporter's CPU ticks settle
      cpus.push(procCpuMs(child.pid!) - c0);
      bytes = text.length;
      series = text.split('\n').filter((l) => l && !l.startsWith('#')).length;
    }
    return {
      scrapeWallMs: round(median(walls)),
      scrapeCpuMs: round(cpus.reduce((a, b) => a + b, 0) / cpus.length),
      bytes,
      series,
      rssMiB: rssMiB(child.pid!),
    };
  } catch (e) {
    return { error: `${name}: ${errorMessage(e)}` };
  } finally {
    child?.kill('SIGTERM');
  }
}

async function benchSize(n: number) {
  const dir = mkdtempSync(join(tmpdir(), 'pp-bench-agent-'));
  try {
    const fx = buildFixture(join(dir, 'proc'), n);
    const sysfs = join(dir, 'sys');
    await buildPowercapTree(sysfs, [
      { dir: 'intel-rapl:0', name: 'package-0', energyUj: 123456789 },
      { dir: 'intel-rapl:0:0', name: 'core', energyUj: 23456789 },
      { dir: 'intel-rapl:0:1', name: 'dram', energyUj: 3456789 },
    ]);
    let t = 0;
    const mon = new AgentMonitor({
      nodeName: 'bench',
      scanner: new ProcScanner(fx.root),
      meter: new ScriptedMeter(ZONES, [50_000_000, 30_000_000, 5_000_000]),
      pods: new StaticPods(),
      clockTicks: 100,
      cpus: 16,
      idlePolicy: 'none',
      maxTerminated: 500,
      minTerminatedEnergyThreshold: 10,
      log: silentLogger(),
      now: () => (t += 5000),
    });
    const cold = await cpuTimeMs(() => mon.refresh());
    for (let r = 0; r < WARMUP_REFRESHES; r++) {
      advanceAll(fx, r);
      await mon.refresh();
    }
    const refreshCpu: number[] = [];
    const refreshWall: number[] = [];
    for (let r = WARMUP_REFRESHES; r < WARMUP_REFRESHES + REFRESHES; r++) {
      advanceAll(fx, r);
      const m = await cpuTimeMs(() => mon.refresh());
      refreshCpu.push(m.cpuMs);
      refreshWall.push(m.wallMs);
    }
    const rssMiBNow = () => {
      global.gc?.();
      return round(process.memoryUsage().rss / 2 ** 20, 1);
    };
    const rssAfterRefreshes = rssMiBNow();
    const snap = mon.current()!;
    const exportOpts = (levels: string[]) => ({
      levels: new Set(levels),
      idleFamilies: false,
      counters: mon.counters,
      cpuInfo: [],
      build: { version: 'bench', revision: 'bench', branch: '' },
    });
    const scrape = (levels: string[]) => {
      const walls: number[] = [];
      const cpus: number[] = [];
      let text = '';
      for (let i = 0; i < SCRAPES; i++) {
        for (const a of snap.workloads.process) a.labelCache = undefined; // measure label building too
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        text = renderMetrics(snap, exportOpts(levels));
        walls.push(performance.now() - t0);
        const c = process.cpuUsage(c0);
        cpus.push((c.user + c.system) / 1000);
      }
      const series = text.split('\n').filter((l) => l && !l.startsWith('#')).length;
      return {
        series,
        bytes: Buffer.byteLength(text),
        wallMs: round(median(walls)),
        cpuMs: round(median(cpus)),
        msPer10kSeries: round((median(walls) / series) * 10_000),
      };
    };
    const scrapeDefault = scrape(['node', 'container', 'pod', 'vm']);
    const rssAfterDefaultScrapes = rssMiBNow();
    const scrapeAll = scrape(['node', 'process', 'container', 'pod', 'vm']);
    const rssAfterAllLevelScrapes = rssMiBNow();
    const heap = round(process.memoryUsage().heapUsed / 2 ** 20, 1);
    const ours = median(refreshCpu);
    // process-exporter: one group per comm, every process matched.
    const peConfig = join(dir, 'process-exporter.yml');
    writeFileSync(peConfig, 'process_names:\n  - name: "{{.Comm}}"\n    cmdline:\n      - ".+"\n');
    const nodeExporter = await measureExporter('prometheus-node-exporter', (port) => [
      `--path.procfs=${fx.root}`,
      `--path.sysfs=${sysfs}`,
      '--collector.disable-defaults',
      '--collector.rapl',
      '--collector.stat',
      '--collector.processes',
      `--web.listen-address=127.0.0.1:${port}`,
    ]);
    const processExporter = await measureExporter('prometheus-process-exporter', (port) => [
      '-procfs',
      fx.root,
      '-config.path',
      peConfig,
      '-threads=false',
      '-gather-smaps=false',
      '-web.listen-address',
      `127.0.0.1:${port}`,
    ]);
    // each peer at its defaults (node_exporter: every default collector; process-exporter: threads and smaps on)
    const nodeExporterDefaults = await measureExporter('prometheus-node-exporter', (port) => [
      `--path.procfs=${fx.root}`,
      `--path.sysfs=${sysfs}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ]);
    const processExporterDefaults = await measureExporter('prometheus-process-exporter', (port) => [
      '-procfs',
      fx.root,
      '-config.path',
      peConfig,
      '-web.listen-address',
      `127.0.0.1:${port}`,
    ]);
    // The real agent process on the same fixture (compiled dist/ when built, else through tsx); a stale
    // window of 0 makes every scrape refresh, as the exporters read procfs at every scrape.
    const built = existsSync(join(REPO, 'dist', 'src', 'cli', 'main.js'));
    const agentArgs = (port: number) => [
      ...NODE_FLAGS,
      ...(built ? [join(REPO, 'dist', 'src', 'cli', 'main.js')] : ['--import', 'tsx', join(REPO, 'src', 'cli', 'main.ts')]),
      'agent',
      '--host.procfs',
      fx.root,
      '--host.sysfs',
      sysfs,
      '--meter',
      'rapl',
      '--monitor.staleness',
      '0s',
      '--monitor.interval',
      '1h',
      '--gpu.enable',
      'false',
      '--platform.acpi',
      'false',
      '--log.level',
      'warn',
      '--web.listen-address',
      `127.0.0.1:${port}`,
    ];
    const agentDefault: Record<string, unknown> = {
      runtime: built ? 'dist' : 'tsx',
      ...(await measureExporter(process.execPath, agentArgs, 120_000)),
    };
    const agentAll: Record<string, unknown> = {
      runtime: built ? 'dist' : 'tsx',
      ...(await measureExporter(process.execPath, (port) => [...agentArgs(port), '--metrics', 'node,process,container,pod,vm'], 120_000)),
    };
    const oursPerScrape = typeof agentAll.scrapeCpuMs === 'number' ? agentAll.scrapeCpuMs : ours + scrapeAll.cpuMs;
    const ratio = (other: Record<string, unknown>) =>
      typeof other.scrapeCpuMs === 'number' && other.scrapeCpuMs > 0 ? round(oursPerScrape / other.scrapeCpuMs) : null;
    fx.dispose();
    return {
      processes: n,
      containers: CONTAINERS,
      refresh: {
        coldCpuMs: round(cold.cpuMs),
        cpuMsMedian: round(ours),
        wallMsMedian: round(median(refreshWall)),
        cpuMsPer1000Processes: round((ours / n) * 1000),
        target: '≤ 10 ms CPU per 1,000 processes',
      },
      scrapeDefaultLevels: scrapeDefault,
      scrapeAllLevels: { ...scrapeAll, target: '≤ 50 ms per 10,000 series' },
      rssMiB: {
        afterRefreshes: rssAfterRefreshes,
        afterDefaultLevelScrapes: rssAfterDefaultScrapes,
        afterAllLevelScrapes: rssAfterAllLevelScrapes,
        target: '≤ 100 MB at 10,000 processes',
      },
      heapUsedMiB: heap,
      agentProcess: { defaultLevels: agentDefault, allLevels: agentAll },
      threadsPerProcess: THREADS,
      nodeExporter: { collectors: 'rapl, stat, processes', ...nodeExporter },
      processExporter: { flags: '-threads=false -gather-smaps=false', ...processExporter },
      nodeExporterDefaults,
      processExporterDefaults,
      ratios: {
        note: 'powerplane ÷ peer (< 1: powerplane cheaper): CPU per scrape of the agent process (every scrape refreshes; all levels) ÷ the exporter CPU per scrape',
        vsNodeExporter: ratio(nodeExporter),
        vsProcessExporter: ratio(processExporter),
        vsNodeExporterDefaults: ratio(nodeExporterDefaults),
        vsProcessExporterDefaults: ratio(processExporterDefaults),
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const CHILD_SIZE = process.env.PP_AGENT_BENCH_SIZE;
if (CHILD_SIZE) {
  const baselineRssMiB = round(process.memoryUsage().rss / 2 ** 20, 1);
  process.stdout.write(JSON.stringify({ ...(await benchSize(Number(CHILD_SIZE))), baselineRssMiB }) + '\n');
} else {
  const results: unknown[] = [];
  for (const n of SIZES) {
    process.stderr.write(`agent bench: ${n} processes\n`);
    const r = spawnSync(process.execPath, [...NODE_FLAGS, '--import', 'tsx', '--expose-gc', fileURLToPath(import.meta.url)], {
      env: { ...process.env, PP_AGENT_BENCH_SIZE: String(n) },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 16 << 20,
    });
    results.push(r.status === 0 ? JSON.parse(r.stdout) : { processes: n, error: `exit ${r.status}` });
  }
  process.stdout.write(
    JSON.stringify(
      {
        bench: 'agent',
        inputs: {
          nodeFlags: NODE_FLAGS,
          sizes: SIZES,
          containers: CONTAINERS,
          pods: CONTAINERS / 2,
          zones: ZONES.map((z) => z.zone),
          warmupRefreshes: WARMUP_REFRESHES,
          refreshes: REFRESHES,
          scrapes: SCRAPES,
        },
        targets: { refreshCpuMsPer1000Processes: 10, rssMiBAt10000: 100, scrapeMsPer10kSeries: 50 },
        results,
        machine: machineInfo(),
      },
      null,
      2,
    ) + '\n',
  );
}
