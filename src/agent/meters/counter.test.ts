import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { counterDelta, stepCounter, impliedWatts, CounterTracker, plausibleWatts } from './counter.js';

test('counterDelta: a single wrap at max gives back the true increment (property)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 2 ** 40 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (max, p, q) => {
        const prev = Math.floor(p * max);
        // A whole-range increment reads the same as no change on a wrapping counter: keep inc below max.
        const inc = Math.min(Math.floor(q * max), max - 1);
        const cur = prev + inc > max ? prev + inc - max : prev + inc;
        const d = counterDelta(prev, cur, max);
        assert.ok(d);
        assert.equal(d.delta, inc);
        assert.equal(d.wrapped, prev + inc > max);
      },
    ),
  );
});

test('counterDelta: backwards without a known range is a reset', () => {
  assert.equal(counterDelta(100, 50, 0), undefined);
  assert.equal(counterDelta(2000, 50, 1000), undefined);
  assert.deepEqual(counterDelta(50, 50, 0), { delta: 0, wrapped: false });
});

test('cumulative sum over a wrapping counter is monotonic and exact (property)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1000, max: 10 ** 9 }),
      fc.array(fc.double({ min: 0, max: 0.99, noNaN: true }), { minLength: 1, maxLength: 60 }),
      (max, fractions) => {
        const tracker = new CounterTracker(max, Infinity);
        let raw = Math.floor(max / 3);
        let at = 0;
        tracker.step(raw, at);
        let total = 0;
        let truth = 0;
        for (const f of fractions) {
          const inc = Math.floor(f * max);
          raw = raw + inc > max ? raw + inc - max : raw + inc;
          at += 1000;
          const s = tracker.step(raw, at);
          assert.ok(s.deltaMicroJoules >= 0);
          assert.equal(s.dropped, undefined);
          total += s.deltaMicroJoules;
          truth += inc;
          assert.equal(total, truth);
        }
      },
    ),
  );
});

test('stepCounter drops intervals implying more than the bound', () => {
  assert.equal(impliedWatts(5_000_000, 1000), 5);
  assert.deepEqual(stepCounter(0, 5_000_000, 10 ** 9, 1000, 10), { deltaMicroJoules: 5_000_000, wrapped: false });
  assert.deepEqual(stepCounter(0, 50_000_000, 10 ** 9, 1000, 10), { deltaMicroJoules: 0, wrapped: false, dropped: 'implausible' });
  assert.deepEqual(stepCounter(900, 100, 1000, 1000, 10), { deltaMicroJoules: 200, wrapped: true });
  assert.deepEqual(stepCounter(900, 100, 0, 1000, 10), { deltaMicroJoules: 0, wrapped: false, dropped: 'reset' });
  assert.equal(stepCounter(0, 1, 10, 0, 10).dropped, 'implausible');
});

test('the first reading of a tracker is a zero baseline', () => {
  const t = new CounterTracker(100, 1e9);
  assert.deepEqual(t.step(42, 0), { deltaMicroJoules: 0, wrapped: false, baseline: true });
  assert.equal(t.step(50, 10).deltaMicroJoules, 8);
  t.reset();
  assert.deepEqual(t.step(90, 20), { deltaMicroJoules: 0, wrapped: false, baseline: true }, 'after a failed read the next reading is a new baseline');
  assert.equal(t.step(95, 30).deltaMicroJoules, 5);
});

test('plausibleWatts: the advertised maximum with a margin, never above the ceiling', () => {
  assert.equal(plausibleWatts(0, 2000), 2000, 'no advertised maximum: the ceiling');
  assert.equal(plausibleWatts(35_000_000, 2000), 52.5);
  assert.equal(plausibleWatts(5_000_000_000, 2000), 2000);
});
