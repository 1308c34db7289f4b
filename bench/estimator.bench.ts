/**
 * Estimator benchmark:
 * - latency of one estimation (p50/p99) for 10 / 100 / 1,000 / 5,000 heterogeneous Fake nodes × N = 10 /
 *   100 / 1,000, in-process with a warm prediction cache, grouped and ungrouped;
 * - the convex path at scale: 10,000 Fake nodes × N = 10,000 (goal < 1 s), first and repeated request;
 * - the first request for a new cpu_milli on 10,000 nodes × N = 1,000 with a non-linear predictor (a
 *   predicted curve per node): time, longest event-loop stall, and memory per node × (N+1) value;
 * - the general (non-convex) DP against a compiled reference: bench/reference/minplus.c built with cc -O2
 *   here, the same fold as the textbook loop (plain, and with the same pruning bound) and as
 *   src/estimator/convolve.ts's tiled kernel line for line; CPU time of each, best of the same number of
 *   alternating repetitions (15 for the small sizes, 5 or 3 for the large), powerplane in a worker thread
 *   (as the estimator runs long solves) and in the main thread; ratio powerplane ÷ the faster textbook C
 *   (the goal, ≤ 1.5) and ÷ the same kernel in C (for reference);
 * - WAO's exhaustive reference at the sizes where it runs;
 * - requests/s and CPU per request over real HTTP on loopback (autocannon) against `powerplane estimator`
 *   as users run it (the built CLI, dist/src/cli/main.js, built first when stale) pinned to one core, 100 nodes × N = 10, beside a Go DP server (bench/reference/estimator-server.go:
 *   net/http + encoding/json, GOMAXPROCS=1; built when `go` is on PATH, else null with the reason; goal:
 *   powerplane ≤ 2× its CPU per request), a compiled one (bench/reference/estimator-server.c, cc -O2,
 *   epoll: the same request, nodes and exact DP) and a bare fastify server answering a fixed body (the
 *   floor of any Node server) on the same core; ratios powerplane ÷ each. powerplane and Go are also
 *   loaded with 100 different cpu_milli values in turn (a new cpu_milli is what caches miss).
 * Ratios are always powerplane ÷ reference (< 1 = powerplane cheaper). CPU times, not wall times, are
 * compared, since the machine may be shared.
 *
 * Usage: node --import tsx --expose-gc bench/estimator.bench.ts [--quick] [--only=convex,first,latency,dp,exhaustive,http]
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineInfo, percentile } from './lib/machine.js';
import { seededRandom as rng } from '../src/core/random.js';
import { buildEstimator } from '../src/estimator/build.js';
import { solvePlacement, type DenseCostGroup } from '../src/estimator/minplus.js';
import { Estimator } from '../src/estimator/estimator.js';
import { NodeState } from '../src/estimator/node-state.js';
import type { PowerPredictor } from '../src/estimator/types.js';
import { exhaustiveLeastCosts } from '../test/helpers/estimator/exhaustive.js';
import type { NodeInfo } from '../src/estimator/types.js';
import { autocannon } from './lib/autocannon.js';
import { errorMessage } from '../src/core/errors.js';
import { startModuleWorker } from '../src/core/worker.js';
import type { DpWorkerData } from './lib/dp-worker.js';

const quick = process.argv.includes('--quick');
/** Sections to run (all by default). */
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const section = async <T>(name: string, fn: () => Promise<T>): Promise<T | null> => (only && !only.includes(name) ? null : fn());

const NODE_COUNTS = [10, 100, 1000, 5000];
const WORKLOADS = [10, 100, 1000];
const CPU_MILLI = 250;

/** Heterogeneous Fake nodes: base 50..250 W, 5..40 W per core, 8..256 cores (so few are identical). */
function fakeNodes(count: number, seed = 1, types = 0): NodeInfo[] {
  const r = rng(seed);
  const kinds =
    types > 0 ? Array.from({ length: types }, () => [50 + Math.floor(r() * 200), 5 + Math.floor(r() * 36), 8 * (1 + Math.floor(r() * 32))]) : [];
  return Array.from({ length: count }, (_v, i) => {
    const [base, wpc, cores] = types > 0 ? kinds[i % types] : [50 + Math.floor(r() * 200), 5 + Math.floor(r() * 36), 8 * (1 + Math.floor(r() * 32))];
    return {
      name: `node-${i}`,
      labels: { 'waofed.bitmedia.co.jp/fakepcp.basewatts': String(base), 'waofed.bitmedia.co.jp/fakepcp.wpc': String(wpc) },
      allocatableMilli: cores * 1000,
    };
  });
}

const FAKE_SPEC = { defaultNodeConfig: { nodeMonitor: { agents: [] }, powerConsumptionPredictor: { type: 'Fake' as const } } };

/** Times `fn` `reps` times after one warm-up; returns ms figures. */
async function time(reps: number, fn: () => Promise<unknown> | unknown): Promise<{ p50: number; p99: number; mean: number; reps: number }> {
  await fn();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    const t0 = performance.now();
    await fn();
    ts.push(performance.now() - t0);
  }
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return { p50: round(percentile(ts, 50)), p99: round(percentile(ts, 99)), mean: round(ts.reduce((a, b) => a + b, 0) / ts.length), reps };
}

/** Repetitions for a size: fewer for the big ones. */
function repsFor(nodes: number, n: number): number {
  const work = nodes * n * n;
  if (quick) return work > 1e8 ? 1 : work > 1e6 ? 5 : 20;
  return work > 1e9 ? 3 : work > 1e8 ? 10 : work > 1e6 ? 30 : 200;
}

async function latency(): Promise<unknown[]> {
  const rows: unknown[] = [];
  for (const nodes of quick ? [10, 100, 1000] : NODE_COUNTS) {
    const est = await buildEstimator('bench', 'bench', FAKE_SPEC, fakeNodes(nodes), {});
    for (const n of quick ? [10, 100] : WORKLOADS) {
      const reps = repsFor(nodes, n);
      const grouped = await time(reps, () => est.estimate(CPU_MILLI, n));
      const ungrouped = await time(reps, () => est.estimate(CPU_MILLI, n, { grouping: false }));
      const groups = est.groupNodes(CPU_MILLI, n).length;
      rows.push({ nodes, numWorkloads: n, groups, groupedMs: grouped, ungroupedMs: ungrouped });
      process.stderr.write(`latency nodes=${nodes} N=${n} groups=${groups} p50=${grouped.p50}ms\n`);
    }
  }
  // where grouping matters: 5,000 nodes of 20 machine types
  const typed = await buildEstimator('bench', 'typed', FAKE_SPEC, fakeNodes(quick ? 1000 : 5000, 2, 20), {});
  const n = 100;
  const g = await time(repsFor(5000, n), () => typed.estimate(CPU_MILLI, n));
  const u = await time(repsFor(5000, n), () => typed.estimate(CPU_MILLI, n, { grouping: false }));
  rows.push({
    nodes: typed.nodes.length,
    machineTypes: 20,
    numWorkloads: n,
    groups: typed.groupNodes(CPU_MILLI, n).length,
    groupedMs: g,
    ungroupedMs: u,
  });
  return rows;
}

/** Random non-convex cost curves (idle step, then uneven increments, some capacity limits). */
function randomCurves(nodes: number, n: number, seed: number): DenseCostGroup[] {
  const r = rng(seed);
  return Array.from({ length: nodes }, () => {
    const cap = r() < 0.3 ? Math.floor(r() * n) : n;
    const c = new Float64Array(n + 1);
    let acc = 0;
    for (let k = 1; k <= n; k++) {
      acc += k === 1 ? 5 + r() * 30 : r() * 10;
      c[k] = k <= cap ? acc : Infinity;
    }
    return { cost: c, count: 1 };
  });
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
const gc = () => (globalThis as { gc?: () => void }).gc?.();
const cpuNow = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

/** Wall and CPU ms of one call. */
async function once<T>(fn: () => Promise<T> | T): Promise<{ result: T; wallMs: number; cpuMs: number }> {
  const c0 = cpuNow();
  const t0 = performance.now();
  const result = await fn();
  return { result, wallMs: round3(performance.now() - t0), cpuMs: round3(cpuNow() - c0) };
}

/** 10,000 heterogeneous Fake nodes × N = 10,000: the convex path (exact slopes), first and repeated request. */
async function convexAtScale(): Promise<unknown> {
  const nodes = quick ? 2000 : 10_000;
  const n = quick ? 2000 : 10_000;
  const est = await buildEstimator('bench', 'convex', FAKE_SPEC, fakeNodes(nodes, 3), {});
  gc();
  const first = await once(() => est.estimate(CPU_MILLI, n, { deadlineMs: 600_000 }));
  const again = await time(quick ? 3 : 10, () => est.estimate(CPU_MILLI, n, { deadlineMs: 600_000 }));
  const other = await once(() => est.estimate(CPU_MILLI + 1, n, { deadlineMs: 600_000 }));
  est.stop();
  process.stderr.write(`convex nodes=${nodes} N=${n} first=${first.wallMs}ms\n`);
  return {
    nodes,
    numWorkloads: n,
    predictor: 'Fake (linear: exact slopes)',
    firstRequestMs: { wall: first.wallMs, cpu: first.cpuMs },
    repeatedMs: again,
    newCpuMilliMs: { wall: other.wallMs, cpu: other.cpuMs },
    lastWattIncrease: first.result.watt_increases[n - 1],
  };
}

/** A convex, non-linear predictor (quadratic in the request) that differs per node: one predicted curve per node. */
const quadratic: PowerPredictor = {
  type: 'Quadratic',
  identity: (node) => `Quadratic|${node.name}`,
  predict: async (reqs, _status, node) => {
    const i = Number(node.name.slice(5));
    const a = 0.005 + (i % 97) / 10_000;
    const b = 1e-7 * (1 + (i % 13));
    return reqs.map((r) => 80 + (i % 50) + a * r + b * r * r);
  },
};

/** Issue 10 item 8: the first request for a new cpu_milli on 10,000 nodes × N = 1,000 with predicted curves. */
async function firstRequestNonLinear(): Promise<unknown> {
  const nodes = quick ? 2000 : 10_000;
  const n = 1000;
  const states = fakeNodes(nodes, 4).map((node) => new NodeState({ node, monitors: [], predictor: quadratic, refreshMs: 60_000 }));
  const est = new Estimator('bench', 'quadratic', states);
  gc();
  const m0 = process.memoryUsage();
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const first = await once(() => est.estimate(CPU_MILLI, n, { deadlineMs: 600_000 }));
  loop.disable();
  const m1 = process.memoryUsage();
  gc();
  const m2 = process.memoryUsage();
  const warm = await time(quick ? 3 : 5, () => est.estimate(CPU_MILLI, n, { deadlineMs: 600_000 }));
  const values = nodes * (n + 1);
  const mib = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;
  est.stop();
  process.stderr.write(`first request nodes=${nodes} N=${n} ${first.wallMs}ms\n`);
  return {
    nodes,
    numWorkloads: n,
    predictor: 'per-node quadratic (convex, not linear): one predicted curve per node',
    firstRequestMs: { wall: first.wallMs, cpu: first.cpuMs },
    longestEventLoopStallMs: round3(loop.max / 1e6),
    warmRequestMs: warm,
    memoryMiB: {
      rssGrowthDuringFirstRequest: mib(m1.rss - m0.rss),
      retainedAfterGc: { heapUsed: mib(m2.heapUsed - m0.heapUsed), arrayBuffers: mib(m2.arrayBuffers - m0.arrayBuffers), rss: mib(m2.rss - m0.rss) },
    },
    retainedBytesPerNodeValue: Math.round(((m2.heapUsed + m2.arrayBuffers - m0.heapUsed - m0.arrayBuffers) / values) * 10) / 10,
  };
}

/** Builds bench/reference/<name>.c with cc -O2; undefined when no C compiler is there. */
function buildReference(dir: string, name: string): string | undefined {
  const bin = join(dir, name);
  try {
    execFileSync('cc', ['-O2', '-o', bin, fileURLToPath(new URL(`./reference/${name}.c`, import.meta.url)), '-lm'], { stdio: 'pipe' });
    return bin;
  } catch (err) {
    process.stderr.write(`cc failed, no compiled reference: ${errorMessage(err)}\n`);
    return undefined;
  }
}

/**
 * Builds bench/reference/estimator-server.go with `go build` (stdlib only; caches in `dir`); the binary,
 * or why there is none (Go not installed, or the build failed).
 */
function buildGoReference(dir: string): { bin?: string; reason?: string } {
  const bin = join(dir, 'estimator-server-go');
  let version: string;
  try {
    version = execFileSync('go', ['version'], { stdio: 'pipe' }).toString().trim();
  } catch {
    return { reason: 'go is not on PATH (e.g. apt-get install golang-go), so the Go DP server was not built' };
  }
  try {
    execFileSync('go', ['build', '-o', bin, fileURLToPath(new URL('./reference/estimator-server.go', import.meta.url))], {
      stdio: 'pipe',
      cwd: dir,
      env: { ...process.env, GOCACHE: join(dir, 'go-cache'), GOPATH: join(dir, 'go-path'), GOFLAGS: '', GO111MODULE: 'off' },
    });
    return { bin, reason: version };
  } catch (err) {
    return { reason: `go build failed: ${errorMessage(err)}` };
  }
}

/** A DP worker (bench/lib/dp-worker.ts): `solve()` runs the placement once there and answers its CPU time and totals. */
async function startDpWorker(
  data: DpWorkerData,
): Promise<{ solve: () => Promise<{ cpuMs: number; totals: Float64Array }>; stop: () => Promise<number> }> {
  const worker = startModuleWorker(new URL('./lib/dp-worker.js', import.meta.url), data);
  const next = () =>
    new Promise<{ ready?: boolean; cpuMs: number; totals: Float64Array }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    }).finally(() => worker.removeAllListeners('error'));
  await next();
  return {
    solve: () => {
      const answer = next();
      worker.postMessage('solve');
      return answer;
    },
    stop: () => worker.terminate(),
  };
}

/**
 * Repetitions of one DP size, the same for powerplane and each C variant: more for the small ones, whose
 * single runs (15–30 ms) a neighbour's burst or a GC can double.
 */
function dpReps(nodes: number, n: number): number {
  const work = nodes * n * n;
  if (quick) return work > 5e8 ? 2 : 5;
  return work > 2e9 ? 3 : work > 1e8 ? 5 : 15;
}

/**
 * The general DP (random non-convex curves) against the compiled reference, CPU time, best of the same
 * number of repetitions; powerplane's and the C variants' repetitions alternate, so both see the same
 * machine (one C process per repetition, which times only its solve).
 */
async function dpAgainstCompiled(): Promise<unknown[]> {
  const dir = mkdtempSync(join(tmpdir(), 'pp-bench-dp-'));
  const bin = buildReference(dir, 'minplus');
  const rows: unknown[] = [];
  const sizes: [number, number][] = quick
    ? [
        [100, 1000],
        [1000, 100],
      ]
    : [
        [100, 1000],
        [1000, 1000],
        [5000, 100],
        [300, 3000],
      ];
  const variants = ['plain', 'pruned', 'tiled'] as const;
  for (const [nodes, n] of sizes) {
    const curves = randomCurves(nodes, n, nodes + n);
    const reps = dpReps(nodes, n);
    // a server solves many times: warm the compiler up on small instances of the same N first (untimed)
    for (let i = 0; i < 5; i++) solvePlacement(randomCurves(50, n, i), n);
    const input = join(dir, 'in.bin');
    if (bin) {
      const buf = Buffer.alloc(8 + nodes * (n + 1) * 8);
      buf.writeInt32LE(nodes, 0);
      buf.writeInt32LE(n, 4);
      curves.forEach((c, i) => Buffer.from(c.cost.buffer, c.cost.byteOffset, c.cost.byteLength).copy(buf, 8 + i * (n + 1) * 8));
      writeFileSync(input, buf);
    }
    // powerplane in a worker thread of its own (as the estimator's long solves run) and here in the
    // benchmark's main thread, where tsx's loading has left V8 checking typed arrays for detachment
    // (bench/lib/dp-worker.ts)
    const worker = await startDpWorker({ curves, warmUp: Array.from({ length: 5 }, (_v, i) => randomCurves(50, n, i)), n });
    const compiled = { plain: Infinity, pruned: Infinity, tiled: Infinity };
    let identical = true;
    let jsCpu = Infinity;
    let mainCpu = Infinity;
    try {
      for (let r = 0; r < reps; r++) {
        const inWorker = await worker.solve();
        jsCpu = Math.min(jsCpu, inWorker.cpuMs);
        gc();
        const t = await once(() => solvePlacement(curves, n));
        mainCpu = Math.min(mainCpu, t.cpuMs);
        for (let k = 0; k <= n; k++) if (!Object.is(inWorker.totals[k], t.result.totals[k])) identical = false;
        if (!bin) continue;
        for (const variant of variants) {
          const ms = (JSON.parse(execFileSync(bin, [input, join(dir, 'out.bin'), '1', variant]).toString()) as { ms: number }).ms;
          compiled[variant] = Math.min(compiled[variant], ms);
          const out = readFileSync(join(dir, 'out.bin'));
          const ref = new Float64Array(out.buffer, out.byteOffset, n + 1);
          for (let k = 0; k <= n; k++) if (!Object.is(ref[k], t.result.totals[k])) identical = false;
        }
      }
    } finally {
      await worker.stop();
    }
    const row: Record<string, unknown> = { nodes, numWorkloads: n, reps, powerplaneCpuMs: round3(jsCpu), powerplaneMainThreadCpuMs: mainCpu };
    if (bin) {
      const textbook = Math.min(compiled.plain, compiled.pruned);
      Object.assign(row, {
        compiledCpuMs: { plain: round3(compiled.plain), pruned: round3(compiled.pruned), tiled: round3(compiled.tiled) },
        ratioToFasterCompiled: round3(jsCpu / textbook),
        ratioToFasterCompiledMainThread: round3(mainCpu / textbook),
        ratioToSameKernelCompiled: round3(jsCpu / compiled.tiled),
        identical,
      });
    }
    rows.push(row);
    process.stderr.write(`dp nodes=${nodes} N=${n} ${JSON.stringify(row)}\n`);
  }
  return rows;
}

async function exhaustiveRatio(): Promise<unknown[]> {
  const rows: unknown[] = [];
  for (const [nodes, n] of [
    [4, 20],
    [6, 10],
    [8, 6],
    [12, 2],
    [23, 1],
  ] as const) {
    const curves = randomCurves(nodes, n, 7 * nodes + n);
    const diffs = curves.map((c) => Array.from(c.cost.subarray(1)));
    const t0 = performance.now();
    const ref = exhaustiveLeastCosts(diffs);
    const exMs = performance.now() - t0;
    const dp = await time(50, () => solvePlacement(curves, n));
    const same = ref.costs.every((v, i) =>
      v === Infinity ? solvePlacement(curves, n).totals[i + 1] === Infinity : Math.abs(v - solvePlacement(curves, n).totals[i + 1]) < 1e-9,
    );
    rows.push({
      nodes,
      numWorkloads: n,
      exhaustiveMs: Math.round(exMs * 1000) / 1000,
      dpMs: dp.p50,
      speedup: Math.round(exMs / Math.max(dp.p50, 1e-6)),
      identical: same,
    });
    process.stderr.write(`exhaustive nodes=${nodes} N=${n} ${Math.round(exMs)}ms vs dp ${dp.p50}ms\n`);
  }
  let failsAt = 0;
  try {
    exhaustiveLeastCosts(randomCurves(24, 1, 1).map((c) => Array.from(c.cost.subarray(1))));
  } catch {
    failsAt = 24;
  }
  rows.push({ note: "WAO's enumeration refuses every request at this many nodes", nodes: failsAt });
  return rows;
}

/** CPU ms (user + system) a process has used, from /proc/<pid>/stat. */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

/** Waits for `url` to answer 200. */
async function waitUp(url: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} never came up`);
}

/**
 * Loads a server with estimation requests (each connection cycles through `bodies`); requests/s, latency
 * and the server's CPU per request.
 */
async function load(child: ChildProcess, url: string, bodies: string[]): Promise<Record<string, unknown>> {
  const duration = quick ? 3 : 10;
  const headers = { 'content-type': 'application/json' };
  const opts = { url, connections: 10, requests: bodies.map((body) => ({ method: 'POST', headers, body })) };
  await autocannon({ ...opts, duration: 1 }); // warm-up
  const c0 = processCpuMs(child.pid!);
  const result = await autocannon({ ...opts, duration });
  const cpuMs = processCpuMs(child.pid!) - c0;
  const requests = result.requests.average * duration;
  return {
    requestsPerSecond: result.requests.average,
    cpuMsPerRequest: round3(cpuMs / Math.max(1, requests)),
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99 },
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/** A bare fastify server on one core answering every POST with a fixed estimation body: the floor of a Node server. */
const BARE_FASTIFY = `
import Fastify from 'fastify';
const app = Fastify();
const answer = { cpu_milli: 500, num_workloads: 10, watt_increases: [5, 10, 15, 20, 25, 30, 35, 40, 45, 50] };
app.get('/healthz', async () => 'ok');
app.post('/*', async () => answer);
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
`;

/**
 * Starts a server pinned to core 0, waits for its /healthz, loads it with `body`, and stops it; also
 * returns its answer to `body`. With `varied`, a second load cycles through those bodies (`variedRequests`).
 */
async function measureServer(
  argv: string[],
  port: number,
  path: string,
  body: string,
  opts: { env?: NodeJS.ProcessEnv; varied?: string[] } = {},
): Promise<Record<string, unknown>> {
  const child = spawn('taskset', ['-c', '0', ...argv], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: opts.env ?? process.env,
    cwd: fileURLToPath(new URL('..', import.meta.url)),
  });
  try {
    await waitUp(`http://127.0.0.1:${port}/healthz`);
    const answer = (await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(
      (r) => r.json(),
    )) as { watt_increases?: number[] };
    const url = `http://127.0.0.1:${port}${path}`;
    const same = await load(child, url, [body]);
    return { ...same, answer: answer.watt_increases, ...(opts.varied ? { variedRequests: await load(child, url, opts.varied) } : {}) };
  } finally {
    child.kill('SIGTERM');
  }
}

async function httpThroughput(): Promise<unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'pp-bench-est-'));
  const file = join(dir, 'estimator.yaml');
  const fake = fakeNodes(100);
  const nodes = fake.map((n) => ({ name: n.name, labels: n.labels, allocatable: { cpu: String((n.allocatableMilli ?? 0) / 1000) } }));
  writeFileSync(file, JSON.stringify({ estimators: [{ namespace: 'default', name: 'default', spec: FAKE_SPEC }], nodes }));
  // the same nodes for the compiled server: base, wpc, allocatable millicores
  const nodesFile = join(dir, 'nodes.txt');
  writeFileSync(
    nodesFile,
    fake
      .map((n) => `${n.labels['waofed.bitmedia.co.jp/fakepcp.basewatts']} ${n.labels['waofed.bitmedia.co.jp/fakepcp.wpc']} ${n.allocatableMilli}`)
      .join('\n') + '\n',
  );
  // the built CLI, as `npm start` and the image run it (not the sources under tsx, whose loader leaves
  // the process checking typed arrays for detachment: see the DP section)
  const root = fileURLToPath(new URL('..', import.meta.url));
  execFileSync(process.execPath, [join(root, 'scripts/build-if-needed.mjs')], { cwd: root, stdio: 'inherit' });
  const main = join(root, 'dist/src/cli/main.js');
  const body = JSON.stringify({ cpu_milli: 500, num_workloads: 10 });
  // 100 distinct cpu_milli values in turn: more than powerplane remembers per node snapshot (64), so
  // most requests order the groups by slope afresh, as a request for a new cpu_milli does
  const varied = Array.from({ length: 100 }, (_v, i) => JSON.stringify({ cpu_milli: 100 + 10 * i, num_workloads: 10 }));
  const path = '/namespaces/default/estimators/default/values/powerconsumption';
  const port = 15656 + Math.floor(Math.random() * 1000);
  const powerplane = await measureServer(
    [process.execPath, main, 'estimator', '--config', file, '--web.listen-address', `127.0.0.1:${port}`, '--log.level', 'warn'],
    port,
    path,
    body,
    { varied },
  );
  const floor = await measureServer([process.execPath, '--input-type=module', '-e', BARE_FASTIFY], port + 1000, path, body, {
    env: { ...process.env, PORT: String(port + 1000) },
  });
  const bin = buildReference(dir, 'estimator-server');
  const compiled = bin ? await measureServer([bin, String(port + 2000), nodesFile], port + 2000, path, body) : undefined;
  const go = buildGoReference(dir);
  const goServer = go.bin
    ? await measureServer([go.bin, String(port + 3000), nodesFile], port + 3000, path, body, {
        env: { ...process.env, GOMAXPROCS: '1' },
        varied,
      })
    : undefined;
  const ratio = (ref: Record<string, unknown> | undefined) =>
    ref ? round3((powerplane.cpuMsPerRequest as number) / (ref.cpuMsPerRequest as number)) : null;
  const cpuOf = (r: unknown) => (r as { cpuMsPerRequest: number }).cpuMsPerRequest;
  const same = (ref: Record<string, unknown> | undefined) => (ref ? JSON.stringify(ref.answer) === JSON.stringify(powerplane.answer) : null);
  return {
    nodes: 100,
    numWorkloads: 10,
    serverCores: 1,
    connections: 10,
    durationS: quick ? 3 : 10,
    powerplane,
    goServer: goServer ?? null,
    /** The Go toolchain used, or why there is no Go figure. */
    goServerBuild: go.reason,
    compiledServer: compiled ?? null,
    bareFastify: floor,
    sameAnswer: { goServer: same(goServer), compiledServer: same(compiled) },
    cpuPerRequestRatio: {
      toGoServer: ratio(goServer),
      toCompiledServer: ratio(compiled),
      toBareFastify: ratio(floor),
      toGoServerVariedRequests: goServer ? round3(cpuOf(powerplane.variedRequests) / cpuOf(goServer.variedRequests)) : null,
    },
    note:
      'powerplane: the built CLI (dist/src/cli/main.js, from its code cache); variedRequests: a second load where each connection cycles through 100 cpu_milli values (100..1090, N=10); ' +
      'goServer: bench/reference/estimator-server.go (go build; net/http + encoding/json, GOMAXPROCS=1, the exact min-plus DP over the same 100 Fake nodes, same request and answer: the Go DP server issue 17 measures against); ' +
      'compiledServer: bench/reference/estimator-server.c (cc -O2; epoll, hand-written HTTP/1.1 keep-alive, the same DP: far leaner than any Go net/http server); ' +
      'bareFastify: a fastify server answering a fixed body without estimating, the least any Node server spends per request; all pinned to core 0 in turn',
  };
}

const convexRows = await section('convex', convexAtScale);
const firstRequest = await section('first', firstRequestNonLinear);
const latencyRows = (await section('latency', latency)) ?? [];
const dpRows = (await section('dp', dpAgainstCompiled)) ?? [];
const exhaustiveRows = await section('exhaustive', exhaustiveRatio);
const http = await section('http', httpThroughput);
/** The worst (largest) of a ratio over the DP sizes; null when the section did not run or had no compiler. */
const worstDp = (key: 'ratioToFasterCompiled' | 'ratioToFasterCompiledMainThread' | 'ratioToSameKernelCompiled') =>
  dpRows.length ? Math.max(...dpRows.map((r) => (r as Record<string, number | undefined>)[key] ?? NaN)) : null;
/** The worse of powerplane ÷ Go for the same request and for varied ones; null without a Go figure. */
function goRatio(h: unknown): number | null {
  const r = (h as { cpuPerRequestRatio?: { toGoServer: number | null; toGoServerVariedRequests: number | null } } | null)?.cpuPerRequestRatio;
  return r?.toGoServer != null && r.toGoServerVariedRequests != null ? Math.max(r.toGoServer, r.toGoServerVariedRequests) : null;
}
const find = (nodes: number, n: number) =>
  latencyRows.find(
    (r) =>
      (r as { nodes: number; numWorkloads: number; machineTypes?: number }).nodes === nodes &&
      (r as { numWorkloads: number }).numWorkloads === n &&
      !(r as { machineTypes?: number }).machineTypes,
  ) as { groupedMs: { p50: number } } | undefined;
process.stdout.write(
  JSON.stringify(
    {
      bench: 'estimator',
      quick,
      sections: only ?? 'all',
      inputs: { cpuMilli: CPU_MILLI, predictor: 'Fake (warm prediction cache)', nodes: 'heterogeneous: base 50..250 W, 5..40 W/core, 8..256 cores' },
      targets: {
        '1000 nodes x N=100 < 50 ms': find(1000, 100)?.groupedMs.p50 ?? null,
        '5000 nodes x N=100 < 250 ms': find(5000, 100)?.groupedMs.p50 ?? null,
        '10000 nodes x N=10000 convex < 1000 ms (first request, wall)':
          (convexRows as { firstRequestMs: { wall: number } } | null)?.firstRequestMs.wall ?? null,
        'per-request CPU <= 2x the Go DP server (worst ratio powerplane / Go, 100 nodes x N=10 over HTTP, same and varied requests)': goRatio(http),
        // the goal compares with the textbook DP compiled from C: the faster of its plain and pruned loops;
        // powerplane in a worker thread, as the estimator runs long solves, and in the benchmark's main thread
        'general DP <= 1.5x textbook compiled DP (worst ratio powerplane / faster of plain, pruned C)': worstDp('ratioToFasterCompiled'),
        'the same in the benchmark main thread, under tsx (worst ratio)': worstDp('ratioToFasterCompiledMainThread'),
        // for reference, not the goal: the same 4 x 4 tiled kernel compiled from C
        'general DP / same kernel compiled (worst ratio powerplane / tiled C)': worstDp('ratioToSameKernelCompiled'),
      },
      latency: latencyRows,
      convexAtScale: convexRows,
      firstRequestNewCpuMilli: firstRequest,
      generalDpVsCompiled: dpRows,
      exhaustiveReference: exhaustiveRows,
      http,
      machine: machineInfo(),
    },
    null,
    2,
  ) + '\n',
);
