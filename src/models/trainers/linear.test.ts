import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linearTrainer, linearFromJSON } from './linear.js';
import type { Dataset } from '../types.js';
import { ERR_MODEL_BAD_OPTIONS, ERR_MODEL_BAD_INPUT, ERR_MODEL_BAD_DATASET } from '../errors.js';

/** y_pkg = 30 + 0.002·cpu + 5·io, y_dram = 10 + 0.0005·cpu, plus a column that is always 0. */
function synthetic(n = 200): Dataset {
  const X: number[][] = [];
  const Y: number[][] = [];
  for (let i = 0; i < n; i++) {
    const cpu = (i * 7919) % 32000;
    const io = ((i * 31) % 17) / 17;
    X.push([cpu, io, 0]);
    Y.push([30 + 0.002 * cpu + 5 * io, 10 + 0.0005 * cpu]);
  }
  return { features: ['bpf_cpu_time_ms', 'io', 'zero'], components: ['package', 'dram'], X, Y };
}

test('least squares recovers a known linear function for every component', () => {
  const d = synthetic();
  for (const scaler of ['maxabs', 'standard', 'none']) {
    const m = linearTrainer.train(d, { scaler });
    const [p] = m.predict([[16000, 0.5, 0]]);
    assert.ok(Math.abs(p[0] - (30 + 32 + 2.5)) < 1e-6, `${scaler}: ${p[0]}`);
    assert.ok(Math.abs(p[1] - (10 + 8)) < 1e-6, `${scaler}: ${p[1]}`);
  }
  const m = linearTrainer.train(d);
  assert.equal(m.kind, 'linear');
  assert.deepEqual(m.features, ['bpf_cpu_time_ms', 'io', 'zero']);
  assert.equal(m.outputType, 'AbsPower');
});

test('MaxAbs weights are in Kepler form: bias + w·(x/scale)', () => {
  const m = linearTrainer.train(synthetic()).toJSON();
  const p = m.params as { intercept: number[]; weights: number[][]; scaler: { type: string; scale: number[] } };
  assert.equal(p.scaler.type, 'maxabs');
  assert.ok(Math.abs(p.intercept[0] - 30) < 1e-6);
  assert.ok(Math.abs(p.weights[0][0] - 0.002 * p.scaler.scale[0]) < 1e-6);
  assert.equal(p.scaler.scale[2], 1, 'an all-zero column keeps scale 1');
  assert.ok(Math.abs(p.weights[0][2]) < 1e-9);
});

test('non-negative least squares clamps a negative effect to 0 and refits the rest', () => {
  const X: number[][] = [];
  const Y: number[][] = [];
  for (let i = 0; i < 100; i++) {
    const a = i / 100;
    const b = ((i * 37) % 100) / 100;
    X.push([a, b]);
    Y.push([5 + 3 * a - 2 * b]);
  }
  const d: Dataset = { features: ['a', 'b'], components: ['p'], X, Y };
  const free = linearTrainer.train(d, { scaler: 'none' }).toJSON().params as { weights: number[][] };
  assert.ok(free.weights[0][1] < -1.9);
  const nn = linearTrainer.train(d, { scaler: 'none', nonNegative: true }).toJSON().params as { weights: number[][]; intercept: number[] };
  assert.equal(nn.weights[0][1], 0);
  assert.ok(nn.weights[0][0] > 2.5, `a weight ${nn.weights[0][0]}`);
});

test('ridge shrinks the weights', () => {
  const d = synthetic();
  const w0 = (linearTrainer.train(d).toJSON().params as { weights: number[][] }).weights[0][0];
  const w1 = (linearTrainer.train(d, { ridge: 100 }).toJSON().params as { weights: number[][] }).weights[0][0];
  assert.ok(w1 > 0 && w1 < w0, `${w1} < ${w0}`);
});

test('round trip through JSON predicts identically', () => {
  const d = synthetic();
  const m = linearTrainer.train(d, { scaler: 'standard', outputType: 'DynPower' });
  const back = linearFromJSON(JSON.parse(JSON.stringify(m.toJSON())));
  assert.deepEqual(back.predict(d.X), m.predict(d.X));
  assert.equal(back.outputType, 'DynPower');
});

test('bad options, data and input are rejected with codes', () => {
  const d = synthetic();
  assert.throws(
    () => linearTrainer.train(d, { ridge: -1 }),
    (e) => ERR_MODEL_BAD_OPTIONS.is(e),
  );
  assert.throws(
    () => linearTrainer.train(d, { scaler: 'weird' }),
    (e) => ERR_MODEL_BAD_OPTIONS.is(e),
  );
  assert.throws(
    () => linearTrainer.train(d, { outputType: 'Watts' }),
    (e) => ERR_MODEL_BAD_OPTIONS.is(e),
  );
  assert.throws(
    () => linearTrainer.train({ ...d, X: d.X.map((r, i) => (i === 3 ? [NaN, 0, 0] : r)) }),
    (e) => ERR_MODEL_BAD_DATASET.is(e),
  );
  const m = linearTrainer.train(d);
  assert.throws(
    () => m.predict([[1, 2]]),
    (e) => ERR_MODEL_BAD_INPUT.is(e),
  );
  assert.throws(
    () => m.predict([[1, 2, Infinity]]),
    (e) => ERR_MODEL_BAD_INPUT.is(e),
  );
});
