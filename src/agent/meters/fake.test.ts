import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFakeMeter, fakeWatts } from './fake.js';

test('fake meter: deterministic, wraps often, deltas equal the synthetic power exactly', async () => {
  const a = createFakeMeter({ maxEnergyRangeUj: 100_000_000 });
  const b = createFakeMeter({ maxEnergyRangeUj: 100_000_000 });
  assert.deepEqual(a.info, { name: 'fake', estimated: true, model: 'fake:synthetic' });
  const ctx = (i: number) => ({ busyRatio: (i % 10) / 10, intervalMs: 1000, features: {} });
  const first = await a.read(ctx(0));
  await b.read(ctx(0));
  assert.ok(first.zones.every((z) => z.deltaMicroJoules === 0));
  let total = 0;
  let exact = 0;
  for (let i = 1; i <= 60; i++) {
    const sa = await a.read(ctx(i));
    const sb = await b.read(ctx(i));
    assert.deepEqual(sa, sb);
    assert.deepEqual(sa.dropped, []);
    const pkg = sa.zones.find((z) => z.zone === 'package')!.deltaMicroJoules;
    assert.ok(pkg > 0);
    total += pkg;
    exact += fakeWatts(ctx(i).busyRatio, i).package * 1e6;
  }
  // 60 s at ≥15 W through a 100 J counter wrapped many times; nothing lost but rounding below 1 µJ.
  assert.ok(exact > 9 * 100_000_000);
  assert.ok(exact - total >= 0 && exact - total < 1);
});
