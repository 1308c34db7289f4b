import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTime } from './time-range.js';

test('times: RFC 3339, unix seconds, now and relative', () => {
  const now = 1_700_000_000;
  assert.equal(parseTime('2023-11-14T22:13:20Z', now), 1_700_000_000);
  assert.equal(parseTime('1695115663', now), 1695115663);
  assert.equal(parseTime('now', now), now);
  assert.equal(parseTime('-1h', now), now - 3600);
  assert.equal(parseTime('now-30m', now), now - 1800);
  for (const bad of ['', 'yesterday', '-5', '2023-13', '-1x']) assert.equal(parseTime(bad, now), undefined, bad);
});
