/**
 * Estimator benchmark: latency of one estimation (p50/p99) for 10 / 100 / 1,000 / 5,000 heterogeneous
 * nodes × N = 10 / 100 / 1,000, in-process with a warm prediction cache (so it measures grouping, cache
 * lookups and the min-plus DP), grouped and ungrouped; the DP alone on non-convex curves; WAO's exhaustive
 * reference at the sizes where it runs, with the speed ratio; and requests/s over real HTTP on loopback
 * (autocannon) against `powerplane estimator` pinned to one core, 100 nodes × N=10.
 *
 * Usage: node --import tsx --expose-gc bench/estimator.bench.ts [--quick]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineInfo, percentile } from './lib/machine.js';
import { buildEstimator } from '../src/estimator/build.js';
import { solvePlacement, type CostGroup } from '../src/estimator/minplus.js';
import { exhaustiveLeastCosts } from '../src/estimator/exhaustive.js';
import type { NodeInfo } from '../src/estimator/types.js';
import { autocannon } from './lib/autocannon.js';

const quick = process.argv.includes('--quick');

const NODE_COUNTS = [10, 100, 1000, 5000];
const WORKLOADS = [10, 100, 1000];
const CPU_MILLI = 250;

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Heterogeneous Fake nodes: base 50..250 W, 5..40 W per core, 8..256 cores (so few are identical). */
function fakeNodes(count: number, seed = 1, types = 0): NodeInfo[] {
  const r = rng(seed);
  const kinds = types > 0 ? Array.from({ length: types }, () => [50 + Math.floor(r() * 200), 5 + Math.floor(r() * 36), 8 * (1 + Math.floor(r() * 32))]) : [];
  return Array.from({ length: count }, (_v, i) => {
    const [base, wpc, cores] = types > 0 ? kinds[i % types] : [50 + Math.floor(r() * 200), 5 + Math.floor(r() * 36), 8 * (1 + Math.floor(r() * 32))];
    return { name: `node-${i}`, labels: { 'waofed.bitmedia.co.jp/fakepcp.basewatts': String(base), 'waofed.bitmedia.co.jp/fakepcp.wpc': String(wpc) }, allocatableMilli: cores * 1000 };
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
  rows.push({ nodes: typed.nodes.length, machineTypes: 20, numWorkloads: n, groups: typed.groupNodes(CPU_MILLI, n).length, groupedMs: g, ungroupedMs: u });
  return rows;
}

/** Random non-convex cost curves (idle step, then uneven increments, some capacity limits). */
function randomCurves(nodes: number, n: number, seed: number): CostGroup[] {
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

async function dpOnly(): Promise<unknown[]> {
  const rows: unknown[] = [];
  for (const nodes of quick ? [100, 1000] : NODE_COUNTS) {
    for (const n of quick ? [10, 100] : WORKLOADS) {
      const curves = randomCurves(nodes, n, nodes + n);
      const t = await time(repsFor(nodes, n), () => solvePlacement(curves, n));
      rows.push({ nodes, numWorkloads: n, nonConvexDpMs: t });
    }
  }
  return rows;
}

async function exhaustiveRatio(): Promise<unknown[]> {
  const rows: unknown[] = [];
  for (const [nodes, n] of [[4, 20], [6, 10], [8, 6], [12, 2], [23, 1]] as const) {
    const curves = randomCurves(nodes, n, 7 * nodes + n);
    const diffs = curves.map((c) => Array.from(c.cost.subarray(1)));
    const t0 = performance.now();
    const ref = exhaustiveLeastCosts(diffs);
    const exMs = performance.now() - t0;
    const dp = await time(50, () => solvePlacement(curves, n));
    const same = ref.costs.every((v, i) => (v === Infinity ? solvePlacement(curves, n).totals[i + 1] === Infinity : Math.abs(v - solvePlacement(curves, n).totals[i + 1]) < 1e-9));
    rows.push({ nodes, numWorkloads: n, exhaustiveMs: Math.round(exMs * 1000) / 1000, dpMs: dp.p50, speedup: Math.round(exMs / Math.max(dp.p50, 1e-6)), identical: same });
    process.stderr.write(`exhaustive nodes=${nodes} N=${n} ${Math.round(exMs)}ms vs dp ${dp.p50}ms\n`);
  }
  let failsAt = 0;
  try {
    exhaustiveLeastCosts(randomCurves(24, 1, 1).map((c) => Array.from(c.cost.subarray(1))));
  } catch {
    failsAt = 24;
  }
  rows.push({ note: 'WAO\'s enumeration refuses every request at this many nodes', nodes: failsAt });
  return rows;
}

async function httpThroughput(): Promise<unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'pp-bench-est-'));
  const file = join(dir, 'estimator.yaml');
  const nodes = fakeNodes(100).map((n) => ({ name: n.name, labels: n.labels, allocatable: { cpu: String((n.allocatableMilli ?? 0) / 1000) } }));
  writeFileSync(file, JSON.stringify({ estimators: [{ namespace: 'default', name: 'default', spec: FAKE_SPEC }], nodes }));
  const port = 15656 + Math.floor(Math.random() * 1000);
  const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
  const child = spawn('taskset', ['-c', '0', process.execPath, '--import', 'tsx', main, 'estimator', '--config', file, '--web.listen-address', `127.0.0.1:${port}`, '--log.level', 'warn'], { stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 300; i++) {
      if (await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const result = await autocannon({
      url: `${url}/namespaces/default/estimators/default/values/powerconsumption`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cpu_milli: 500, num_workloads: 10 }),
      connections: 10,
      duration: quick ? 3 : 10,
    });
    return {
      nodes: 100,
      numWorkloads: 10,
      serverCores: 1,
      connections: 10,
      durationS: quick ? 3 : 10,
      requestsPerSecond: result.requests.average,
      latencyMs: { p50: result.latency.p50, p99: result.latency.p99 },
      non2xx: result.non2xx,
      errors: result.errors,
    };
  } finally {
    child.kill('SIGTERM');
  }
}

const latencyRows = await latency();
const dpRows = await dpOnly();
const exhaustiveRows = await exhaustiveRatio();
const http = await httpThroughput();
const find = (nodes: number, n: number) => latencyRows.find((r) => (r as { nodes: number; numWorkloads: number; machineTypes?: number }).nodes === nodes && (r as { numWorkloads: number }).numWorkloads === n && !(r as { machineTypes?: number }).machineTypes) as { groupedMs: { p50: number } } | undefined;
process.stdout.write(
  JSON.stringify(
    {
      bench: 'estimator',
      quick,
      inputs: { cpuMilli: CPU_MILLI, predictor: 'Fake (warm prediction cache)', nodes: 'heterogeneous: base 50..250 W, 5..40 W/core, 8..256 cores' },
      targets: {
        '1000 nodes x N=100 < 50 ms': find(1000, 100)?.groupedMs.p50 ?? null,
        '5000 nodes x N=100 < 250 ms': find(5000, 100)?.groupedMs.p50 ?? null,
      },
      latency: latencyRows,
      dpOnlyNonConvex: dpRows,
      exhaustiveReference: exhaustiveRows,
      http,
      machine: machineInfo(),
    },
    null,
    2,
  ) + '\n',
);
