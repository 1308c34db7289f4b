import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { apportion, splitActiveIdle } from './apportion.js';
import { attributeLevel } from './attribute.js';

const sum = (a: readonly number[]) => a.reduce((x, y) => x + y, 0);

test('apportion: proportional integer shares, largest remainders first', () => {
  assert.deepEqual(apportion(10, [1, 1, 1]), [4, 3, 3]);
  assert.deepEqual(apportion(100, [3, 1]), [75, 25]);
  assert.deepEqual(apportion(7, [0, 2, 0]), [0, 7, 0]);
  assert.deepEqual(apportion(5, [0, 0]), [0, 0]);
  assert.deepEqual(apportion(0, [1, 2]), [0, 0]);
});

test('property: apportion conserves the total exactly and stays within one µJ of the exact share', () => {
  fc.assert(
    fc.property(fc.nat({ max: 5e9 }), fc.array(fc.nat({ max: 1e6 }), { minLength: 1, maxLength: 60 }), (total, w) => {
      const parts = apportion(total, w);
      const W = sum(w);
      if (W === 0) return assert.equal(sum(parts), 0);
      assert.equal(sum(parts), total);
      parts.forEach((p, i) => {
        assert.ok(Number.isInteger(p) && p >= 0);
        assert.ok(Math.abs(p - (total * w[i]) / W) < 1 + 1e-6);
      });
    }),
  );
});

test('property: active + idle = delta, active within [0, delta]', () => {
  fc.assert(
    fc.property(fc.nat({ max: 5e9 }), fc.double({ min: -1, max: 2, noNaN: true }), (d, r) => {
      const { active, idle } = splitActiveIdle(d, r);
      assert.equal(active + idle, d);
      assert.ok(active >= 0 && active <= d);
    }),
  );
});

test('property: a level plus its residual conserves each zone; workloads outside the level form the residual', () => {
  fc.assert(
    fc.property(
      fc.array(fc.nat({ max: 1e9 }), { minLength: 1, maxLength: 4 }),
      fc.array(fc.nat({ max: 5000 }), { maxLength: 30 }),
      fc.nat({ max: 5000 }),
      (zones, weights, outside) => {
        const total = sum(weights) + outside;
        const r = attributeLevel(zones, weights, total);
        zones.forEach((e, z) => assert.equal(sum(r.shares.map((s) => s[z])) + r.residual[z], e));
        if (outside === 0 && total > 0)
          assert.deepEqual(
            r.residual,
            zones.map(() => 0),
          );
      },
    ),
  );
});
