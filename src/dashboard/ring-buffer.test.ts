import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RingBuffer } from './ring-buffer.js';

test('keeps the last capacity items, oldest first, and returns what it evicts', () => {
  const r = new RingBuffer<number>(3);
  assert.equal(r.length, 0);
  assert.equal(r.last(), undefined);
  assert.equal(r.push(1), undefined);
  assert.equal(r.push(2), undefined);
  assert.equal(r.push(3), undefined);
  assert.deepEqual(r.toArray(), [1, 2, 3]);
  assert.equal(r.push(4), 1);
  assert.equal(r.push(5), 2);
  assert.deepEqual(r.toArray(), [3, 4, 5]);
  assert.equal(r.at(0), 3);
  assert.equal(r.at(2), 5);
  assert.equal(r.at(3), undefined);
  assert.equal(r.at(-1), undefined);
  assert.equal(r.last(), 5);
  assert.equal(r.length, 3);
});

test('rejects a capacity below 1 or not an integer', () => {
  assert.throws(() => new RingBuffer(0), RangeError);
  assert.throws(() => new RingBuffer(2.5), RangeError);
});

test('property: equals the tail of the pushed sequence', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.integer(), { maxLength: 100 }), (cap, xs) => {
      const r = new RingBuffer<number>(cap);
      const evicted: number[] = [];
      for (const x of xs) {
        const e = r.push(x);
        if (e !== undefined) evicted.push(e);
      }
      assert.deepEqual(r.toArray(), xs.slice(Math.max(0, xs.length - cap)));
      assert.deepEqual(evicted, xs.slice(0, Math.max(0, xs.length - cap)));
    }),
  );
});

test('shift removes the oldest item, also across the wrap-around', () => {
  const r = new RingBuffer<number>(3);
  for (const x of [1, 2, 3, 4]) r.push(x);
  assert.equal(r.shift(), 2);
  r.push(5);
  r.push(6);
  assert.deepEqual(r.toArray(), [4, 5, 6]);
  assert.equal(r.shift(), 4);
  assert.equal(r.shift(), 5);
  assert.equal(r.shift(), 6);
  assert.equal(r.shift(), undefined);
  assert.equal(r.length, 0);
});
