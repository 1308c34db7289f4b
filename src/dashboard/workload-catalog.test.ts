import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkloadCatalog } from './workload-catalog.js';

test('interns ids to slots, frees a slot with its last reference and reuses it', () => {
  const c = new WorkloadCatalog();
  const a = c.acquire({ id: 'a', name: 'pa' }, 1, 5);
  assert.equal(c.acquire({ id: 'a', name: 'pa2' }, 2, 6), a, 'same id, same slot');
  const b = c.acquire({ id: 'b', name: 'pb' }, 2, 7);
  c.retain(b);
  assert.equal(c.caption(a).name, 'pa2', 'the newest caption');
  c.release(a);
  assert.equal(c.slotOf('a'), a);
  c.release(a);
  assert.equal(c.slotOf('a'), undefined);
  assert.equal(c.size, 1);
  assert.equal(c.acquire({ id: 'c', name: 'pc' }, 3, 1), a, 'the freed slot is reused');
  assert.equal(c.capacity, 2);
  c.release(b);
  assert.equal(c.slotOf('b'), b, 'b still has a reference');
});

test('recent: the most recently seen first, then the largest watts then, then by id', () => {
  const c = new WorkloadCatalog();
  for (const [id, t, w] of [
    ['x', 1, 9],
    ['y', 2, 1],
    ['z', 2, 3],
    ['w', 2, 3],
  ] as const)
    c.acquire({ id, name: id }, t, w);
  assert.deepEqual(
    c.recent(3).map((s) => c.caption(s).id),
    ['w', 'z', 'y'],
  );
});
