// Benchmark of the dashboard: the cost of recording one agent refresh into the chart history, the
// size and serialization time of the history served to the page, the heap a full history holds
// (and a full day of it against issue 17's goal), the latency of the history route over real HTTP,
// and the page's weight (files the browser loads). History lengths: BENCH_DASHBOARD_LENGTHS=180,720
// to reduce; the full day (17,280 refreshes) always runs. Prints one JSON document.
import { machineInfo, percentile } from './lib/machine.js';
import { ChartHistory, DASHBOARD_LEVELS } from '../src/dashboard/history.js';
import { HISTORY_TOP_PER_LEVEL, createDashboardComponent } from '../src/dashboard/component.js';
import { loadAssets } from '../src/dashboard/assets.js';
import { createServer } from '../src/core/server.js';
import { silentLogger } from '../src/core/logger.js';
import { loadConfig } from '../src/core/config.js';
import type { NodeView, WorkloadLevel, WorkloadView } from '../src/core/contracts.js';
import { createStubAgent, stubAgentRoutes } from '../test/dashboard/stub-agent.js';

const LENGTHS = (process.env.BENCH_DASHBOARD_LENGTHS ?? '180,720,2880').split(',').map(Number);
/** Agent refresh interval of the recorded history (ms): the default `--monitor.interval`. */
const INTERVAL_MS = 5000;
/** A day of refreshes at 5 s. */
const FULL_DAY = 17_280;
/** Issue 17's goal for a full day of history. */
const FULL_DAY_TARGET_MIB = 32;
/**
 * The full day's heap before the history was tiered (every refresh kept as an object, one caption per
 * workload id): measured with this bench (BENCH_DASHBOARD_LENGTHS=17280) at commit 7721e4a on the
 * 2-core AMD EPYC VM, Node v20.20.2, load average 2.59, 2026-12-03; issue 17 reported 92 MiB.
 */
const FULL_DAY_BEFORE = { heapMiB: 92.217, commit: '7721e4a', loadAverage1m: 2.59, date: '2026-12-03' };
/** Share of the top workloads replaced by new ids at each refresh (churn). */
const CHURN = 0.1;
const HTTP_REQUESTS = 200;
const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;
const gc = () => (globalThis as { gc?: () => void }).gc?.();

function node(t: number): NodeView {
  const zones = ['package', 'core', 'uncore', 'dram'].map((zone, i) => ({
    zone,
    path: `/sys/class/powercap/intel-rapl:0:${i}`,
    joulesTotal: t,
    activeJoulesTotal: t / 2,
    idleJoulesTotal: t / 2,
    watts: 10 + i + Math.sin(t),
    activeWatts: 5,
    idleWatts: 5,
  }));
  return {
    nodeName: 'bench',
    timestamp: t,
    intervalSeconds: 5,
    meter: { name: 'rapl', estimated: false },
    zones,
    watts: 40,
    activeWatts: 20,
    idleWatts: 20,
    busyRatio: 0.5,
    cpus: 64,
    gpus: [],
  };
}

function workloads(step: number): Record<WorkloadLevel, WorkloadView[]> {
  const out = {} as Record<WorkloadLevel, WorkloadView[]>;
  const replaced = Math.round(HISTORY_TOP_PER_LEVEL * CHURN);
  for (const level of DASHBOARD_LEVELS) {
    out[level] = Array.from({ length: HISTORY_TOP_PER_LEVEL }, (_, i) => {
      const id = i < replaced ? `${level}-${step}-${i}` : `${level}-stable-${i}`;
      return {
        level,
        id,
        name: `name-${id}`,
        namespace: 'bench',
        state: 'running' as const,
        watts: 1 + ((i * 7 + step) % 13),
        joulesTotal: step * i,
        cpuSecondsTotal: step,
        zones: {},
      };
    });
  }
  return out;
}

function historyFigures(length: number): Record<string, unknown> {
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const h = new ChartHistory({ length, topPerLevel: HISTORY_TOP_PER_LEVEL, intervalMs: INTERVAL_MS });
  const inputs = Array.from({ length: 2 * length }, (_, i) => ({ n: node(i * INTERVAL_MS), w: workloads(i) }));
  const times: number[] = [];
  for (const { n, w } of inputs) {
    const t0 = performance.now();
    h.record(n, w);
    times.push((performance.now() - t0) * 1000);
  }
  inputs.length = 0;
  gc();
  const heapBytes = process.memoryUsage().heapUsed - heap0;
  const ser = (f: () => unknown) => {
    const ts: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      bytes = JSON.stringify(f()).length;
      ts.push(performance.now() - t0);
    }
    return { medianMs: round(percentile(ts, 50), 3), bytes };
  };
  return {
    historyLength: length,
    workloadsPerLevel: HISTORY_TOP_PER_LEVEL,
    levels: DASHBOARD_LEVELS.length,
    recordMicros: { p50: round(percentile(times.slice(length), 50)), p99: round(percentile(times.slice(length), 99)) },
    heapMiB: round(heapBytes / 2 ** 20, 3),
    tiers: h.stats(),
    nodeHistory: ser(() => h.node()),
    workloadHistoryOneLevel: ser(() => h.workloads('pod')),
  };
}

async function httpFigures(length: number): Promise<Record<string, unknown>> {
  const agent = createStubAgent();
  const { config } = loadConfig({ flags: { 'dashboard.historyLength': String(length) } });
  const server = await createServer({
    log: silentLogger(),
    components: [stubAgentRoutes(agent), await createDashboardComponent({ config, log: silentLogger(), agent })],
  });
  const url = await server.listen('127.0.0.1:0');
  try {
    for (let i = 0; i < length; i++) agent.refresh(node(i * INTERVAL_MS), workloads(i));
    const times: number[] = [];
    for (let i = 0; i < HTTP_REQUESTS; i++) {
      const t0 = performance.now();
      await (await fetch(`${url}/api/v1/history/node`)).arrayBuffer();
      times.push(performance.now() - t0);
    }
    return {
      historyLength: length,
      requests: HTTP_REQUESTS,
      route: '/api/v1/history/node',
      p50Ms: round(percentile(times, 50), 3),
      p99Ms: round(percentile(times, 99), 3),
    };
  } finally {
    await server.close();
  }
}

/** A full day of history against the goal, with the figure before tiering. */
function fullDayFigures(): Record<string, unknown> {
  const figures = historyFigures(FULL_DAY);
  const heapMiB = figures.heapMiB as number;
  return {
    ...figures,
    target: `≤ ${FULL_DAY_TARGET_MIB} MiB of heap for a full day (${FULL_DAY.toLocaleString('en')} refreshes at 5 s)`,
    targetMiB: FULL_DAY_TARGET_MIB,
    meetsTarget: heapMiB <= FULL_DAY_TARGET_MIB,
    before: FULL_DAY_BEFORE,
    ratioToBefore: round(heapMiB / FULL_DAY_BEFORE.heapMiB, 3),
  };
}

const assets = loadAssets();
const pageFiles = [...assets.entries()];
const result = {
  bench: 'dashboard',
  inputs: { lengths: LENGTHS, fullDay: FULL_DAY, intervalMs: INTERVAL_MS, churn: CHURN, topPerLevel: HISTORY_TOP_PER_LEVEL, zones: 4 },
  history: LENGTHS.map(historyFigures),
  fullDay: fullDayFigures(),
  http: [await httpFigures(Math.min(...LENGTHS)), await httpFigures(FULL_DAY)],
  page: {
    files: pageFiles.length,
    totalKiB: round(pageFiles.reduce((s, [, a]) => s + a.body.length, 0) / 1024, 1),
    uPlotKiB: round((assets.get('vendor/uPlot.esm.js')!.body.length + assets.get('vendor/uPlot.min.css')!.body.length) / 1024, 1),
  },
  machine: machineInfo(),
};
process.stdout.write(JSON.stringify(result, null, 2) + '\n');
