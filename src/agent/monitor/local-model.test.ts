import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitLinear, LocalModelTracker } from './local-model.js';

test('fitLinear recovers a line and refuses a narrow load range', () => {
  const b = Array.from({ length: 20 }, (_, i) => i / 19);
  const f = fitLinear(
    b,
    b.map((x) => 40 + 60 * x),
  )!;
  assert.ok(Math.abs(f.idleWatts - 40) < 1e-9 && Math.abs(f.maxWatts - 100) < 1e-9);
  assert.equal(
    fitLinear(
      b.map((x) => 0.5 + x * 0.05),
      b.map(() => 50),
    ),
    undefined,
  );
});

test('without a curve: fallback until samples span the load range, then the fit', () => {
  const t = new LocalModelTracker('n', 4, [{ zone: 'package', path: 'p', nested: false }], { idleWatts: 10, maxWatts: 20, name: 'ccf:generic' });
  assert.equal(t.model().modelName, 'ccf:generic');
  assert.equal(t.model().wattsAt(0.5), 15);
  for (let i = 0; i < 30; i++) t.observe(i / 29, 50 + 100 * (i / 29), true);
  assert.match(t.model().modelName, /^linear-fit:idle=50\.0,max=150\.0$/);
  assert.ok(Math.abs(t.model().wattsAt(2) - 150) < 1e-6, 'clamped to 1');
  assert.ok(Math.abs(t.model().busyRatio() - 1) < 1e-9);
});

test('estimating meter: its curve summed over non-nested zones', () => {
  const curve = {
    name: 'ccf:x',
    features: ['cpu_busy_ratio'],
    predict: (f: Record<string, number>) => ({ package: 10 + 10 * f.cpu_busy_ratio, core: 5, dram: 2 }),
  };
  const zones = [
    { zone: 'package', path: 'a', nested: false },
    { zone: 'core', path: 'b', nested: true },
    { zone: 'dram', path: 'c', nested: false },
  ];
  const t = new LocalModelTracker('n', 4, zones, { idleWatts: 0, maxWatts: 0, name: 'unused' }, curve);
  assert.equal(t.model().modelName, 'ccf:x');
  assert.equal(t.model().wattsAt(0.5), 17);
});
