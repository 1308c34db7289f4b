import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MODEL_KINDS, TRAINERS, TRAINER_NAMES, getTrainer, deserializeModel } from './registry.js';
import { ERR_MODEL_UNKNOWN_TRAINER, ERR_MODEL_BAD_MODEL } from './errors.js';

const data = {
  features: ['bpf_cpu_time_ms', 'cpu_busy_ratio'],
  components: ['package', 'dram'],
  X: Array.from({ length: 60 }, (_, i) => [i * 500, (i % 10) / 10]),
  Y: Array.from({ length: 60 }, (_, i) => [40 + 20 * Math.log(1 + i / 10) + (i % 10), 8 + i / 20]),
};

test('every registered trainer trains, and train → toJSON → JSON text → deserialize predicts identically', async () => {
  assert.deepEqual(TRAINER_NAMES, [
    'linear',
    'ridge',
    'nnls',
    'polynomial',
    'gbt',
    'gbt-lad',
    'knn',
    'knn-median',
    'logarithmic',
    'logistic',
    'exponential',
    'ratio',
  ]);
  for (const name of TRAINER_NAMES) {
    const trainer = await getTrainer(name);
    assert.equal(trainer.name, name);
    const m = trainer.train(data, { outputType: 'DynPower' });
    assert.deepEqual(m.components, data.components, name);
    const back = await deserializeModel(JSON.parse(JSON.stringify(m.toJSON())));
    assert.equal(back.kind, m.kind);
    assert.equal(back.outputType, 'DynPower');
    assert.deepEqual(back.predict(data.X), m.predict(data.X), name);
  }
});

test('unknown trainers and malformed models are rejected with codes', async () => {
  await assert.rejects(getTrainer('svr'), (e) => ERR_MODEL_UNKNOWN_TRAINER.is(e));
  await assert.rejects(getTrainer('__proto__'), (e) => ERR_MODEL_UNKNOWN_TRAINER.is(e));
  const good = (await getTrainer('linear')).train(data).toJSON();
  for (const bad of [
    { ...good, kind: 'toString' },
    { ...good, format: 'other' },
    { ...good, features: [] },
    { ...good, params: { ...(good.params as object), weights: [[1]] } },
    { ...good, outputType: 'Both' },
  ]) {
    await assert.rejects(deserializeModel(bad as typeof good), (e) => ERR_MODEL_BAD_MODEL.is(e), JSON.stringify(bad).slice(0, 80));
  }
});

test('every trainer names a trainable model kind, and every kind module rebuilds its models', async () => {
  for (const [name, entry] of Object.entries(TRAINERS)) assert.equal(typeof (await MODEL_KINDS[entry.kind]()).trainer.train, 'function', name);
  for (const [kind, load] of Object.entries(MODEL_KINDS)) assert.equal(typeof (await load()).fromJSON, 'function', kind);
});
