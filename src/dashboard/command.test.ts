import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTopOptions } from './command.js';
import { ERR_INVALID_FLAG } from '../core/errors.js';

test('parses flags with defaults', () => {
  assert.deepEqual(parseTopOptions({}), {
    address: 'http://127.0.0.1:28282',
    level: 'process',
    intervalMs: 5000,
    top: undefined,
    sort: 'watts',
    once: false,
  });
  assert.deepEqual(parseTopOptions({ address: 'http://node1:28282/', level: 'pod', interval: '2s', top: '7', sort: 'joules', once: true }), {
    address: 'http://node1:28282',
    level: 'pod',
    intervalMs: 2000,
    top: 7,
    sort: 'joules',
    once: true,
  });
});

test('bad flags are PP_INVALID_FLAG naming the flag', () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ address: 'not a url' }, '--address'],
    [{ address: 'ftp://x' }, '--address'],
    [{ level: 'cluster' }, '--level'],
    [{ interval: 'soon' }, '--interval'],
    [{ interval: '10ms' }, '--interval'],
    [{ top: '0' }, '--top'],
    [{ top: '2.5' }, '--top'],
    [{ sort: 'cpu' }, '--sort'],
  ];
  for (const [raw, flag] of cases) {
    assert.throws(
      () => parseTopOptions(raw),
      (err: unknown) => ERR_INVALID_FLAG.is(err) && err.details.flag === flag && err.exitCode === 2,
      flag,
    );
  }
});
