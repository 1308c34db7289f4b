/**
 * The model server client and the agent's predictor against a real server on loopback.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type PowerplaneServer } from '../../src/core/server.js';
import { defaultConfig } from '../../src/core/config.js';
import { silentLogger } from '../../src/core/logger.js';
import { createModelServerComponent } from '../../src/modelserver/component.js';
import { trainAll } from '../../src/modelserver/training/training.js';
import { saveTrainingOutcome } from '../../src/modelserver/training/training-save.js';
import { ModelServerClient, modelServerPredictor } from '../../src/modelserver/client.js';
import { readZip } from '../../src/modelserver/store/zip.js';
import { ERR_MODEL_NOT_FOUND, ERR_MODEL_AMBIGUOUS } from '../../src/modelserver/errors.js';
import { ERR_UPSTREAM } from '../../src/core/errors.js';

let server: PowerplaneServer;
let base: string;

before(async () => {
  const config = defaultConfig({ 'modelServer.storeDir': mkdtempSync(join(tmpdir(), 'pp-msc-')) });
  const component = await createModelServerComponent({ config, log: silentLogger() });
  const X = Array.from({ length: 40 }, (_, i) => [i / 40]);
  const data = { features: ['cpu_busy_ratio'], components: ['package', 'dram'], X, Y: X.map(([u]) => [30 + 90 * u, 4 + 2 * u]) };
  for (const pipeline of ['a', 'b']) {
    const plan = { trainers: ['linear'], folds: 4, outputType: 'AbsPower' as const, isolator: 'none' };
    await saveTrainingOutcome(component.store, await trainAll(data, plan), plan, {
      pipeline,
      name: pipeline === 'a' ? 'node-model' : 'twin',
      version: '1',
      trainingSource: 'test',
    });
    await saveTrainingOutcome(component.store, await trainAll(data, plan), plan, {
      pipeline,
      featureGroup: 'dup',
      name: 'twin',
      version: '1',
      trainingSource: 'test',
    });
  }
  server = await createServer({ log: silentLogger(), components: [component] });
  base = await server.listen('127.0.0.1:0');
});
after(() => server.close());

test('list, resolve, infer and best model through the client', async () => {
  const c = new ModelServerClient(base + '/');
  assert.equal((await c.list()).length, 4);
  assert.equal((await c.resolve('node-model')).id, 'a/rapl-sysfs/AbsPower/CPUBusy/node-model');
  await assert.rejects(c.resolve('twin'), (e) => ERR_MODEL_AMBIGUOUS.is(e));
  await assert.rejects(c.resolve('missing'), (e) => ERR_MODEL_NOT_FOUND.is(e));
  const r = await c.infer('node-model', [[0.5], [1]]);
  assert.deepEqual(
    r.outputs.map((o) => o.name),
    ['package', 'dram'],
  );
  assert.ok(Math.abs(r.outputs[0].data[0] - 75) < 1e-9);
  assert.equal((await c.metadata('node-model')).inputs[0].name, 'cpu_busy_ratio');
  const best = await c.bestModel({ metrics: ['cpu_busy_ratio'], output_type: 'AbsPower', pipeline_name: 'a' });
  assert.equal(best.id?.startsWith('a/'), true);
  assert.ok(readZip(best.archive!).some((e) => e.name === 'model.json'));
  const weight = await c.bestModel({ metrics: ['cpu_busy_ratio'], output_type: 'AbsPower', weight: true, pipeline_name: 'a' });
  assert.equal(typeof weight.weight?.model_name, 'string');
});

test('modelServerPredictor fetches once and predicts locally (missing features count as 0, watts ≥ 0)', async () => {
  const p = await modelServerPredictor(base, 'node-model');
  assert.equal(p.name, 'server:a/rapl-sysfs/AbsPower/CPUBusy/node-model');
  assert.deepEqual(p.features, ['cpu_busy_ratio']);
  const w = p.predict({ cpu_busy_ratio: 0.5 });
  assert.ok(Math.abs(w.package - 75) < 1e-9 && Math.abs(w.dram - 5) < 1e-9);
  assert.ok(Math.abs(p.predict({}).package - 30) < 1e-9);
  await assert.rejects(modelServerPredictor(base, 'missing'), (e) => ERR_MODEL_NOT_FOUND.is(e));
  await assert.rejects(modelServerPredictor('http://127.0.0.1:9', 'x', { timeoutMs: 2000 }), (e) => ERR_UPSTREAM.is(e));
  await assert.rejects(modelServerPredictor('ftp://x', 'x'), /http or https/);
});
