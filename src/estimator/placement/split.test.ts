import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitAcrossClusters } from './split.js';

test('the split with the fewest total watts, per-cluster counts summing to N', () => {
  // east: cheap first workloads then expensive; west: flat 4 W each
  const s = splitAcrossClusters(
    [
      { name: 'east', wattIncreases: [1, 2, 3, 20, 40] },
      { name: 'west', wattIncreases: [4, 8, 12, 16, 20] },
    ],
    5,
  );
  assert.equal(s.total, 3 + 8);
  assert.deepEqual(s.counts, { east: 3, west: 2 });
});

test('non-convex cluster curves are combined exactly (brute force on small cases)', () => {
  const curves = [
    { name: 'a', wattIncreases: [10, 11, 30, 31] },
    { name: 'b', wattIncreases: [6, 20, 21, 40] },
    { name: 'c', wattIncreases: [9, 12, 13, 50] },
  ];
  for (let n = 1; n <= 4; n++) {
    let best = Infinity;
    for (let a = 0; a <= n; a++)
      for (let b = 0; a + b <= n; b++) {
        const c = n - a - b;
        const w = (k: number, i: number) => (k === 0 ? 0 : curves[i].wattIncreases[k - 1]);
        best = Math.min(best, w(a, 0) + w(b, 1) + w(c, 2));
      }
    const s = splitAcrossClusters(curves, n);
    assert.equal(s.total, best, `n=${n}`);
    assert.equal(
      Object.values(s.counts!).reduce((x, y) => x + y, 0),
      n,
    );
  }
});

test('a failed cluster (+Inf) takes none; when nothing can place N the split is +Inf without counts', () => {
  const s = splitAcrossClusters(
    [
      { name: 'down', wattIncreases: [Infinity, Infinity] },
      { name: 'up', wattIncreases: [5, 10] },
    ],
    2,
  );
  assert.deepEqual(s, { total: 10, counts: { down: 0, up: 2 } });
  assert.deepEqual(splitAcrossClusters([{ name: 'down', wattIncreases: [Infinity] }], 1), { total: Infinity });
  assert.deepEqual(splitAcrossClusters([{ name: 'x', wattIncreases: [] }], 0), { total: 0, counts: { x: 0 } });
});
