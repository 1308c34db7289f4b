import { test } from 'node:test';
import assert from 'node:assert/strict';
// The dashboard's pure browser modules, loaded as the browser loads them (plain ES modules).
// @ts-expect-error: plain JavaScript served to the browser, without type declarations
import { zeroBasedRange } from './static/scales.js';
// @ts-expect-error: plain JavaScript served to the browser, without type declarations
import { whereText } from './static/where.js';
// @ts-expect-error: plain JavaScript served to the browser, without type declarations
import { bestOfRuns, inUse, noPlotText } from './static/models.js';
// @ts-expect-error: plain JavaScript served to the browser, without type declarations
import { budgetLine, meterFractions, recommendationText } from './static/capping-logic.js';
// @ts-expect-error: plain JavaScript served to the browser, without type declarations
import { chartColumns, resolutionText, stepText } from './static/history-view.js';

test('power charts start at 0: 7.61–7.625 W is drawn from 0 W, not magnified', () => {
  const [lo, hi] = zeroBasedRange(7.61, 7.625) as [number, number];
  assert.equal(lo, 0);
  assert.ok(hi > 7.625 && hi < 9, String(hi));
  assert.deepEqual(zeroBasedRange(null, null), [0, 1]);
  assert.deepEqual(zeroBasedRange(0, 0), [0, 1]);
  assert.equal((zeroBasedRange(-2, 5) as number[])[0], -2);
});

test('where: pid, executable and container for processes; pod and runtime for containers', () => {
  assert.equal(whereText({ level: 'process', id: '42', pid: 42, exe: '/usr/bin/node' }), 'pid 42 · /usr/bin/node · host');
  assert.equal(
    whereText({ level: 'process', id: '42', pid: 42, exe: '/usr/bin/node', cmdline: 'node --import tsx x.ts' }),
    'pid 42 · node --import tsx x.ts · host',
  );
  assert.equal(whereText({ level: 'process', id: '7', pid: 7, containerId: 'abcdef0123456789' }), 'pid 7 · container abcdef012345');
  assert.equal(
    whereText({ level: 'container', id: 'c', namespace: 'load', podName: 'stress-7d9f', runtime: 'containerd' }),
    'load / stress-7d9f · containerd',
  );
  assert.equal(whereText({ level: 'container', id: 'c', runtime: 'docker' }), 'no pod · docker');
  assert.equal(whereText({ level: 'pod', id: 'u', namespace: 'default' }), 'default');
  assert.equal(whereText({ level: 'vm', id: 'v', runtime: 'qemu' }), 'qemu');
});

const acc = (mae: number, mape = 1) => ({ mae, mape, r2: 0.9, samples: 10, folds: 5 });

test('models: the best of each run (same group, same created time) by MAE; imported models are in no run', () => {
  const models = [
    { id: 'p/acpi/AbsPower/BPFOnly/a', created: 't1', accuracy: acc(3) },
    { id: 'p/acpi/AbsPower/BPFOnly/b', created: 't1', accuracy: acc(2) },
    { id: 'p/acpi/AbsPower/BPFOnly/c', created: 't2', accuracy: acc(5) },
    { id: 'p/rapl/AbsPower/BPFOnly/d', created: 't1', accuracy: acc(9) },
    { id: 'p/rapl/AbsPower/BPFOnly/e', created: 't1', accuracy: null },
  ];
  assert.deepEqual([...bestOfRuns(models)].sort(), ['p/acpi/AbsPower/BPFOnly/b', 'p/acpi/AbsPower/BPFOnly/c', 'p/rapl/AbsPower/BPFOnly/d']);
  assert.match(noPlotText(models[0], false), /only with the best model of its run/);
  assert.match(noPlotText(models[4], false), /imported/);
  assert.equal(inUse(models[1], { estimated: true, model: 'server:p/acpi/AbsPower/BPFOnly/b' }), true);
  assert.equal(inUse(models[1], { estimated: true, model: 'ccf:generic(2 vCPU)' }), false);
  assert.equal(inUse(models[1], undefined), false);
});

test('capping: budget vs current in words and on a track that shows an overshoot; recommendations in words', () => {
  const p = { namespace: 'llm', name: 'cap', mode: 'Enforce', conditions: {}, targets: [], lastActions: [] };
  assert.equal(budgetLine(p), 'no budget resolved yet (the operator has not evaluated this policy)');
  assert.equal(budgetLine({ ...p, budgetWatts: 900 }), 'budget 900 W; no power data for the targets');
  assert.equal(budgetLine({ ...p, budgetWatts: 400, currentWatts: 300 }), '300 W of 400 W (75 %)');
  assert.equal(meterFractions({ ...p, budgetWatts: 900 }), null);
  assert.deepEqual(meterFractions({ ...p, budgetWatts: 400, currentWatts: 300 }), { current: 0.75, budget: 1 });
  // Over budget: the track spans the current power, the budget mark sits at a third of it.
  assert.deepEqual(meterFractions({ ...p, budgetWatts: 400, currentWatts: 1200 }), { current: 1, budget: 1 / 3 });
  assert.equal(
    recommendationText({ recommendation: { maxReplicas: 1, evict: ['p1'], migrate: ['p2', 'p3'] } }),
    'max 1 replica; evict p1; move p2, p3',
  );
  assert.equal(recommendationText({}), 'none');
});

test('history charts: a line break before each gap, partial marks moved with it, the resolution in words', () => {
  const r = chartColumns([60_000, 120_000, 240_000, 245_000], [[1, 2, 3, null]], [2], [[1, 2]]);
  assert.deepEqual(r.x, [60, 120, 180, 240, 245]);
  assert.deepEqual(r.columns, [[1, 2, null, 3, null]]);
  assert.deepEqual(r.partial, [[1, 3]]);
  assert.deepEqual(chartColumns([1000], [[5]], [0]).x, [1], 'no break before the first point');
  const segments = [
    { start: 0, end: 2, stepMs: 60_000, averaged: true },
    { start: 2, end: 4, stepMs: 5000, averaged: false },
  ];
  const time = (ms: number) => `t${ms / 1000}`;
  assert.equal(
    resolutionText(segments, [0, 60_000, 120_000, 125_000], time),
    '1-min averages (time-weighted) until t120, then one point per 5-s refresh',
  );
  assert.equal(resolutionText(segments.slice(1), [0, 0, 0], time), 'One point per 5-s refresh');
  assert.equal(resolutionText([], [], time), '');
  assert.equal(stepText(2500), '2.5-s');
});
