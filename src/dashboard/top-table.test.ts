import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderTopTable, sortWorkloads, formatWatts, formatJoules } from './top-table.js';
import { stubNode, stubWorkload } from '../../test/dashboard/stub-agent.js';
import type { WorkloadsResponse } from '../core/contracts.js';

const wl: WorkloadsResponse = {
  level: 'container',
  timestamp: 0,
  total: 3,
  items: [
    stubWorkload('container', 'c1', 'api', 2, { namespace: 'shop', podName: 'api-7d9', joulesTotal: 5000 }),
    stubWorkload('container', 'c2', 'db', 9, { namespace: 'shop', podName: 'db-0', joulesTotal: 100 }),
    stubWorkload('container', 'c3', 'evil\x1b[2Jname', 1),
  ],
};

test('header names the meter and says estimated plainly', () => {
  const n = stubNode(Date.UTC(2026, 0, 1, 12, 0, 5), 30, 4);
  const lines = renderTopTable(n, wl, { width: 100, rows: 10, sort: 'watts' });
  assert.match(lines[0], /^stub-node {2}34\.00 W measured by rapl {2}at 12:00:05Z$/);
  assert.match(lines[2], /zones: package 30\.00 W {2}dram 4\.00 W/);
  const est = { ...n, meter: { name: 'model', estimated: true, model: 'ccf:intel' } };
  assert.match(renderTopTable(est, wl, { width: 100, rows: 10, sort: 'watts' })[0], /ESTIMATED by model \(ccf:intel\)/);
});

test('rows sorted by watts or joules, cut to rows and width, control characters removed', () => {
  const lines = renderTopTable(stubNode(0, 1, 1), wl, { width: 80, rows: 2, sort: 'watts' });
  const table = lines.slice(lines.findIndex((l) => l.includes('W NOW')) + 1);
  assert.equal(table.length, 2);
  assert.match(table[0], /^\s+9\.00\s.*db\s+shop\/db-0$/);
  assert.match(table[1], /^\s+2\.00\s/);
  for (const l of lines) assert.ok(l.length <= 80, l);
  const byJoules = renderTopTable(undefined, wl, { width: 80, rows: 5, sort: 'joules' });
  assert.equal(byJoules[0], 'no node snapshot yet');
  const rows = byJoules.slice(byJoules.findIndex((l) => l.includes('W NOW')) + 1);
  assert.match(rows[0], /5\.00k/);
  assert.ok(!byJoules.join('\n').includes('\x1b'), 'no escape codes from workload names');
  assert.deepEqual(
    sortWorkloads(wl.items, 'joules').map((w) => w.id),
    ['c1', 'c2', 'c3'],
  );
});

test('empty pod level explains why', () => {
  const lines = renderTopTable(stubNode(0, 1, 1), { level: 'pod', timestamp: 0, total: 0, items: [] }, { width: 120, rows: 5, sort: 'watts' });
  assert.match(lines.at(-1)!, /pods need --kube\.enable/);
});

test('number formats', () => {
  assert.equal(formatWatts(3.14159), '3.14');
  assert.equal(formatWatts(123.4), '123');
  assert.equal(formatJoules(12.34), '12.3');
  assert.equal(formatJoules(12345), '12.35k');
  assert.equal(formatJoules(2.5e6), '2.50M');
});
