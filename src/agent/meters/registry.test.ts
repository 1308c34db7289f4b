import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONFIG_KEYS } from '../../core/config-keys.js';
import { GPU_METER, METER_NAMES, NODE_METERS, isNodeMeterName } from './registry.js';

test('every node meter of the table loads a module with createNodeMeter', async () => {
  for (const [name, load] of Object.entries(NODE_METERS)) assert.equal(typeof (await load()).createNodeMeter, 'function', name);
});

test("the names of --meter are the table's node meters and gpu", () => {
  assert.deepEqual(METER_NAMES, [...Object.keys(NODE_METERS), GPU_METER]);
  assert.deepEqual(CONFIG_KEYS.find((k) => k.key === 'meter')?.items, METER_NAMES);
  assert.ok(isNodeMeterName('rapl'));
  assert.ok(!isNodeMeterName('gpu'));
  assert.ok(!isNodeMeterName('constructor'));
});
