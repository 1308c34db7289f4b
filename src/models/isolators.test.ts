import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isolate } from './isolators.js';
import { ERR_MODEL_BAD_OPTIONS } from './errors.js';

const data = {
  features: ['x'],
  components: ['package', 'dram'],
  X: [[0], [1], [2]],
  Y: [
    [50, 10],
    [70, 12],
    [90, 15],
  ],
  groups: ['1', '1', '2'],
};

test('min subtracts each component’s minimum', () => {
  const r = isolate(data, 'min');
  assert.deepEqual(r.data.Y, [
    [0, 0],
    [20, 2],
    [40, 5],
  ]);
  assert.deepEqual(r.idle, { package: { '*': 50 }, dram: { '*': 10 } });
});

test('profile subtracts the idle of each row’s node type (Kepler profile format), clamped at 0', () => {
  const profile = { package: { '1': { min_watt: 55, max_watt: 200 }, '2': { min_watt: 30 } }, dram: { '*': 11 } };
  const r = isolate(data, 'profile', profile);
  assert.deepEqual(r.data.Y, [
    [0, 0],
    [15, 1],
    [60, 4],
  ]);
  assert.throws(
    () => isolate(data, 'profile'),
    (e) => ERR_MODEL_BAD_OPTIONS.is(e),
  );
  assert.throws(
    () => isolate(data, 'profile', { package: { '1': 1 } }),
    (e) => ERR_MODEL_BAD_OPTIONS.is(e),
  );
});

test('none leaves the data alone; unknown isolators are rejected', () => {
  assert.deepEqual(isolate(data, 'none').data.Y, data.Y);
  assert.throws(
    () => isolate(data, 'train'),
    (e) => ERR_MODEL_BAD_OPTIONS.is(e),
  );
});
