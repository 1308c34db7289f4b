import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crossValidate, evaluate, foldAssignment } from './crossval.js';
import { linearTrainer } from './trainers/linear.js';
import type { Trainer } from './types.js';
import { ERR_MODEL_BAD_OPTIONS, ERR_MODEL_BAD_DATASET } from './errors.js';

const line = (n: number) => ({
  features: ['x'],
  components: ['package', 'dram'],
  X: Array.from({ length: n }, (_, i) => [i]),
  Y: Array.from({ length: n }, (_, i) => [10 + 2 * i, 1 + (i % 2)]),
});

test('fold assignment is deterministic, balanced and seed-dependent', () => {
  const a = foldAssignment(103, 5, 42);
  assert.deepEqual(a, foldAssignment(103, 5, 42));
  assert.notDeepEqual(a, foldAssignment(103, 5, 43));
  const sizes = [0, 1, 2, 3, 4].map((f) => a.filter((x) => x === f).length);
  assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1);
  const g = foldAssignment(6, 2, 1, ['a', 'a', 'b', 'b', 'c', 'c']);
  assert.equal(g[0], g[1]);
  assert.equal(g[2], g[3]);
});

test('k-fold CV trains on the other folds only and pools out-of-fold predictions', () => {
  const seen: number[] = [];
  const spy: Trainer = {
    name: 'spy',
    train(d, o) {
      seen.push(d.X.length);
      return linearTrainer.train(d, o);
    },
  };
  const r = crossValidate(line(50), spy, { folds: 5, seed: 3 });
  assert.deepEqual(seen, [40, 40, 40, 40, 40]);
  assert.equal(r.folds, 5);
  assert.equal(r.aggregate.samples, 50);
  assert.ok(r.perComponent.package.mae < 1e-9, 'a line is predicted exactly out of fold');
  assert.equal(r.aggregation, 'max');
  assert.equal(r.aggregate.mae, Math.max(r.perComponent.package.mae, r.perComponent.dram.mae));
  assert.equal(r.predictions.length, 50);
});

test('small data sets use leave-one-out when rows < folds × 2', () => {
  const r = crossValidate(line(9), linearTrainer, { folds: 5, primaryComponent: 'package' });
  assert.equal(r.folds, 9);
  assert.equal(r.aggregation, 'primary:package');
  assert.equal(r.aggregate.samples, 9);
  // An 11-point SPEC curve keeps 5 folds of 2–3 points; every point is still predicted out of fold.
  const spec = crossValidate(line(11), linearTrainer, { folds: 5 });
  assert.equal(spec.folds, 5);
  assert.equal(spec.aggregate.samples, 11);
});

test('bad options are rejected', () => {
  assert.throws(
    () => crossValidate(line(20), linearTrainer, { folds: 1 }),
    (e) => ERR_MODEL_BAD_OPTIONS.is(e),
  );
  assert.throws(
    () => crossValidate(line(20), linearTrainer, { primaryComponent: 'gpu' }),
    (e) => ERR_MODEL_BAD_OPTIONS.is(e),
  );
  assert.throws(
    () => crossValidate(line(20), linearTrainer, { grouped: true }),
    (e) => ERR_MODEL_BAD_OPTIONS.is(e),
  );
  assert.throws(
    () => crossValidate(line(1), linearTrainer),
    (e) => ERR_MODEL_BAD_DATASET.is(e),
  );
});

test('evaluate matches columns by name and reports a single split', () => {
  const m = linearTrainer.train(line(20));
  const d = line(20);
  const shuffled = { features: ['other', 'x'], components: ['dram', 'package'], X: d.X.map((r) => [99, r[0]]), Y: d.Y.map((r) => [r[1], r[0]]) };
  const r = evaluate(m, shuffled);
  assert.equal(r.folds, 1);
  assert.ok(r.perComponent.package.mae < 1e-9);
  assert.throws(
    () => evaluate(m, { ...d, features: ['y'] }),
    (e) => ERR_MODEL_BAD_DATASET.is(e),
  );
});
