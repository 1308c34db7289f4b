/**
 * Model server benchmark: requests/s and latency over real HTTP on loopback (autocannon, against
 * `powerplane model-server` in its own process) for v2 inference (WAO's MLServer request on a linear
 * and a gradient-boosted model) and Kepler's `POST /model` selection over a store of 500 models;
 * in-process: selection time over 10,000 listed models, archive write+read, and a training job end to
 * end (nx12 CSV, linear + gbt, 5-fold CV, in a worker thread).
 *
 * Usage: node --import tsx --expose-gc bench/modelserver.bench.ts [--quick]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineInfo, percentile } from './lib/machine.js';
import { ModelStore, type StoredModel } from '../src/modelserver/store/store.js';
import { trainAll } from '../src/modelserver/training/training.js';
import { saveTrainingOutcome } from '../src/modelserver/training/training-save.js';
import { trainInWorker } from '../src/modelserver/training/train-runner.js';
import { rankModels } from '../src/modelserver/store/selection.js';
import { readZip } from '../src/modelserver/store/zip.js';
import { datasetFromCsvText } from '../src/modelserver/training/table-source.js';
import { autocannon } from './lib/autocannon.js';

const quick = process.argv.includes('--quick');
const DURATION_S = quick ? 2 : 8;
const REPO = join(fileURLToPath(import.meta.url), '..', '..');
const NX12 = join(REPO, '..', 'shared', 'data', 'kepler-model-db', 'nx12', 'preprocess_abs_default_acpi_BPFOnly.csv');

const waoLaw = (cpu: number, amb: number, dp: number) => 90 + 0.3 * cpu + 0.1 * (amb - 20) - 0.5 * (dp / 10);

async function buildStore(root: string): Promise<ModelStore> {
  const store = new ModelStore(root);
  const X: number[][] = [];
  for (let i = 0; i < 400; i++) X.push([(i * 37) % 100, 10 + ((i * 13) % 30), (i * 7) % 100]);
  const data = { features: ['cpuUsage', 'ambientTemp', 'staticPressureDiff'], components: ['watts'], X, Y: X.map(([c, a, d]) => [waoLaw(c, a, d)]) };
  const plan = { trainers: ['linear', 'gbt'], folds: 5, outputType: 'AbsPower' as const, isolator: 'none' };
  await saveTrainingOutcome(store, await trainAll(data, plan), plan, { pipeline: 'wao', name: 'wao', version: 'v0.1.0', trainingSource: 'bench' });
  const cpu = Array.from({ length: 100 }, (_, i) => [i * 400]);
  const lin = { trainers: ['linear'], folds: 5, outputType: 'AbsPower' as const, isolator: 'none' };
  for (let n = 0; n < 500; n++) {
    const out = await trainAll(
      { features: ['bpf_cpu_time_ms'], components: ['package'], X: cpu, Y: cpu.map(([x]) => [50 + n + x * 0.005 + ((x * 13) % 7)]) },
      lin,
    );
    await saveTrainingOutcome(store, out, lin, {
      pipeline: 'fleet',
      featureGroup: 'CPUTime',
      version: '1',
      trainingSource: 'bench',
      nodeType: n,
      machineSpec: { processor: `cpu_${n % 40}`, cores: 8 * (1 + (n % 16)), chips: 1 + (n % 2), memory: 64 * (1 + (n % 8)) },
    });
  }
  store.invalidate();
  return store;
}

async function startServer(root: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(REPO, 'src/cli/main.ts'),
      'model-server',
      '--web.listen-address',
      '127.0.0.1:0',
      '--model-server.store-dir',
      root,
      '--log.format',
      'json',
      '--log.level',
      'info',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /"url":"(http:\/\/[^"]+)"/.exec(err);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`model-server exited ${code}: ${err}`)));
  });
  return {
    url,
    stop: () =>
      new Promise((r) => {
        child.on('exit', () => r());
        child.kill('SIGTERM');
      }),
  };
}

async function load(url: string, body: unknown): Promise<Record<string, number>> {
  const r = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    connections: 10,
    duration: DURATION_S,
  });
  return {
    requestsPerSecond: Math.round(r.requests.average),
    latencyP50Ms: r.latency.p50,
    latencyP99Ms: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
  };
}

function timeIt(reps: number, fn: () => unknown): { p50Ms: number; p99Ms: number; reps: number } {
  fn();
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const s = performance.now();
    fn();
    t.push(performance.now() - s);
  }
  return { p50Ms: Number(percentile(t, 50).toFixed(4)), p99Ms: Number(percentile(t, 99).toFixed(4)), reps };
}

const root = mkdtempSync(join(tmpdir(), 'pp-bench-ms-'));
const store = await buildStore(root);
const listed = await store.list();
const many: StoredModel[] = Array.from({ length: 20 }, (_, k) => listed.map((m) => ({ ...m, id: `${m.id}-${k}` })))
  .flat()
  .slice(0, 10_000);
const selection = timeIt(quick ? 20 : 100, () =>
  rankModels(many, {
    metrics: ['bpf_cpu_time_ms'],
    outputType: 'AbsPower',
    energySource: 'intel_rapl',
    nodeType: -1,
    machineSpec: { processor: 'cpu_7', cores: 64, chips: 2, memory: 256 },
    filter: [{ kind: 'number', field: 'mae', op: '<', value: 10 }],
  }),
);
const gbtId = 'wao/custom/AbsPower/custom/wao-gbt';
let archiveBytes = 0;
const archive = { write: timeIt(quick ? 20 : 100, () => undefined), read: timeIt(1, () => undefined) };
{
  const buf = await store.archive(gbtId);
  archiveBytes = buf.length;
  const w: number[] = [];
  for (let i = 0; i < (quick ? 20 : 100); i++) {
    const s = performance.now();
    await store.archive(gbtId);
    w.push(performance.now() - s);
  }
  archive.write = { p50Ms: Number(percentile(w, 50).toFixed(3)), p99Ms: Number(percentile(w, 99).toFixed(3)), reps: w.length };
  archive.read = timeIt(quick ? 20 : 100, () => readZip(buf));
}
const nx12 = datasetFromCsvText(readFileSync(NX12, 'utf8'), NX12, { features: 'BPFOnly' }).data;
const t0 = performance.now();
const outcome = await trainInWorker(nx12, { trainers: ['linear', 'gbt'], folds: 5, outputType: 'AbsPower', isolator: 'none' });
const trainJobMs = performance.now() - t0;

const server = await startServer(root);
const wao = { inputs: [{ name: 'predict-prob', shape: [1, 3], datatype: 'FP32', data: [[10, 22, 0.2]] }] };
const http = {
  v2InferLinear: await load(`${server.url}/v2/models/wao-linear/versions/v0.1.0/infer`, wao),
  v2InferGbt: await load(`${server.url}/v2/models/wao-gbt/versions/v0.1.0/infer`, wao),
  keplerModelWeight500: await load(`${server.url}/model`, {
    metrics: ['bpf_cpu_time_ms', 'bpf_page_cache_hit'],
    output_type: 'AbsPower',
    source: 'intel_rapl',
    node_type: -1,
    weight: true,
    machine_spec: { processor: 'cpu_7', cores: 64, chips: 2, memory: 256 },
  }),
};
await server.stop();

process.stdout.write(
  JSON.stringify(
    {
      bench: 'modelserver',
      machine: machineInfo(),
      inputs: {
        quick,
        httpDurationS: DURATION_S,
        connections: 10,
        storeModels: listed.length,
        selectionModels: many.length,
        trainRows: nx12.X.length,
      },
      figures: {
        http,
        selectionOver10kModels: selection,
        archive: { bytes: archiveBytes, ...archive },
        trainJobNx12LinearGbt5Fold: {
          wallMs: Math.round(trainJobMs),
          mae: Object.fromEntries(outcome.outcomes.map((o) => [o.trainer, Number(o.accuracy?.aggregate.mae.toFixed(2))])),
        },
      },
      notes:
        'HTTP figures come from autocannon against powerplane model-server in a separate process on loopback; the machine may be shared while measuring.',
    },
    null,
    2,
  ) + '\n',
);
