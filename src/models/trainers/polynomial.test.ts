import { test } from 'node:test';
import assert from 'node:assert/strict';
import { polynomialTrainer, polynomialFromJSON, expandDegree2 } from './polynomial.js';
import type { Dataset } from '../types.js';

test('degree-2 expansion has the linear terms, squares and interactions', () => {
  assert.deepEqual(expandDegree2([2, 3]), [2, 3, 4, 6, 9]);
});

test('recovers a quadratic with an interaction term', () => {
  const X: number[][] = [];
  const Y: number[][] = [];
  const f = (a: number, b: number) => 20 + 3 * a + 2 * b - 0.5 * a * a + 1.5 * a * b;
  for (let i = 0; i < 15; i++)
    for (let j = 0; j < 15; j++) {
      X.push([i, j * 2]);
      Y.push([f(i, j * 2)]);
    }
  const d: Dataset = { features: ['a', 'b'], components: ['p'], X, Y };
  const m = polynomialTrainer.train(d);
  const [p] = m.predict([[7.5, 11]]);
  assert.ok(Math.abs(p[0] - f(7.5, 11)) < 1e-4, `${p[0]} vs ${f(7.5, 11)}`);
  const back = polynomialFromJSON(JSON.parse(JSON.stringify(m.toJSON())));
  assert.deepEqual(back.predict(X.slice(0, 20)), m.predict(X.slice(0, 20)));
});
