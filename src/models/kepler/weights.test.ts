import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join, basename } from 'node:path';
import { tmpdir } from 'node:os';
import { sharedDataPath } from '../../../test/helpers/shared-data.js';
import { loadKeplerWeights, toKeplerWeights, keplerWeightsPredictor, predictorForTrainer, keplerFromJSON } from './weights.js';
import { linearTrainer } from '../trainers/linear.js';
import { logisticTrainer } from '../trainers/logistic.js';
import { logarithmicTrainer } from '../trainers/logarithmic.js';
import { gbtTrainer } from '../trainers/gbt.js';
import { ERR_MODEL_BAD_WEIGHTS, ERR_MODEL_NOT_EXPORTABLE } from '../errors.js';
import { ERR_MALFORMED_FILE, ERR_FILE_UNREADABLE } from '../../core/errors.js';

const weightsRoot = sharedDataPath('kepler-model-db', 'weights');

function listJson(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? listJson(p) : n.endsWith('.json') ? [p] : [];
  });
}

type Comp = {
  All_Weights: { Bias_Weight?: number; Numerical_Variables: Record<string, { scale?: number; weight?: number }>; CurveFit_Weights?: number[] };
};

/** Kepler's formulas, written out independently from the file's numbers. */
function expectedWatts(trainer: string, c: Comp, inputs: Record<string, number>): number {
  const nv = c.All_Weights.Numerical_Variables;
  const x = (f: string) => (nv[f]?.scale ? inputs[f] / nv[f].scale! : 0);
  const w = c.All_Weights.CurveFit_Weights;
  const first = Object.keys(nv)[0];
  switch (trainer) {
    case 'LogarithmicRegressionTrainer':
      return w![0] * Math.log(w![1] * x(first) + 1) + w![2];
    case 'LogisticRegressionTrainer':
      return w![0] / (1 + Math.exp(-w![2] * (x(first) - w![1]))) + w![3];
    case 'ExponentialRegressionTrainer':
      return w![0] * Math.exp(w![1] * x(first)) + w![2];
    default: {
      let s = c.All_Weights.Bias_Weight ?? 0;
      for (const f of Object.keys(nv)) s += (nv[f].weight ?? 0) * x(f);
      return s;
    }
  }
}

test('golden: every shipped weight file predicts exactly as Kepler’s formula', () => {
  const files = listJson(weightsRoot);
  assert.ok(files.length >= 2, 'the shipped weight files are found');
  for (const file of files) {
    const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Comp>;
    const trainer = basename(file, '.json').replace(/_\d+$/, '');
    const model = loadKeplerWeights(json, file);
    const cpuScale = Object.values(json)[0].All_Weights.Numerical_Variables.bpf_cpu_time_ms.scale!;
    for (const cpu of [0, cpuScale / 4, cpuScale / 2, cpuScale, 1.3 * cpuScale]) {
      const inputs = { bpf_cpu_time_ms: cpu, bpf_page_cache_hit: 1234 };
      const [pred] = model.predict([model.features.map((f) => inputs[f as keyof typeof inputs] ?? 0)]);
      model.components.forEach((c, k) => {
        const want = expectedWatts(trainer, json[c], inputs);
        assert.ok(Math.abs(pred[k] - want) <= 1e-9 * Math.max(1, Math.abs(want)), `${basename(file)} ${c} at ${cpu}: ${pred[k]} vs ${want}`);
      });
    }
  }
});

test('golden: published test vectors (reference §9) for the shipped files', () => {
  const sgd4 = loadKeplerWeights(
    JSON.parse(readFileSync(join(weightsRoot, 'v0.7/ec2-0.7.11/rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_4.json'), 'utf8')),
    'SGDRegressorTrainer_4.json',
  );
  // package: bias 213.81168291387564 + 325.1209450101859 · x, x = cpu / 48649.66666666667
  const [atFull] = sgd4.predict([[48649.66666666667, 0]]);
  assert.ok(Math.abs(atFull[0] - (213.81168291387564 + 325.1209450101859)) < 1e-9);
  assert.deepEqual(sgd4.components, ['package', 'core', 'uncore', 'dram']);
  assert.equal(atFull[1], 0);
  const logistic = loadKeplerWeights(
    JSON.parse(readFileSync(join(weightsRoot, 'v0.7/specpower-0.7.11/acpi/AbsPower/BPFOnly/LogisticRegressionTrainer_75.json'), 'utf8')),
    'LogisticRegressionTrainer_75.json',
  );
  const w = logistic
    .predict([
      [0, 0],
      [4000, 0],
      [8000, 0],
    ])
    .map((r) => Math.round(r[0] * 100) / 100);
  assert.deepEqual(w, [119.72, 167.87, 209.2]);
});

test('zero scale leaves the feature out; categorical weights are added', () => {
  const json = {
    package: {
      All_Weights: {
        Bias_Weight: 10,
        Categorical_Variables: { cpu_scaling_frequency_hertz: { '2GHz': { weight: 1 }, '3': { weight: 7 } } },
        Numerical_Variables: { bpf_cpu_time_ms: { scale: 1000, weight: 20 }, cache_miss: { scale: 0, weight: 99 } },
      },
    },
  };
  const m = loadKeplerWeights(json, 'SGDRegressorTrainer_1.json');
  assert.deepEqual(m.features, ['bpf_cpu_time_ms', 'cache_miss', 'cpu_scaling_frequency_hertz']);
  assert.deepEqual(m.predict([[500, 12345, 3]]), [[10 + 20 * 0.5 + 7]]);
  assert.deepEqual(m.predict([[500, 12345, 4]]), [[20]]);
});

test('legacy mean/variance weights standardise; v0.6 files with scale use scale', () => {
  const legacy = {
    package: {
      All_Weights: { Bias_Weight: 50, Categorical_Variables: {}, Numerical_Variables: { kubelet_cpu_usage: { mean: 2, variance: 4, weight: 3 } } },
    },
  };
  const m = loadKeplerWeights(legacy, 'weight.json');
  assert.deepEqual(m.predict([[6]]), [[50 + 3 * ((6 - 2) / 2)]]);
  const v06 = {
    package: {
      All_Weights: {
        Bias_Weight: 50,
        Categorical_Variables: {},
        Numerical_Variables: { bpf_cpu_time_us: { scale: 100, mean: 0, variance: 0, weight: 3 } },
      },
    },
  };
  assert.deepEqual(loadKeplerWeights(v06, 'x.json').predict([[50]]), [[51.5]]);
  assert.deepEqual(loadKeplerWeights(v06, 'x.json', { scaling: 'standard' }).predict([[50]]), [[50]]);
});

test('predictor selection follows the trainer name like Kepler', () => {
  assert.equal(predictorForTrainer('LogarithmicRegressionTrainer_12'), 'logarithmic');
  assert.equal(predictorForTrainer('ExponentialRegressionTrainer_0.json'), 'exponential');
  assert.equal(predictorForTrainer('SGDRegressorTrainer_1'), 'linear');
  assert.equal(predictorForTrainer('SomethingElse'), 'linear');
  const curve = { platform: { All_Weights: { Numerical_Variables: { bpf_cpu_time_ms: { scale: 1 } }, CurveFit_Weights: [1, 2, 3] } } };
  assert.throws(
    () => loadKeplerWeights(curve, 'SGDRegressorTrainer_1.json'),
    (e) => ERR_MODEL_BAD_WEIGHTS.is(e),
    'the linear predictor rejects curve weights',
  );
  assert.throws(
    () => loadKeplerWeights(curve),
    (e) => ERR_MODEL_BAD_WEIGHTS.is(e),
    'three curve weights without a trainer name are ambiguous',
  );
  assert.throws(
    () => loadKeplerWeights(curve, 'LogisticRegressionTrainer_1.json'),
    (e) => ERR_MODEL_BAD_WEIGHTS.is(e),
    'logistic needs four',
  );
  assert.equal(loadKeplerWeights({ ...curve, model_name: 'ExponentialRegressionTrainer_3' }).p.predictor, 'exponential');
});

test('malformed weight files are rejected with the path', () => {
  for (const bad of [
    null,
    [],
    {},
    { package: {} },
    { package: { All_Weights: { Bias_Weight: 'x', Numerical_Variables: {} } } },
    { package: { All_Weights: { Numerical_Variables: { a: { scale: 'big' } } } } },
  ]) {
    assert.throws(
      () => loadKeplerWeights(bad, '/tmp/w.json'),
      (e) => ERR_MODEL_BAD_WEIGHTS.is(e) && (e as { details: { path?: string } }).details.path === '/tmp/w.json',
      JSON.stringify(bad),
    );
  }
});

test('export: a trained linear model predicts the same through Kepler weights', () => {
  const X = Array.from({ length: 50 }, (_, i) => [i * 100, (i * 7) % 5]);
  const Y = X.map(([a, b]) => [40 + 0.01 * a + 2 * b, 5 + 0.001 * a]);
  const d = { features: ['bpf_cpu_time_ms', 'bpf_page_cache_hit'], components: ['package', 'dram'], X, Y };
  for (const scaler of ['maxabs', 'standard', 'none']) {
    const m = linearTrainer.train(d, { scaler });
    const w = toKeplerWeights(m, { nodeType: 3 });
    assert.equal(w.model_name, 'SGDRegressorTrainer_3');
    const back = loadKeplerWeights(JSON.parse(JSON.stringify(w)));
    const a = m.predict(X);
    const b = back.predict(X);
    a.forEach((r, i) => r.forEach((v, k) => assert.ok(Math.abs(v - b[i][k]) < 1e-9, `${scaler} row ${i}`)));
  }
});

test('export: curve models list the fitted feature first and round-trip through Kepler weights', () => {
  const X = Array.from({ length: 40 }, (_, i) => [i % 4, i * 200]);
  const Y = X.map(([, v]) => [100 + 80 / (1 + Math.exp(-8 * (v / 7800 - 0.5)))]);
  const d = { features: ['bpf_page_cache_hit', 'bpf_cpu_time_ms'], components: ['platform'], X, Y };
  for (const trainer of [logisticTrainer, logarithmicTrainer]) {
    const m = trainer.train(d);
    const w = toKeplerWeights(m);
    const comp = w.platform as { All_Weights: { Numerical_Variables: Record<string, unknown>; CurveFit_Weights: number[] } };
    assert.deepEqual(Object.keys(comp.All_Weights.Numerical_Variables), ['bpf_cpu_time_ms']);
    const back = loadKeplerWeights(w, `${trainer === logisticTrainer ? 'LogisticRegressionTrainer' : 'LogarithmicRegressionTrainer'}_0.json`);
    const a = m.predict(X);
    const b = back.predict(X.map((r) => [r[1]]));
    a.forEach((r, i) => assert.ok(Math.abs(r[0] - b[i][0]) < 1e-9));
  }
});

test('export of a tree model is refused; a loaded Kepler model round-trips', () => {
  const d = { features: ['x'], components: ['p'], X: [[0], [1], [2]], Y: [[0], [1], [2]] };
  assert.throws(
    () => toKeplerWeights(gbtTrainer.train(d, { nEstimators: 2 })),
    (e) => ERR_MODEL_NOT_EXPORTABLE.is(e),
  );
  const file = join(weightsRoot, 'v0.7/specpower-0.7.11/acpi/AbsPower/BPFOnly/LogisticRegressionTrainer_75.json');
  const json = JSON.parse(readFileSync(file, 'utf8'));
  const m = loadKeplerWeights(json, file);
  assert.deepEqual(toKeplerWeights(m), json);
  const back = keplerFromJSON(JSON.parse(JSON.stringify(m.toJSON())));
  assert.deepEqual(back.predict([[4000, 0]]), m.predict([[4000, 0]]));
});

test('keplerWeightsPredictor: the agent’s node power predictor from a file', async () => {
  const file = join(weightsRoot, 'v0.7/ec2-0.7.11/rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_4.json');
  const p = await keplerWeightsPredictor(file);
  assert.equal(p.name, 'kepler:SGDRegressorTrainer_4.json');
  assert.deepEqual([...p.features], ['bpf_cpu_time_ms', 'bpf_page_cache_hit']);
  const w = p.predict({ bpf_cpu_time_ms: 48649.66666666667 / 2 });
  assert.ok(Math.abs(w.package - (213.81168291387564 + 325.1209450101859 / 2)) < 1e-9);
  assert.ok(Math.abs(w.dram - (15.314072406023337 + 5.354131682317181 / 2)) < 1e-9);
  assert.equal(w.core, 0);
  const dir = mkdtempSync(join(tmpdir(), 'pp-weights-'));
  // A v0.6 file names CPU time bpf_cpu_time_us; the agent supplies bpf_cpu_time_ms.
  const v06 = {
    package: {
      All_Weights: {
        Bias_Weight: 30,
        Categorical_Variables: {},
        Numerical_Variables: { bpf_cpu_time_us: { scale: 32000, mean: 0, variance: 0, weight: 160 } },
      },
    },
  };
  writeFileSync(join(dir, 'SGDRegressorTrainer_1.json'), JSON.stringify(v06));
  const old = await keplerWeightsPredictor(join(dir, 'SGDRegressorTrainer_1.json'));
  assert.deepEqual([...old.features], ['bpf_cpu_time_ms']);
  assert.deepEqual(old.predict({ bpf_cpu_time_ms: 16000 }), { package: 110 });
  writeFileSync(join(dir, 'bad.json'), '{"package": ');
  await assert.rejects(keplerWeightsPredictor(join(dir, 'bad.json')), (e) => ERR_MALFORMED_FILE.is(e));
  await assert.rejects(keplerWeightsPredictor(join(dir, 'missing.json')), (e) => ERR_FILE_UNREADABLE.is(e));
});
