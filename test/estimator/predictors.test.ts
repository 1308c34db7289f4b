/**
 * Predictors against real HTTP servers on loopback: an Open Inference Protocol v2 server standing in for
 * WAO's MLServer pseudo model (P = 90 + 0.3·cpu + 0.1·(amb−20) − 0.5·dp/10), and a powerplane-style model
 * server for the `Model` predictor, and a real Kepler model-db weight file.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { serve, json, type TestServer } from './helpers.js';
import { sharedDataPath } from '../helpers/shared-data.js';
import { createMlserverPredictor } from '../../src/estimator/predictors/mlserver.js';
import { createModelPredictor } from '../../src/estimator/predictors/model.js';
import { createLocalModelPredictor } from '../../src/estimator/predictors/local-model.js';
import { createPredictor } from '../../src/estimator/plugins.js';
import { ErrNodeStatus, ErrPCPredictorNotFound } from '../../src/estimator/errors.js';

const servers: TestServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));
const node = { name: 'n', labels: {} };
const signal = () => AbortSignal.timeout(5000);
const pseudo = (cpu: number, amb: number, dp: number) => 90 + 0.3 * cpu + 0.1 * (amb - 20) - 0.5 * (dp / 10);

test('MLServer: WAO request per point, answer outputs[0].data[0], basic auth', async () => {
  const srv = await serve((req, body, res) => {
    if (req.method !== 'POST' || req.url !== '/v2/models/model1/versions/v0.1.0/infer') return json(res, 404, { error: 'no route' });
    const r = JSON.parse(body) as { inputs: { name: string; shape: number[]; datatype: string; data: number[][] }[] };
    const inp = r.inputs[0];
    if (inp.name !== 'predict-prob' || inp.datatype !== 'FP32' || inp.shape.join() !== '1,3' || !Array.isArray(inp.data[0]))
      return json(res, 400, { error: 'bad input' });
    const [cpu, amb, dp] = inp.data[0];
    return json(res, 200, {
      model_name: 'model1',
      model_version: 'v0.1.0',
      outputs: [{ name: 'predict', shape: [1], datatype: 'FP64', data: [pseudo(cpu, amb, dp)] }],
    });
  });
  servers.push(srv);
  const p = createMlserverPredictor({
    endpoint: `${srv.url}/v2/models/model1/versions/v0.1.0/infer`,
    insecureSkipVerify: false,
    timeoutMs: 2000,
    basicAuth: { username: 'u', password: 'p' },
  });
  const status = { cpuUsage: 10, logicalProcessors: 4, ambientTemp: 22, staticPressureDiff: 0.2 };
  const watts = await p.predict([0, 2000, 4000], status, node, signal());
  // cpu = usage + request/(logicalProcessors·1000): 10, 10.5, 11 (sent as FP32)
  const expected = [10, 10.5, 11].map((c) => pseudo(c, 22, Math.fround(0.2)));
  watts.forEach((w, i) => assert.ok(Math.abs(w - expected[i]) < 1e-4, `${w} vs ${expected[i]}`));
  assert.equal(srv.requests.length, 3);
  assert.equal(srv.requests[0].headers.authorization, 'Basic ' + Buffer.from('u:p').toString('base64'));
  await assert.rejects(
    p.predict([0], { cpuUsage: 10, ambientTemp: 22, staticPressureDiff: 0.2 }, node, signal()),
    (e) => ErrNodeStatus.is(e) && /logicalProcessors/.test(e.message),
  );
  const missing = createMlserverPredictor({ endpoint: `${srv.url}/v2/models/other/versions/1`, insecureSkipVerify: false, timeoutMs: 2000 });
  await assert.rejects(missing.predict([0], status, node, signal()), /404/);
});

test('MLServer: an endpoint without a scheme cannot be built (the node then counts as +Inf)', async () => {
  await assert.rejects(createPredictor({ type: 'MLServer', endpoint: 'h:8080/v2/models/m/versions/1' }, 30_000, { namespace: 'default' }), (e) =>
    ErrPCPredictorNotFound.is(e),
  );
  await assert.rejects(createPredictor({ type: 'MLServer' }, 30_000, { namespace: 'default' }), (e) => ErrPCPredictorNotFound.is(e));
});

test("Model: one batched v2 call with the model's features; watts = sum over output components", async () => {
  const srv = await serve((req, body, res) => {
    if (req.method === 'GET' && req.url === '/v2/models/node-linear') {
      return json(res, 200, {
        name: 'node-linear',
        platform: 'powerplane',
        inputs: [{ name: 'input-0', datatype: 'FP64', shape: [-1, 2] }],
        outputs: [{ name: 'output-0', datatype: 'FP64', shape: [-1, 2] }],
        parameters: { features: ['cpu_busy_ratio', 'ambient_temp'] },
      });
    }
    if (req.method === 'POST' && req.url === '/v2/models/node-linear/infer') {
      const r = JSON.parse(body) as { inputs: { shape: number[]; data: number[][] }[] };
      // package = 20 + 100·ratio, dram = 5 + 0.1·ambient
      return json(res, 200, {
        model_name: 'node-linear',
        outputs: [
          {
            name: 'output-0',
            datatype: 'FP64',
            shape: [r.inputs[0].shape[0], 2],
            data: r.inputs[0].data.map(([ratio, amb]) => [20 + 100 * ratio, 5 + 0.1 * amb]),
          },
        ],
      });
    }
    return json(res, 404, { error: 'not found' });
  });
  servers.push(srv);
  const p = createModelPredictor({ endpoint: `${srv.url}/v2/models/node-linear`, insecureSkipVerify: false, timeoutMs: 2000 });
  const watts = await p.predict([0, 1000, 2000], { cpuUsage: 0.25, logicalProcessors: 4, ambientTemp: 20 }, node, signal());
  assert.deepEqual(
    watts.map((w) => Math.round(w * 1e9) / 1e9),
    [52, 77, 102],
  );
  const posts = srv.requests.filter((r) => r.method === 'POST');
  assert.equal(posts.length, 1, 'all points in one request');
  await assert.rejects(
    p.predict([0], { cpuUsage: 0.25, logicalProcessors: 4 }, node, signal()),
    (e) => ErrNodeStatus.is(e) && /ambientTemp/.test(e.message),
  );
});

test("LocalModel: the agent's curve at usage + request/(cpus·1000)", async () => {
  const p = createLocalModelPredictor(() => ({
    nodeName: 'me',
    logicalCpus: 4,
    busyRatio: () => 0.5,
    wattsAt: (r) => 10 + 40 * Math.min(1, Math.max(0, r)),
    modelName: 'linear',
  }));
  assert.deepEqual(await p.predict([0, 1000, 4000], { cpuUsage: 0.5, logicalProcessors: 4 }, node, signal()), [30, 40, 50]);
});

test('Model with a local Kepler weight file (real kepler-model-db file): package + dram at usage + request', async () => {
  const file = sharedDataPath('kepler-model-db', 'weights', 'v0.7', 'ec2-0.7.11', 'rapl-sysfs', 'AbsPower', 'BPFOnly', 'SGDRegressorTrainer_4.json');
  const w = JSON.parse(readFileSync(file, 'utf8')) as Record<
    string,
    { All_Weights: { Bias_Weight: number; Numerical_Variables: Record<string, { scale: number; weight: number }> } }
  >;
  const zone = (z: string, ms: number) => {
    const a = w[z].All_Weights;
    const v = a.Numerical_Variables.bpf_cpu_time_ms;
    return Math.max(0, a.Bias_Weight + v.weight * (ms / v.scale));
  };
  const p = await createPredictor({ type: 'Model', endpoint: pathToFileURL(file).href }, 30_000, { namespace: 'default' });
  const watts = await p.predict([0, 2000], { cpuUsage: 0.5, logicalProcessors: 8 }, node, signal());
  // 0.5·8 = 4 cores busy = 4000 CPU ms per second; +2000 mCPU → 6000
  const expected = [4000, 6000].map((ms) => zone('package', ms) + zone('dram', ms));
  watts.forEach((x, i) => assert.ok(Math.abs(x - expected[i]) < 1e-9, `${x} vs ${expected[i]}`));
  assert.ok(watts[1] > watts[0]);
  await assert.rejects(
    createPredictor({ type: 'Model', endpoint: pathToFileURL('/nonexistent/weights.json').href }, 30_000, { namespace: 'default' }),
  );
});
