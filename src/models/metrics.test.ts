import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { accuracyReport, mae, mape, r2 } from './metrics.js';
import { ERR_MODEL_BAD_OPTIONS } from './errors.js';

const ivec = fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 40 });
const vec = fc.array(fc.double({ min: -1e4, max: 1e4, noNaN: true }), { minLength: 1, maxLength: 40 });

test('metrics on a hand-computed example', () => {
  const y = [10, 20, 0, 40];
  const yhat = [12, 18, 1, 40];
  assert.equal(mae(y, yhat), (2 + 2 + 1 + 0) / 4);
  // MAPE only over y > 0: (0.2 + 0.1 + 0) / 3 × 100
  assert.ok(Math.abs(mape(y, yhat) - 10) < 1e-12);
  const mean = 17.5;
  const ssTot = (10 - mean) ** 2 + (20 - mean) ** 2 + (0 - mean) ** 2 + (40 - mean) ** 2;
  assert.ok(Math.abs(r2(y, yhat) - (1 - 9 / ssTot)) < 1e-12);
});

test('MAPE is NaN when no sample has y > 0; R² of a constant target', () => {
  assert.ok(Number.isNaN(mape([0, -1], [1, 1])));
  assert.equal(r2([3, 3], [3, 3]), 1);
  assert.equal(r2([3, 3], [3, 4]), 0);
  assert.ok(Number.isNaN(mae([], [])));
});

test('property: perfect predictions have zero error and R² = 1', () => {
  fc.assert(
    fc.property(vec, (y) => {
      assert.equal(mae(y, y), 0);
      const m = mape(y, y);
      assert.ok(Number.isNaN(m) ? !y.some((v) => v > 0) : m === 0);
      assert.equal(r2(y, y), 1);
    }),
  );
});

test('property: MAE is non-negative, symmetric and shift-invariant; R² ≤ 1', () => {
  fc.assert(
    fc.property(vec, fc.double({ min: -100, max: 100, noNaN: true }), fc.double({ min: -100, max: 100, noNaN: true }), (y, noise, shift) => {
      const yhat = y.map((v, i) => v + (i % 2 ? noise : -noise / 2));
      const e = mae(y, yhat);
      assert.ok(e >= 0);
      assert.ok(Math.abs(e - mae(yhat, y)) < 1e-9);
      assert.ok(
        Math.abs(
          e -
            mae(
              y.map((v) => v + shift),
              yhat.map((v) => v + shift),
            ),
        ) <
          1e-6 * Math.max(1, e),
      );
      assert.ok(r2(y, yhat) <= 1 + 1e-12);
    }),
  );
});

test('property: MAPE ignores samples with y ≤ 0', () => {
  fc.assert(
    fc.property(ivec, ivec, (y, yhat) => {
      const n = Math.min(y.length, yhat.length);
      const a = y.slice(0, n);
      const b = yhat.slice(0, n);
      const pos = a.map((v, i) => [v, b[i]]).filter(([v]) => v > 0);
      const m = mape(a, b);
      if (pos.length === 0) assert.ok(Number.isNaN(m));
      else
        assert.ok(
          Math.abs(
            m -
              mape(
                pos.map((p) => p[0]),
                pos.map((p) => p[1]),
              ),
          ) <
            1e-9 * Math.max(1, m),
        );
    }),
  );
});

test('aggregate is the max over components, or the named primary component (never the last)', () => {
  const Y = [
    [100, 10, 1],
    [200, 20, 2],
  ];
  const Yhat = [
    [110, 10, 3],
    [190, 20, 2],
  ];
  const r = accuracyReport(['package', 'dram', 'core'], Y, Yhat, 5);
  assert.equal(r.aggregation, 'max');
  assert.equal(r.aggregate.mae, 10); // package, not core (the last)
  assert.equal(r.aggregate.mape, 100); // core's MAPE (200 % / 2)
  assert.equal(r.aggregate.samples, 2);
  assert.equal(r.folds, 5);
  const p = accuracyReport(['package', 'dram', 'core'], Y, Yhat, 5, 'package');
  assert.equal(p.aggregation, 'primary:package');
  assert.ok(Math.abs(p.aggregate.mape - (10 + 5) / 2) < 1e-12);
  assert.throws(
    () => accuracyReport(['package'], [[1]], [[1]], 1, 'gpu'),
    (e) => ERR_MODEL_BAD_OPTIONS.is(e),
  );
});
