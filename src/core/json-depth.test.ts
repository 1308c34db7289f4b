import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonDepthExceeds } from './json-depth.js';

test('JSON depth is counted over objects and arrays, not inside strings', () => {
  assert.equal(jsonDepthExceeds('{"a":[1,{"b":2}]}', 3), false);
  assert.equal(jsonDepthExceeds('{"a":[1,{"b":2}]}', 2), true);
  assert.equal(jsonDepthExceeds('"[[[[[[[["', 1), false);
  assert.equal(jsonDepthExceeds('{"a\\"[[[[":1}', 1), false);
  assert.equal(jsonDepthExceeds('[]'.repeat(1000), 1), false);
  assert.equal(jsonDepthExceeds('['.repeat(65) + ']'.repeat(65), 64), true);
  assert.equal(jsonDepthExceeds('['.repeat(64) + ']'.repeat(64), 64), false);
});
