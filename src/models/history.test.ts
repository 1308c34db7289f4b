import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withPreviousInterval } from './history.js';
import { ERR_MODEL_BAD_DATASET } from './errors.js';

test('adds the previous interval’s value, skipping gaps and group changes', () => {
  const d = {
    features: ['bpf_cpu_time_ms', 'x'],
    components: ['p'],
    X: [
      [1, 0],
      [2, 0],
      [3, 0],
      [4, 0],
      [5, 0],
      [6, 0],
    ],
    Y: [[10], [20], [30], [40], [50], [60]],
    groups: ['a', 'a', 'a', 'a', 'b', 'b'],
    timestamps: [0, 3, 6, 30, 33, 36],
  };
  const h = withPreviousInterval(d, ['bpf_cpu_time_ms']);
  assert.deepEqual(h.features, ['bpf_cpu_time_ms', 'x', 'bpf_cpu_time_ms_prev']);
  // Row 3 follows a 24 s gap; row 4 starts group b.
  assert.deepEqual(h.X, [
    [2, 0, 1],
    [3, 0, 2],
    [6, 0, 5],
  ]);
  assert.deepEqual(h.Y, [[20], [30], [60]]);
  assert.deepEqual(h.timestamps, [3, 6, 36]);
  assert.throws(
    () => withPreviousInterval(d, ['nope']),
    (e) => ERR_MODEL_BAD_DATASET.is(e),
  );
});
