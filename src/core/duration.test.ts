import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseDuration, formatDuration, minDurationPattern, durationBelow } from './duration.js';

test('parses Go-style durations', () => {
  assert.equal(parseDuration('5s'), 5000);
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('1m30s'), 90_000);
  assert.equal(parseDuration('1.5s'), 1500);
  assert.equal(parseDuration('2'), 2000);
  assert.equal(parseDuration(''), undefined);
  assert.equal(parseDuration('5 s'), undefined);
  assert.equal(parseDuration('abc'), undefined);
  assert.equal(parseDuration('5sx'), undefined);
});

test('format and parse round-trip whole milliseconds', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 10_000_000 }), (ms) => parseDuration(formatDuration(ms)) === ms));
});

test('minDurationPattern: a component of at least the minimum is required; durationBelow checks the exact sum', () => {
  const at100 = new RegExp(minDurationPattern(100));
  for (const ok of ['100ms', '0.1s', '5s', '1m', '0.5m', '2h', '1s0ms', '100000us']) assert.ok(at100.test(ok), ok);
  for (const bad of ['0s', '50ms', '0.05s', '0.09s', '0m', '10ms', '.1s', '5', '5 s']) assert.ok(!at100.test(bad), bad);
  const at1s = new RegExp(minDurationPattern(1000));
  for (const ok of ['1s', '1000ms', '0.5m', '30s']) assert.ok(at1s.test(ok), ok);
  for (const bad of ['999ms', '0.5s', '10ms', '0s']) assert.ok(!at1s.test(bad), bad);
  assert.equal(durationBelow('100ms', 100), undefined);
  assert.equal(durationBelow('50ms', 100), 'must be a duration of at least 100ms, got "50ms"');
  assert.equal(durationBelow('50ms50ms', 100), undefined, 'the sum counts');
  assert.match(durationBelow('soon', 100)!, /must be a duration like/);
});
