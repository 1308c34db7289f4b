/**
 * Scheduler extender benchmark: latency of one `prioritize` and one `filter` call for 1,000 and 5,000
 * candidate nodes (nodeCacheCapable form: node names), in-process and over real HTTP on loopback:
 * - warm: node readings unchanged since the last call (every node's cost reused);
 * - 1% changed: 1% of the nodes re-read their monitors between calls (those are predicted again);
 * - cold: a pod CPU size never seen (every node predicted, through the estimator's prediction cache).
 * - spread: the `spread` policy with pod counts of 4 pods per node over 200 workloads (as the pod watch
 *   keeps them in a cluster).
 * Heterogeneous Fake nodes (base 50..250 W, 5..40 W per core) with a Fake monitor, so readings exist.
 * The extender runs as in a cluster (pod counts and the bound-node deltas kept per prioritized pod).
 *
 * Each figure follows WARMUP unmeasured calls. No forced GC between calls (a forced full GC leaves concurrent sweeping that lands in the next call's
 * CPU time). Figures are CPU ms (user+system) and wall ms per call; on a shared, loaded machine wall time includes waiting
 * for a core, so CPU time is the comparable figure.
 *
 * Usage: node --import tsx --expose-gc bench/scheduler.bench.ts [--quick]
 */
import { spawn } from 'node:child_process';
import { machineInfo, percentile } from './lib/machine.js';
import { seededRandom as rng } from '../src/core/random.js';
import { buildEstimator } from '../src/estimator/build.js';
import { EstimatorRegistry } from '../src/estimator/registry.js';
import { SchedulerExtender } from '../src/estimator/scheduler/extender.js';
import { ExtenderMetrics } from '../src/estimator/scheduler/metrics.js';
import { PodCounts } from '../src/estimator/scheduler/pod-counts.js';
import { registerSchedulerRoutes } from '../src/estimator/scheduler/routes.js';
import { createServer } from '../src/core/server.js';
import { silentLogger } from '../src/core/logger.js';
import type { NodeInfo } from '../src/estimator/types.js';

const quick = process.argv.includes('--quick');
const REPS = quick ? 10 : 200;
/** Calls before the measured ones (the JIT's optimizing tiers; a served extender runs warm). */
const WARMUP = 5;

function nodes(count: number): NodeInfo[] {
  const r = rng(count);
  return Array.from({ length: count }, (_v, i) => ({
    name: `node-${i}`,
    labels: {
      'waofed.bitmedia.co.jp/fakepcp.basewatts': String(50 + Math.floor(r() * 200)),
      'waofed.bitmedia.co.jp/fakepcp.wpc': String(5 + Math.floor(r() * 36)),
      'waofed.bitmedia.co.jp/node-status.ambienttemp': String(18 + Math.floor(r() * 12)),
    },
    allocatableMilli: 8000 * (1 + Math.floor(r() * 32)),
  }));
}

const round = (v: number) => Math.round(v * 1000) / 1000;
/** Wall and CPU (user+system of this process) ms per call: on a loaded machine wall time includes waiting for a core. */
function summary(wall: number[], cpu: number[]) {
  return {
    cpuP50Ms: round(percentile(cpu, 50)),
    cpuP99Ms: round(percentile(cpu, 99)),
    wallP50Ms: round(percentile(wall, 50)),
    wallP99Ms: round(percentile(wall, 99)),
    reps: wall.length,
  };
}

/** Runs `fn` once and returns its wall and CPU ms. */
async function measure(fn: () => Promise<unknown>): Promise<[number, number]> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return [wall, (c.user + c.system) / 1000];
}

const WORKLOADS = 200;
const owner = (w: number) => [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: `app-${w}`, uid: `w${w}`, controller: true }];
const pod = (cpu: string, workload = 0) => ({
  metadata: { name: 'p', namespace: 'default', uid: 'u', ownerReferences: owner(workload) },
  spec: { containers: [{ name: 'c', resources: { requests: { cpu } } }] },
});

/** Pod counts as the pod watch keeps them: 4 bound pods per node, over WORKLOADS workloads. */
function podCounts(names: string[]): PodCounts {
  const counts = new PodCounts();
  let k = 0;
  for (const n of names) {
    for (let j = 0; j < 4; j++, k++)
      counts.upsert({
        metadata: { name: `p${k}`, namespace: 'default', uid: `p${k}`, ownerReferences: owner(k % WORKLOADS) },
        spec: { nodeName: n },
        status: { phase: 'Running' },
      });
  }
  return counts;
}

async function run(count: number) {
  const registry = new EstimatorRegistry();
  const spec = {
    defaultNodeConfig: {
      nodeMonitor: { refreshInterval: '1h', agents: [{ type: 'Fake' as const }] },
      powerConsumptionPredictor: { type: 'Fake' as const },
    },
  };
  const est = await buildEstimator('default', 'default', spec, nodes(count), {});
  registry.set(est);
  await Promise.all(est.nodes.map((n) => n.refresh()));
  const names = est.nodes.map((n) => n.node.name);
  const settings = {
    estimator: 'default/default',
    policy: 'watts' as const,
    defaultCpuMilli: 100,
    spreadMaxPerNode: 1,
    maxInletTemperature: 27,
    deadlineMs: 800,
  };
  const extender = new SchedulerExtender(registry, settings, new ExtenderMetrics(), silentLogger(), { workloadPods: podCounts(names) });
  const args = (cpu: string) => ({ Pod: pod(cpu), Nodes: null, NodeNames: names });
  const time = async (fn: () => Promise<unknown>, between?: () => Promise<void>) => {
    for (let i = 0; i < WARMUP; i++) await fn();
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < REPS; i++) {
      if (between) await between();
      const [w, c] = await measure(fn);
      wall.push(w);
      cpu.push(c);
    }
    return summary(wall, cpu);
  };
  const warmPrioritize = await time(() => extender.prioritize(args('500m'), {}));
  const warmFilter = await time(() => extender.filter(args('500m'), {}));
  const warmTemperature = await time(() => extender.prioritize(args('500m'), { policy: 'temperature' }));
  const spreadArgs = { Pod: pod('500m', 7), Nodes: null, NodeNames: names };
  const warmSpread = await time(() => extender.prioritize(spreadArgs, { policy: 'spread' }));
  const warmSpreadFilter = await time(() => extender.filter(spreadArgs, { policy: 'spread' }));
  let k = 0;
  const changed = await time(
    () => extender.prioritize(args('500m'), {}),
    async () => {
      const step = Math.max(1, Math.floor(count / 100));
      await Promise.all(est.nodes.slice(k, k + step).map((n) => n.refresh()));
      k = (k + step) % count;
      await new Promise((r) => setTimeout(r, 2)); // lastSuccess moves on
    },
  );
  let size = 1000;
  const coldWall: number[] = [];
  const coldCpu: number[] = [];
  for (let i = 0; i < Math.min(REPS, 20); i++) {
    const cpu = `${size++}m`;
    const [w, c] = await measure(() => extender.prioritize(args(cpu), {}));
    coldWall.push(w);
    coldCpu.push(c);
  }
  // over HTTP: the route, JSON parsing of the names and the answer included; the client is another
  // process, so this process's CPU time between a request's arrival and its response is the server's
  const server = await createServer({
    log: silentLogger(),
    components: [
      {
        name: 'scheduler',
        routes: async (app) => {
          const started = new WeakMap<object, [number, NodeJS.CpuUsage]>();
          app.addHook('onRequest', async (req) => void started.set(req.raw, [performance.now(), process.cpuUsage()]));
          app.addHook('onResponse', async (req) => {
            const s = started.get(req.raw);
            if (!s) return;
            const c = process.cpuUsage(s[1]);
            serverWall.push(performance.now() - s[0]);
            serverCpu.push((c.user + c.system) / 1000);
          });
          await registerSchedulerRoutes(app, { extender, metricsAtRoot: false });
        },
      },
    ],
  });
  const serverWall: number[] = [];
  const serverCpu: number[] = [];
  const base = await server.listen('127.0.0.1:0');
  const body = JSON.stringify(args('500m'));
  const clientWall = await httpClient(`${base}/scheduler/prioritize`, body, WARMUP + REPS);
  const http = {
    server: summary(serverWall.slice(WARMUP), serverCpu.slice(WARMUP)),
    clientWallP50Ms: round(percentile(clientWall.slice(WARMUP), 50)),
    clientWallP99Ms: round(percentile(clientWall.slice(WARMUP), 99)),
  };
  await server.close();
  registry.stop();
  return {
    nodes: count,
    bodyBytes: body.length,
    warmPrioritize,
    warmFilter,
    warmTemperature,
    warmSpread,
    warmSpreadFilter,
    onePercentChanged: changed,
    coldNewCpuSize: summary(coldWall, coldCpu),
    httpPrioritize: http,
  };
}

/**
 * POSTs `body` to `url` `n` times, one after another, from a child process (keep-alive); the wall ms
 * of each call as the client saw it.
 */
async function httpClient(url: string, body: string, n: number): Promise<number[]> {
  const script = `
    const http = require('node:http');
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    let body = '';
    process.stdin.on('data', (d) => (body += d)).on('end', async () => {
      const out = [];
      for (let i = 0; i < ${n}; i++) {
        const t0 = performance.now();
        await new Promise((resolve, reject) => {
          const req = http.request(${JSON.stringify(url)}, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
            res.resume();
            res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error('HTTP ' + res.statusCode))));
          });
          req.on('error', reject);
          req.end(body);
        });
        out.push(performance.now() - t0);
      }
      process.stdout.write(JSON.stringify(out));
      agent.destroy();
    });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stdin.end(body);
  const code = await new Promise<number | null>((r) => child.on('close', r));
  if (code !== 0) throw new Error(`HTTP client exited ${code}`);
  return JSON.parse(out) as number[];
}

const results = [];
for (const count of [1000, 5000]) {
  results.push(await run(count));
  process.stderr.write(`scheduler bench: ${count} nodes done\n`);
}
process.stdout.write(
  JSON.stringify(
    {
      bench: 'scheduler',
      description:
        'scheduler extender: CPU and wall ms per call (p50/p99) over N candidate nodes, nodeCacheCapable form; goal < 20 ms per call at 5,000 nodes. HTTP: server CPU and wall per call measured from request arrival to response sent (the client is a child process), and the wall time the client saw.',
      machine: machineInfo(),
      inputs: {
        reps: REPS,
        warmup: WARMUP,
        predictor: 'Fake (heterogeneous)',
        monitor: 'Fake',
        form: 'NodeNames',
        podCounts: `4 pods per node over ${WORKLOADS} workloads`,
      },
      results,
    },
    null,
    2,
  ) + '\n',
);
