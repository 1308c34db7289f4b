import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsv, parseCsvDataset, parseNumberCell } from './csv.js';
import { ERR_MALFORMED_FILE } from '../../core/errors.js';

test('parses quoted fields, doubled quotes, CRLF and blank lines with line numbers', () => {
  const t = parseCsv('a,b,c\r\n1,"x, ""y""",3\r\n\r\n4,"multi\nline",6\n', 'f.csv');
  assert.deepEqual(t.header, ['a', 'b', 'c']);
  assert.deepEqual(t.rows[0].cells, ['1', 'x, "y"', '3']);
  assert.equal(t.rows[0].line, 2);
  assert.equal(t.rows[1].line, 4);
  assert.deepEqual(t.rows[1].cells[1], 'multi\nline');
});

test('errors name the path and line', () => {
  assert.throws(
    () => parseCsv('a,b\n1,2\n3\n', 'data.csv'),
    (e) => ERR_MALFORMED_FILE.is(e) && e.details.line === 3 && e.details.path === 'data.csv',
  );
  assert.throws(
    () => parseCsv('a,b\n"1,2\n', 'data.csv'),
    (e) => ERR_MALFORMED_FILE.is(e) && e.details.line === 2,
  );
  assert.throws(
    () => parseCsv('', 'empty.csv'),
    (e) => ERR_MALFORMED_FILE.is(e),
  );
});

test('numbers: decimal comma only in quoted cells when asked', () => {
  assert.equal(parseNumberCell('57,88', true, true), 57.88);
  assert.ok(Number.isNaN(parseNumberCell('57,88', true, false)));
  assert.equal(parseNumberCell(' 1e3 ', false), 1000);
  assert.ok(Number.isNaN(parseNumberCell('N/A', false)));
  assert.ok(Number.isNaN(parseNumberCell('', false)));
});

test('parseCsvDataset selects features (group or list) and targets by name', () => {
  const text = 'ts,bpf_cpu_time_ms,bpf_page_cache_hit,watts,node\n1,100,5,50,a\n2,200,6,60,b\n';
  const d = parseCsvDataset(text, { features: 'BPFOnly', target: 'watts', groupColumn: 'node', path: 'x.csv' });
  assert.deepEqual(d.features, ['bpf_cpu_time_ms', 'bpf_page_cache_hit']);
  assert.deepEqual(d.components, ['watts']);
  assert.deepEqual(d.X, [
    [100, 5],
    [200, 6],
  ]);
  assert.deepEqual(d.Y, [[50], [60]]);
  assert.deepEqual(d.groups, ['a', 'b']);
  assert.throws(
    () => parseCsvDataset(text, { features: ['nope'], target: 'watts', path: 'x.csv' }),
    (e) => ERR_MALFORMED_FILE.is(e) && e.details.field === 'nope',
  );
  assert.throws(
    () => parseCsvDataset('a,w\n1,2\nx,3\n', { features: ['a'], target: 'w', path: 'y.csv' }),
    (e) => ERR_MALFORMED_FILE.is(e) && e.details.line === 3 && e.details.field === 'a',
  );
});
