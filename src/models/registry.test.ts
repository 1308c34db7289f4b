import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TRAINERS, TRAINER_NAMES, getTrainer, deserializeModel } from './registry.js';
import { ERR_MODEL_UNKNOWN_TRAINER, ERR_MODEL_BAD_MODEL } from './errors.js';

const data = {
  features: ['bpf_cpu_time_ms', 'cpu_busy_ratio'],
  components: ['package', 'dram'],
  X: Array.from({ length: 60 }, (_, i) => [i * 500, (i % 10) / 10]),
  Y: Array.from({ length: 60 }, (_, i) => [40 + 20 * Math.log(1 + i / 10) + (i % 10), 8 + i / 20]),
};

test('every registered trainer trains, and train → toJSON → JSON text → deserialize predicts identically', () => {
  assert.deepEqual(TRAINER_NAMES, ['linear', 'ridge', 'nnls', 'polynomial', 'gbt', 'gbt-lad', 'knn', 'knn-median', 'logarithmic', 'logistic', 'exponential', 'ratio']);
  for (const name of TRAINER_NAMES) {
    const m = getTrainer(name).train(data, { outputType: 'DynPower' });
    assert.deepEqual(m.components, data.components, name);
    const back = deserializeModel(JSON.parse(JSON.stringify(m.toJSON())));
    assert.equal(back.kind, m.kind);
    assert.equal(back.outputType, 'DynPower');
    assert.deepEqual(back.predict(data.X), m.predict(data.X), name);
    assert.equal(TRAINERS[name].name, name);
  }
});

test('unknown trainers and malformed models are rejected with codes', () => {
  assert.throws(() => getTrainer('svr'), (e) => ERR_MODEL_UNKNOWN_TRAINER.is(e));
  assert.throws(() => getTrainer('__proto__'), (e) => ERR_MODEL_UNKNOWN_TRAINER.is(e));
  const good = getTrainer('linear').train(data).toJSON();
  for (const bad of [
    { ...good, kind: 'toString' },
    { ...good, format: 'other' },
    { ...good, features: [] },
    { ...good, params: { ...(good.params as object), weights: [[1]] } },
    { ...good, outputType: 'Both' },
  ]) {
    assert.throws(() => deserializeModel(bad as typeof good), (e) => ERR_MODEL_BAD_MODEL.is(e), JSON.stringify(bad).slice(0, 80));
  }
});
