/**
 * The model server through real HTTP on loopback: Kepler routes, own routes, training jobs, auth,
 * and the Open Inference Protocol v2 (including WAO's MLServer request).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type PowerplaneServer } from '../../src/core/server.js';
import { defaultConfig } from '../../src/core/config.js';
import { silentLogger } from '../../src/core/logger.js';
import { createModelServerComponent } from '../../src/modelserver/component.js';
import { trainAll } from '../../src/modelserver/training/training.js';
import { saveTrainingOutcome } from '../../src/modelserver/training/training-save.js';
import { importKeplerWeights } from '../../src/modelserver/store/import-weights.js';
import { readZip, writeZip } from '../../src/modelserver/store/zip.js';
import type { ModelStore } from '../../src/modelserver/store/store.js';
import { sharedDataPath } from '../helpers/shared-data.js';

const TOKEN = 's3cret-token';
let server: PowerplaneServer;
let base: string;
let store: ModelStore;
let root: string;

/** WAO's pseudo power model law, in raw units: P = 90 + 0.3·cpu + 0.1·(amb − 20) − 0.5·(dp / 10). */
const waoLaw = (cpu: number, amb: number, dp: number) => 90 + 0.3 * cpu + 0.1 * (amb - 20) - 0.5 * (dp / 10);

async function seed(s: ModelStore): Promise<void> {
  const X: number[][] = [];
  for (let i = 0; i < 120; i++) X.push([(i * 37) % 100, 10 + ((i * 13) % 30), (i * 7) % 100]);
  const wao = { features: ['cpuUsage', 'ambientTemp', 'staticPressureDiff'], components: ['watts'], X, Y: X.map(([c, a, d]) => [waoLaw(c, a, d)]) };
  const plan = { trainers: ['linear'], folds: 5, outputType: 'AbsPower' as const, isolator: 'none' };
  await saveTrainingOutcome(s, await trainAll(wao, plan), plan, { pipeline: 'wao', name: 'model1', version: 'v0.1.0', trainingSource: 'test' });

  // CPU time → package and dram, with a bend and deterministic noise: linear and knn differ in error.
  const cpu: number[][] = [];
  const y: number[][] = [];
  for (let i = 0; i < 200; i++) {
    const u = ((i * 53) % 200) / 200;
    const noise = (((i * 7919) % 13) - 6) / 2;
    cpu.push([u * 40000]);
    y.push([40 + 150 * Math.sqrt(u) + noise, 10 + 5 * u]);
  }
  const plan2 = { trainers: ['linear', 'knn'], folds: 5, outputType: 'AbsPower' as const, isolator: 'none', nodeType: 1 };
  await saveTrainingOutcome(s, await trainAll({ features: ['bpf_cpu_time_ms'], components: ['package', 'dram'], X: cpu, Y: y }, plan2), plan2, {
    pipeline: 'lab',
    featureGroup: 'CPUTime',
    version: '1',
    trainingSource: 'test',
    nodeType: 1,
    machineSpec: { processor: 'intel_xeon_e5_2667v3', cores: 32, chips: 2, memory: 128 },
  });
  await importKeplerWeights(s, sharedDataPath('kepler-model-db/weights/v0.7/ec2-0.7.11/rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_4.json'));
  await importKeplerWeights(
    s,
    sharedDataPath('kepler-model-db/weights/v0.7/specpower-0.7.11/acpi/AbsPower/BPFOnly/LogisticRegressionTrainer_75.json'),
  );
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'pp-ms-'));
  const config = defaultConfig({ 'modelServer.storeDir': root, 'modelServer.token': TOKEN, 'modelServer.maxBodyBytes': 64 * 1024 });
  const component = await createModelServerComponent({ config, log: silentLogger() });
  store = component.store;
  await seed(store);
  server = await createServer({ log: silentLogger(), components: [component], bodyLimit: config.modelServer.maxBodyBytes });
  base = await server.listen('127.0.0.1:0');
});
after(() => server.close());

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: any; res: Response }> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    if (typeof body === 'string' || Buffer.isBuffer(body)) init.body = body as string;
    else {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
  }
  const res = await fetch(base + path, init);
  const type = res.headers.get('content-type') ?? '';
  const json = type.includes('json') ? await res.json() : undefined;
  return { status: res.status, json, res };
}
const auth = { authorization: `Bearer ${TOKEN}` };

test('v2 health, server and model metadata', async () => {
  assert.equal((await call('GET', '/v2/health/live')).status, 200);
  assert.deepEqual((await call('GET', '/v2/health/ready')).json, { ready: true });
  assert.equal((await call('GET', '/v2')).json.name, 'powerplane-model-server');
  const md = await call('GET', '/v2/models/model1');
  assert.equal(md.status, 200);
  assert.deepEqual(md.json, {
    name: 'model1',
    versions: ['v0.1.0'],
    platform: 'powerplane-linear',
    inputs: [
      { name: 'cpuUsage', datatype: 'FP64', shape: [-1] },
      { name: 'ambientTemp', datatype: 'FP64', shape: [-1] },
      { name: 'staticPressureDiff', datatype: 'FP64', shape: [-1] },
    ],
    outputs: [{ name: 'watts', datatype: 'FP64', shape: [-1, 1] }],
  });
  assert.deepEqual((await call('GET', '/v2/models/model1/versions/v0.1.0/ready')).json, { name: 'model1', ready: true });
});

test("WAO's MLServer request works against a model trained on those three features", async () => {
  const body = { inputs: [{ name: 'predict-prob', shape: [1, 3], datatype: 'FP32', data: [[10, 22, 0.2]] }] };
  const r = await call('POST', '/v2/models/model1/versions/v0.1.0/infer', body);
  assert.equal(r.status, 200);
  assert.equal(r.json.model_name, 'model1');
  assert.equal(r.json.model_version, 'v0.1.0');
  assert.equal(r.json.outputs[0].datatype, 'FP32');
  assert.deepEqual(r.json.outputs[0].shape, [1, 1]);
  assert.ok(Math.abs(r.json.outputs[0].data[0] - waoLaw(10, 22, 0.2)) < 1e-3, `got ${r.json.outputs[0].data[0]}`);
  const unversioned = await call('POST', '/v2/models/model1/infer', {
    inputs: [
      { name: 'cpuUsage', shape: [2], datatype: 'FP64', data: [50, 99] },
      { name: 'ambientTemp', shape: [2], datatype: 'FP64', data: [20, 30] },
      { name: 'staticPressureDiff', shape: [2], datatype: 'INT32', data: [0, 90] },
    ],
  });
  assert.equal(unversioned.status, 200);
  assert.ok(Math.abs(unversioned.json.outputs[0].data[1] - waoLaw(99, 30, 90)) < 1e-6);
});

test('v2 errors are 4xx with {"error": ...}', async () => {
  const cases: Array<[string, unknown, number, RegExp]> = [
    ['/v2/models/model1/infer', { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [[1, 2, 3, 4]] }] }, 400, /shape/],
    ['/v2/models/model1/infer', { inputs: [{ name: 'x', shape: [1, 3], datatype: 'BYTES', data: ['a', 'b', 'c'] }] }, 400, /datatype/],
    ['/v2/models/model1/infer', { inputs: [{ name: 'x', shape: [2, 3], datatype: 'FP32', data: [[1, 2, 3]] }] }, 400, /elements/],
    ['/v2/models/model1/infer', { outputs: [] }, 400, /inputs/],
    ['/v2/models/model1/versions/9/infer', { inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] }, 404, /version/],
    ['/v2/models/nope/infer', { inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] }, 404, /no model/],
  ];
  for (const [path, body, status, re] of cases) {
    const r = await call('POST', path, body);
    assert.equal(r.status, status, `${path} ${JSON.stringify(body)}`);
    assert.deepEqual(Object.keys(r.json), ['error']);
    assert.match(r.json.error, re);
  }
  const badJson = await fetch(base + '/v2/models/model1/infer', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"inputs": [',
  });
  assert.equal(badJson.status, 400);
  assert.ok(typeof (await badJson.json()).error === 'string');
});

test('v2 reaches any model by URL-encoded id, e.g. a Kepler weight file, predicting as Kepler does', async () => {
  const id = 'ec2-0.7.11/rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_4';
  const v = 24324.833333333336;
  const r = await call('POST', `/v2/models/${encodeURIComponent(id)}/infer`, {
    inputs: [
      { name: 'bpf_cpu_time_ms', shape: [1], datatype: 'FP64', data: [v] },
      { name: 'bpf_page_cache_hit', shape: [1], datatype: 'FP64', data: [0] },
    ],
  });
  assert.equal(r.status, 200);
  const pkg = r.json.outputs.find((o: { name: string }) => o.name === 'package').data[0];
  assert.ok(Math.abs(pkg - (213.81168291387564 + 325.1209450101859 * (v / 48649.66666666667))) < 1e-9);
});

test('POST /model: weights for the exact node type, archives, filters that work, and 404 when nothing fits', async () => {
  const req = {
    metrics: ['bpf_cpu_time_ms', 'bpf_page_cache_hit'],
    output_type: 'AbsPower',
    source: 'intel_rapl',
    node_type: 4,
    weight: true,
    filter: '',
  };
  const w = await call('POST', '/model', req);
  assert.equal(w.status, 200);
  assert.equal(w.json.model_name, 'SGDRegressorTrainer_4');
  assert.equal(w.json.package.All_Weights.Bias_Weight, 213.81168291387564);
  const strict = await call('POST', '/model', { ...req, node_type: 14, loose_node_type: false });
  assert.equal(strict.status, 404);
  assert.equal(strict.json.code, 'PP_MODELSERVER_NO_MATCH');
  const zip = await call('POST', '/model', { metrics: ['bpf_cpu_time_ms'], output_type: 'AbsPower', source: 'rapl-sysfs', node_type: 1 });
  assert.equal(zip.status, 200);
  assert.equal(zip.res.headers.get('content-type'), 'application/zip');
  const entries = readZip(Buffer.from(await zip.res.arrayBuffer()));
  assert.deepEqual(entries.map((e) => e.name).slice(0, 2), ['metadata.json', 'model.json']);
  const meta = JSON.parse(entries.find((e) => e.name === 'metadata.json')!.data.toString());
  assert.equal(meta.node_type, 1);
  const linear = (await store.list()).find((m) => m.id === 'lab/rapl-sysfs/AbsPower/CPUTime/linear_1')!;
  const knn = (await store.list()).find((m) => m.id === 'lab/rapl-sysfs/AbsPower/CPUTime/knn_1')!;
  const [lo, hi] = [linear, knn].sort((a, b) => a.metadata.accuracy!.aggregate.mae - b.metadata.accuracy!.aggregate.mae);
  assert.notEqual(lo.metadata.accuracy!.aggregate.mae, hi.metadata.accuracy!.aggregate.mae);
  assert.equal(meta.model_name, lo.metadata.model_name, 'lowest error first');
  const mid = (lo.metadata.accuracy!.aggregate.mae + hi.metadata.accuracy!.aggregate.mae) / 2;
  const filtered = await call('POST', '/model', {
    metrics: ['bpf_cpu_time_ms'],
    output_type: 'AbsPower',
    source: 'rapl-sysfs',
    weight: false,
    filter: `mae:>${mid}`,
  });
  assert.equal(filtered.res.headers.get('x-model-id'), hi.id);
  const none = await call('POST', '/model', { metrics: ['bpf_cpu_time_ms'], output_type: 'AbsPower', filter: 'mae:<0' });
  assert.equal(none.status, 404);
  const bad = await call('POST', '/model', { metrics: 'bpf', output_type: 'AbsPower' });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.field, 'metrics');
  assert.equal((await call('POST', '/model', { output_type: 'AbsPower', filter: 'colour:red' })).json.field, 'filter');
  const acpi = await call('POST', '/model', {
    metrics: ['bpf_cpu_time_ms', 'bpf_page_cache_hit'],
    output_type: 'AbsPower',
    source: 'acpi',
    weight: true,
  });
  assert.deepEqual(acpi.json.platform.All_Weights.CurveFit_Weights.length, 4);
});

test('GET /best-models answers per output type and feature group', async () => {
  const r = await call('GET', '/best-models?energy-source=rapl-sysfs&output-type=AbsPower');
  assert.equal(r.status, 200);
  assert.deepEqual(Object.keys(r.json), ['AbsPower']);
  assert.equal(r.json.AbsPower.BPFOnly, 'SGDRegressorTrainer_4');
  assert.ok(['linear_1', 'knn_1'].includes(r.json.AbsPower.CPUTime));
  assert.equal((await call('GET', '/best-models?energy-source=rapl-sysfs&node-type=4')).json.AbsPower.CPUTime, undefined);
  assert.equal((await call('GET', '/best-models?energy-source=rapl-sysfs&node-type=x')).status, 400);
});

test('own routes: list with accuracy and filters, detail, model file, plot, archive', async () => {
  const all = await call('GET', '/api/v1/models');
  assert.equal(all.json.total, 5);
  const linear = all.json.models.find((m: { id: string }) => m.id === 'lab/rapl-sysfs/AbsPower/CPUTime/linear_1');
  assert.equal(linear.accuracy.folds, 5);
  assert.equal(linear.accuracy.samples, 200);
  assert.equal(linear.node_type, 1);
  assert.equal(linear.weight, true);
  assert.equal((await call('GET', '/api/v1/models?energy_source=acpi')).json.total, 1);
  assert.equal((await call('GET', '/api/v1/models?name=model1')).json.models[0].id, 'wao/custom/AbsPower/custom/model1');
  assert.equal((await call('GET', '/api/v1/models?filter=mae:<1000')).json.total, 3, 'imported weights have no accuracy figures');
  const detail = await call('GET', '/api/v1/models/lab/rapl-sysfs/AbsPower/CPUTime/linear_1');
  assert.equal(detail.json.metadata.accuracy.perComponent.dram.samples, 200);
  assert.equal((await call('GET', '/api/v1/models/lab/rapl-sysfs/AbsPower/CPUTime/linear_1/model')).json.format, 'powerplane-model/v1');
  assert.equal((await call('GET', '/api/v1/models/lab/rapl-sysfs/AbsPower/CPUTime/knn_1/weight')).status, 404);
  const best = all.json.models
    .filter((m: { pipeline: string }) => m.pipeline === 'lab')
    .sort((a: { accuracy: { mae: number } }, b: { accuracy: { mae: number } }) => a.accuracy.mae - b.accuracy.mae)[0];
  const plot = await fetch(`${base}/api/v1/models/${best.id}/plot`);
  assert.equal(plot.headers.get('content-type'), 'image/svg+xml');
  assert.match(await plot.text(), /^<svg/);
  const archive = await fetch(`${base}/api/v1/models/${encodeURIComponent('wao/custom/AbsPower/custom/model1')}/archive`);
  assert.deepEqual(
    readZip(Buffer.from(await archive.arrayBuffer())).map((e) => e.name),
    ['metadata.json', 'model.json', 'weight.json', 'plot.svg'],
  );
  assert.equal((await call('GET', '/api/v1/models?output_type=Watts')).json.field, 'output_type');
  assert.equal((await call('GET', `/api/v1/models/wao/custom/AbsPower/custom/${encodeURIComponent('%E0%A4%A')}`)).status, 404);
  const traversal = await call('GET', `/api/v1/models/${encodeURIComponent('a/../../b/AbsPower/c')}`);
  assert.equal(traversal.status, 400);
  assert.equal(traversal.json.code, 'PP_MODELSERVER_INVALID_NAME');
});

test('write routes need the bearer token; reads are open', async () => {
  const id = 'wao/custom/AbsPower/custom/model1';
  const zip = Buffer.from(await (await fetch(`${base}/api/v1/models/${id}/archive`)).arrayBuffer());
  const noToken = await call('DELETE', `/api/v1/models/${id}`);
  assert.equal(noToken.status, 401);
  assert.equal(noToken.json.code, 'PP_UNAUTHORIZED');
  assert.match(noToken.res.headers.get('www-authenticate') ?? '', /Bearer/);
  assert.equal((await call('DELETE', `/api/v1/models/${id}`, undefined, { authorization: 'Bearer wrong' })).status, 401);
  assert.equal((await call('POST', '/api/v1/train', { source: { type: 'csv', data: 'a' } })).status, 401);
  const copy = 'wao/custom/AbsPower/custom/model1-copy';
  const put = await call('PUT', `/api/v1/models/${copy}`, zip, { ...auth, 'content-type': 'application/zip' });
  assert.equal(put.status, 201);
  assert.equal(put.json.name, 'model1-copy');
  const del = await call('DELETE', `/api/v1/models/${copy}`, undefined, auth);
  assert.deepEqual(del.json, { deleted: copy });
  assert.equal((await call('DELETE', `/api/v1/models/${copy}`, undefined, auth)).status, 404);
  const evil = writeZip([{ name: '../../evil.json', data: Buffer.from('{}') }]);
  const slip = await call('PUT', `/api/v1/models/${copy}`, evil, { ...auth, 'content-type': 'application/zip' });
  assert.equal(slip.status, 400);
  assert.equal(slip.json.code, 'PP_MODELSERVER_ARCHIVE_INVALID');
  assert.ok(!readdirSync(root).includes('evil.json'));
});

async function waitForJob(id: string): Promise<any> {
  for (;;) {
    const j = (await call('GET', `/api/v1/jobs/${id}`)).json;
    if (j.state === 'succeeded' || j.state === 'failed') return j;
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('a training job from an uploaded CSV runs in the background and its model serves at once', async () => {
  const rows = ['timestamp,cpu_busy_ratio,package_watts'];
  for (let i = 0; i < 60; i++) {
    const u = ((i * 17) % 60) / 60;
    rows.push(`${1000 + i * 5},${u},${25 + 75 * u}`);
  }
  const r = await call(
    'POST',
    '/api/v1/train?features=cpu_busy_ratio&trainers=linear,polynomial&folds=4&pipeline=uploads&name=busy',
    rows.join('\n') + '\n',
    { ...auth, 'content-type': 'text/csv' },
  );
  assert.equal(r.status, 202);
  assert.equal(r.res.headers.get('location'), `/api/v1/jobs/${r.json.id}`);
  const job = await waitForJob(r.json.id);
  assert.equal(job.state, 'succeeded', JSON.stringify(job.error));
  assert.equal(job.progress.fraction, 1);
  assert.equal(job.result.samples, 60);
  assert.deepEqual(
    job.result.trainers.map((t: { trainer: string }) => t.trainer),
    ['linear', 'polynomial'],
  );
  assert.equal(job.result.trainers[0].id, 'uploads/rapl-sysfs/AbsPower/CPUBusy/busy-linear');
  assert.equal(job.result.trainers[0].folds, 4);
  const infer = await call('POST', '/v2/models/busy-linear/infer', {
    inputs: [{ name: 'cpu_busy_ratio', shape: [1], datatype: 'FP64', data: [0.5] }],
  });
  assert.ok(Math.abs(infer.json.outputs[0].data[0] - 62.5) < 1e-6);
});

test('train requests are validated before a job is queued; oversized bodies get 413', async () => {
  const bad = async (body: unknown, field: string) => {
    const r = await call('POST', '/api/v1/train', body, auth);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.json.field, field);
  };
  await bad({ source: { type: 'csv', data: 'a,b\n1,2\n' }, features: 'a', trainers: ['linear', 'deep-net'] }, 'trainers');
  await bad({ source: { type: 'csv', data: 'a,b\n1,2\n' } }, 'features');
  await bad({ source: { type: 'ftp' }, features: 'a' }, 'source.type');
  await bad({ source: { type: 'prometheus', url: 'file:///etc/passwd' }, features: 'cpu_busy_ratio' }, 'source.url');
  await bad({ source: { type: 'csv', data: 'a,b\n1,2\n' }, features: 'a', folds: 1 }, 'folds');
  await bad({ source: { type: 'csv', data: 'a,b\n1,2\n' }, features: 'a', name: '../x' }, 'name');
  const failing = await call(
    'POST',
    '/api/v1/train',
    { source: { type: 'csv', data: 'a,b_watts\n1,2\nx,3\n' }, features: 'a', trainers: ['linear'] },
    auth,
  );
  const job = await waitForJob(failing.json.id);
  assert.equal(job.state, 'failed');
  assert.equal(job.error.code, 'PP_MALFORMED_FILE');
  const big = await call('POST', '/api/v1/train?features=a', 'a,b_watts\n' + '1,2\n'.repeat(20000), { ...auth, 'content-type': 'text/csv' });
  assert.equal(big.status, 413);
  assert.equal((await call('GET', '/api/v1/jobs/unknown')).status, 404);
});
