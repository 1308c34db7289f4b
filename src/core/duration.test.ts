import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseDuration, formatDuration } from './duration.js';

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
