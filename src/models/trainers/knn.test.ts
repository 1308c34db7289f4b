import { test } from 'node:test';
import assert from 'node:assert/strict';
import { knnTrainer, knnFromJSON } from './knn.js';

test('predicts the mean of the k nearest rows (k = 6 by default)', () => {
  const X = Array.from({ length: 20 }, (_, i) => [i]);
  const Y = X.map(([x]) => [x * 10]);
  const m = knnTrainer.train({ features: ['x'], components: ['p'], X, Y });
  // Nearest 6 to 10.2: 10, 11, 9, 12, 8, 13 → mean 10.5 → 105.
  assert.deepEqual(m.predict([[10.2]]), [[105]]);
  const m1 = knnTrainer.train({ features: ['x'], components: ['p'], X, Y }, { k: 1 });
  assert.deepEqual(m1.predict([[10.4]]), [[100]]);
});

test('features are scaled, so a large-magnitude feature does not dominate', () => {
  // Target depends only on b (0/1); a is noise with a huge range.
  const X: number[][] = [];
  const Y: number[][] = [];
  for (let i = 0; i < 40; i++) {
    X.push([(i * 7919) % 100000, i % 2]);
    Y.push([i % 2 ? 100 : 0]);
  }
  const scaled = knnTrainer.train({ features: ['a', 'b'], components: ['p'], X, Y }, { k: 3, scaler: 'standard' });
  assert.ok(scaled.predict([[50000, 1]])[0][0] > 60);
});

test('recovers a smooth function and round-trips', () => {
  const X = Array.from({ length: 500 }, (_, i) => [i / 500]);
  const Y = X.map(([x]) => [50 + 100 * Math.sin(x * 3), 5 + x]);
  const m = knnTrainer.train({ features: ['x'], components: ['a', 'b'], X, Y }, { weights: 'distance' });
  const [p] = m.predict([[0.3333]]);
  assert.ok(Math.abs(p[0] - (50 + 100 * Math.sin(0.9999))) < 0.5);
  const back = knnFromJSON(JSON.parse(JSON.stringify(m.toJSON())));
  assert.deepEqual(back.predict(X.slice(0, 30)), m.predict(X.slice(0, 30)));
});

test('median aggregation predicts the neighbours’ median (robust to a skewed spread)', () => {
  // At x = 0: targets 10, 10, 10, 100, 100 (5 rows); the mean is 46, the median 10.
  const X = [[0], [0], [0], [0], [0], [5]];
  const Y = [[10], [10], [10], [100], [100], [500]];
  const m = knnTrainer.train({ features: ['x'], components: ['p'], X, Y }, { k: 5, aggregate: 'median' });
  assert.deepEqual(m.predict([[0]]), [[10]]);
  // Even k averages the two middle values (neighbours of 2.9 with k = 2: 80 and 40).
  const even = knnTrainer.train(
    { features: ['x'], components: ['p'], X: [[0], [1], [2], [3]], Y: [[10], [20], [40], [80]] },
    { k: 2, aggregate: 'median' },
  );
  assert.deepEqual(even.predict([[2.9]]), [[60]]);
  assert.deepEqual(knnFromJSON(JSON.parse(JSON.stringify(m.toJSON()))).predict([[0]]), [[10]]);
});
