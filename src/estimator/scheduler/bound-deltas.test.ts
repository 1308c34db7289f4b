import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoundDeltas } from './bound-deltas.js';
import type { NodeCosts } from './node-costs.js';

const costs = {
  index: new Map([
    ['a', 0],
    ['b', 1],
    ['c', 2],
  ]),
  states: [{}, {}, {}],
} as unknown as NodeCosts;

test('keeps the last call per pod, answers once per pod, forgets the oldest beyond its bound', () => {
  const d = new BoundDeltas(2);
  // candidates c, a, (unknown node) with deltas 3, 1, 9
  d.remember('p1', costs, Int32Array.from([2, 0, -1]), Float64Array.from([3, 1, 9]), 3);
  d.remember('p1', costs, Int32Array.from([2, 0]), Float64Array.from([4, NaN]), 2); // a later call replaces it
  assert.equal(d.take('p1', 'a'), undefined); // not scored in the last call
  d.remember('p1', costs, Int32Array.from([2, 0]), Float64Array.from([4, 2]), 2);
  assert.equal(d.take('p1', 'c'), 4);
  assert.equal(d.take('p1', 'c'), undefined); // taken
  for (const p of ['x', 'y', 'z']) d.remember(p, costs, Int32Array.from([1]), Float64Array.from([5]), 1);
  assert.equal(d.size, 2);
  assert.equal(d.take('x', 'b'), undefined); // the oldest went
  assert.equal(d.take('z', 'b'), 5);
  assert.equal(d.take('y', 'zz'), undefined);
});
