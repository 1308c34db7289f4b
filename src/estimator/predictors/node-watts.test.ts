import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeWatts } from './node-watts.js';
import { rowSums } from './model.js';

test('node watts: platform when present, else the zones that do not nest', () => {
  assert.equal(nodeWatts({ package: 50, core: 30, uncore: 5, dram: 8 }), 58);
  assert.equal(nodeWatts({ package: 50, dram: 8, platform: 120 }), 120);
});

test('v2 outputs: one output sums its columns, per-component outputs use the zone rule', () => {
  assert.deepEqual(
    rowSums(
      {
        outputs: [
          {
            data: [
              [1, 2],
              [3, 4],
            ],
          },
        ],
      },
      2,
    ),
    [3, 7],
  );
  assert.deepEqual(
    rowSums(
      {
        outputs: [
          { name: 'package', data: [10, 20] },
          { name: 'core', data: [5, 6] },
          { name: 'dram', data: [1, 1] },
        ],
      },
      2,
    ),
    [11, 21],
  );
  assert.throws(() => rowSums({ outputs: [{ data: [1, 2, 3] }] }, 2), /3 values for 2 rows/);
  assert.throws(() => rowSums({}, 1));
});
