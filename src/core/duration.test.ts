import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseDuration, formatDuration, minDurationPattern, durationBelow, DURATION_PATTERN } from './duration.js';

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

test('one grammar: Go units, Prometheus d, combinations; the parser takes exactly what the pattern matches (plus bare seconds)', () => {
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('1d'), 86_400_000);
  assert.equal(parseDuration('1d12h'), 129_600_000);
  assert.equal(parseDuration('1500us'), 1.5);
  assert.equal(parseDuration('1500µs'), 1.5);
  assert.equal(parseDuration('2000000ns'), 2);
  assert.equal(parseDuration('1w'), undefined);
  assert.equal(parseDuration('-1s'), undefined);
  assert.equal(formatDuration(90_061_000), '1d1h1m1s');
  const re = new RegExp(DURATION_PATTERN);
  const component = fc
    .tuple(fc.integer({ min: 0, max: 999 }), fc.option(fc.integer({ min: 0, max: 99 })), fc.constantFrom('ns', 'us', 'µs', 'ms', 's', 'm', 'h', 'd'))
    .map(([n, f, u]) => `${n}${f === null ? '' : `.${f}`}${u}`);
  fc.assert(
    fc.property(
      fc.array(component, { minLength: 1, maxLength: 4 }),
      (parts) => re.test(parts.join('')) && parseDuration(parts.join('')) !== undefined,
    ),
  );
  fc.assert(
    fc.property(fc.string({ maxLength: 8 }), (s) => /^[0-9]+(\.[0-9]+)?$/.test(s.trim()) || re.test(s.trim()) === (parseDuration(s) !== undefined)),
  );
  const at100 = new RegExp(minDurationPattern(100));
  assert.ok(at100.test('1d') && at100.test('0.5d'));
  assert.equal(minDurationPattern(0), DURATION_PATTERN);
});
