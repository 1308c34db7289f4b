import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logarithmicTrainer, logarithmicFromJSON, LOGARITHMIC } from './logarithmic.js';
import { logisticTrainer, logisticFromJSON, LOGISTIC } from './logistic.js';
import { exponentialTrainer, exponentialFromJSON, EXPONENTIAL } from './exponential.js';
import type { CurveSpec } from './curve-fit.js';
import type { SerializedModel, TrainedModel, Trainer } from '../types.js';
import { ERR_MODEL_BAD_OPTIONS } from '../errors.js';

const cases: [string, Trainer, CurveSpec, (j: SerializedModel) => TrainedModel, number[]][] = [
  ['logarithmic', logarithmicTrainer, LOGARITHMIC, logarithmicFromJSON, [52.51, 46.606, 22.072]],
  ['logistic', logisticTrainer, LOGISTIC, logisticFromJSON, [120, 0.4, 9, 60]],
  ['exponential', exponentialTrainer, EXPONENTIAL, exponentialFromJSON, [15, 1.8, 40]],
];

for (const [name, trainer, spec, fromJSON, truth] of cases) {
  test(`${name}: recovers known coefficients from noiseless data on the scaled main feature`, () => {
    const scale = 72000;
    const X: number[][] = [];
    const Y: number[][] = [];
    for (let i = 0; i <= 60; i++) {
      const v = (i / 60) * scale;
      X.push([i % 3, v]); // column 0 is an unrelated feature; the main feature is bpf_cpu_time_ms
      Y.push([spec.f(truth, v / scale), 2 * spec.f(truth, v / scale)]);
    }
    const m = trainer.train({ features: ['bpf_page_cache_hit', 'bpf_cpu_time_ms'], components: ['package', 'platform'], X, Y });
    const p = m.toJSON().params as { featureIndex: number; scale: number; coefficients: number[][] };
    assert.equal(p.featureIndex, 1);
    assert.equal(p.scale, scale);
    for (const x of [0, 0.25, 0.5, 0.8, 1]) {
      const [pred] = m.predict([[0, x * scale]]);
      assert.ok(Math.abs(pred[0] - spec.f(truth, x)) < 0.05, `${name} at ${x}: ${pred[0]} vs ${spec.f(truth, x)}`);
      assert.ok(Math.abs(pred[1] - 2 * spec.f(truth, x)) < 0.1);
    }
    const back = fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
    assert.deepEqual(back.predict(X), m.predict(X));
  });
}

test('curve fits take an explicit feature and reject an unknown one', () => {
  const X = Array.from({ length: 10 }, (_, i) => [i, 10 - i]);
  const Y = X.map(([a]) => [Math.log(a + 1)]);
  const m = logarithmicTrainer.train({ features: ['a', 'b'], components: ['p'], X, Y }, { feature: 'b' });
  assert.equal((m.toJSON().params as { featureIndex: number }).featureIndex, 1);
  assert.throws(
    () => logarithmicTrainer.train({ features: ['a', 'b'], components: ['p'], X, Y }, { feature: 'c' }),
    (e) => ERR_MODEL_BAD_OPTIONS.is(e),
  );
});

test('a constant target fits a flat curve', () => {
  const X = Array.from({ length: 10 }, (_, i) => [i]);
  const Y = X.map(() => [42]);
  for (const [, trainer] of cases) {
    const m = trainer.train({ features: ['x'], components: ['p'], X, Y });
    for (const [v] of m.predict([[0], [5], [9]])) assert.ok(Math.abs(v - 42) < 1e-6);
  }
});
