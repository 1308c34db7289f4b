import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gbtTrainer, gbtFromJSON } from './gbt.js';
import type { Dataset } from '../types.js';
import { mae } from '../metrics.js';
import { ERR_MODEL_BAD_MODEL } from '../errors.js';

test('a single stump finds the best split of a step function', () => {
  const X = Array.from({ length: 20 }, (_, i) => [i]);
  const Y = X.map(([x]) => [x < 8 ? 10 : 50]);
  const m = gbtTrainer.train({ features: ['x'], components: ['p'], X, Y }, { nEstimators: 1, maxDepth: 1, learningRate: 1 });
  const tree = (m.toJSON().params as { ensembles: { trees: { threshold: number[]; feature: number[] }[] }[] }).ensembles[0].trees[0];
  assert.equal(tree.feature[0], 0);
  assert.equal(tree.threshold[0], 7.5);
  assert.deepEqual(m.predict([[3], [12]]), [[10], [50]]);
});

test('recovers a nonlinear two-feature function (100 trees, depth 3, rate 0.1 defaults)', () => {
  const f = (a: number, b: number) => 40 + 60 * Math.sqrt(a) + (b > 0.5 ? 15 : 0);
  const X: number[][] = [];
  const Y: number[][] = [];
  for (let i = 0; i < 400; i++) {
    const a = ((i * 7919) % 400) / 400;
    const b = ((i * 104729) % 97) / 97;
    X.push([a, b]);
    Y.push([f(a, b), 2 * f(a, b)]);
  }
  const d: Dataset = { features: ['a', 'b'], components: ['package', 'platform'], X, Y };
  const m = gbtTrainer.train(d);
  const test = Array.from({ length: 50 }, (_, i) => [(i + 0.5) / 50, i % 2 ? 0.9 : 0.1]);
  const truth = test.map(([a, b]) => f(a, b));
  const pred = m.predict(test);
  // The target spans 40..115 W; a good fit is within a couple of watts.
  assert.ok(
    mae(
      truth,
      pred.map((p) => p[0]),
    ) < 3,
    `package MAE ${mae(
      truth,
      pred.map((p) => p[0]),
    )}`,
  );
  assert.ok(
    mae(
      truth.map((t) => 2 * t),
      pred.map((p) => p[1]),
    ) < 6,
  );
  const back = gbtFromJSON(JSON.parse(JSON.stringify(m.toJSON())));
  assert.deepEqual(back.predict(test), pred);
});

test('subsampling is deterministic by seed', () => {
  const X = Array.from({ length: 100 }, (_, i) => [i]);
  const Y = X.map(([x]) => [x * x]);
  const d = { features: ['x'], components: ['p'], X, Y };
  const a = gbtTrainer.train(d, { subsample: 0.5, seed: 7, nEstimators: 20 }).predict(X);
  const b = gbtTrainer.train(d, { subsample: 0.5, seed: 7, nEstimators: 20 }).predict(X);
  assert.deepEqual(a, b);
});

test('a tree whose children point backwards is rejected', () => {
  const m = gbtTrainer.train({ features: ['x'], components: ['p'], X: [[0], [1], [2]], Y: [[0], [1], [2]] }, { nEstimators: 1 });
  const j = m.toJSON();
  const p = j.params as { ensembles: { trees: { left: number[] }[] }[] };
  p.ensembles[0].trees[0].left[0] = 0;
  assert.throws(
    () => gbtFromJSON(j),
    (e) => ERR_MODEL_BAD_MODEL.is(e),
  );
});

test('absolute loss estimates the conditional median, squared loss the mean', () => {
  // For each x, 7 of 10 rows are at f(x) and 3 are far above: the median is f(x), the mean is not.
  const X: number[][] = [];
  const Y: number[][] = [];
  for (let i = 0; i < 300; i++) {
    const x = (i % 30) / 30;
    X.push([x]);
    Y.push([50 + 40 * x + (Math.floor(i / 30) % 10 < 7 ? 0 : 100)]);
  }
  const d = { features: ['x'], components: ['p'], X, Y };
  const test = [[0.1], [0.5], [0.9]];
  const lad = gbtTrainer.train(d, { loss: 'absolute', nEstimators: 200 }).predict(test);
  const ls = gbtTrainer.train(d).predict(test);
  test.forEach(([x], i) => {
    assert.ok(Math.abs(lad[i][0] - (50 + 40 * x)) < 3, `median at ${x}: ${lad[i][0]}`);
    assert.ok(Math.abs(ls[i][0] - (50 + 40 * x + 30)) < 3, `mean at ${x}: ${ls[i][0]}`);
  });
});
