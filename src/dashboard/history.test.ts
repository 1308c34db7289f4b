import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeView, WorkloadView } from '../core/contracts.js';
import { AVERAGE_STEP_MS, ChartHistory, FULL_RESOLUTION_MS, tierSizes, toHistoryPoint } from './history.js';

function node(t: number, pkg: number, dram?: number, intervalSeconds = 5): NodeView {
  const zones = [
    {
      zone: 'package',
      path: '/sys/class/powercap/intel-rapl:0',
      joulesTotal: 0,
      activeJoulesTotal: 0,
      idleJoulesTotal: 0,
      watts: pkg,
      activeWatts: pkg / 2,
      idleWatts: pkg / 2,
    },
  ];
  if (dram !== undefined)
    zones.push({
      zone: 'dram',
      path: '/sys/class/powercap/intel-rapl:0:0',
      joulesTotal: 0,
      activeJoulesTotal: 0,
      idleJoulesTotal: 0,
      watts: dram,
      activeWatts: dram,
      idleWatts: 0,
    });
  const watts = pkg + (dram ?? 0);
  return {
    nodeName: 'n1',
    timestamp: t,
    intervalSeconds,
    meter: { name: 'rapl', estimated: false },
    zones,
    watts,
    activeWatts: watts / 2,
    idleWatts: watts / 2,
    busyRatio: 0.25,
    cpus: 4,
    gpus: [],
  };
}

function proc(id: string, watts: number): WorkloadView {
  return { level: 'process', id, name: `p${id}`, state: 'running', watts, joulesTotal: watts * 10, cpuSecondsTotal: 1, zones: {} };
}

test('toHistoryPoint keeps the top workloads per level by watts', () => {
  const p = toHistoryPoint(node(1000, 30, 5), { process: [proc('1', 1), proc('2', 7), proc('3', 3)] }, 2);
  assert.equal(p.t, 1000);
  assert.equal(p.watts, 35);
  assert.deepEqual(p.zones, { 'package\t/sys/class/powercap/intel-rapl:0': 30, 'dram\t/sys/class/powercap/intel-rapl:0:0': 5 });
  assert.deepEqual(p.workloads, { process: { '2': 7, '3': 3 } });
  assert.equal(p.platformWatts, null);
});

test('node columns align, with null where a zone is missing', () => {
  const h = new ChartHistory({ length: 3, topPerLevel: 5, intervalMs: 5000 });
  h.record(node(1, 10), {});
  h.record(node(2, 20, 2), {});
  const n = h.node();
  assert.deepEqual(n.timestamps, [1, 2]);
  assert.deepEqual(n.watts, [10, 22]);
  assert.deepEqual(n.busyRatio, [0.25, 0.25]);
  assert.deepEqual(n.zones, [
    { zone: 'package', path: '/sys/class/powercap/intel-rapl:0', watts: [10, 20], partial: [] },
    { zone: 'dram', path: '/sys/class/powercap/intel-rapl:0:0', watts: [null, 2], partial: [] },
  ]);
  assert.deepEqual(n.segments, [{ start: 0, end: 2, stepMs: 5000, averaged: false }]);
  assert.deepEqual(n.gaps, []);
});

test('is bounded: old points and the workloads only they name are dropped', () => {
  const h = new ChartHistory({ length: 2, topPerLevel: 1, intervalMs: 5000 });
  h.record(node(1, 10), { process: [proc('a', 5)] });
  h.record(node(2, 10), { process: [proc('b', 6)] });
  assert.ok(h.hasWorkload('process', 'a'));
  h.record(node(3, 10), { process: [proc('b', 4), proc('c', 1)] });
  assert.equal(h.length, 2);
  assert.equal(h.hasWorkload('process', 'a'), false);
  assert.equal(h.hasWorkload('process', 'c'), false, 'not in the top 1');
  const w = h.workloads('process');
  assert.deepEqual(w.timestamps, [2, 3]);
  assert.deepEqual(w.series, [{ id: 'b', name: 'pb', watts: [6, 4], partial: [] }]);
  assert.equal(h.latest()?.t, 3);
});

test('workload series: null gaps, one id, ordering by latest watts', () => {
  const h = new ChartHistory({ length: 10, topPerLevel: 2, intervalMs: 5000 });
  h.record(node(1, 10), { process: [proc('a', 5), proc('b', 1)] });
  h.record(node(2, 10), { process: [proc('b', 3), proc('c', 2)] });
  const all = h.workloads('process');
  assert.deepEqual(
    all.series.map((s) => s.id),
    ['b', 'c', 'a'],
  );
  assert.deepEqual(all.series.find((s) => s.id === 'a')!.watts, [5, null]);
  assert.deepEqual(h.workloads('process', 'c').series, [{ id: 'c', name: 'pc', watts: [null, 2], partial: [] }]);
  assert.deepEqual(h.workloads('process', 'zz').series, []);
  assert.deepEqual(h.workloads('pod').series, []);
  assert.deepEqual(
    h.workloads('process', undefined, 1).series.map((s) => s.id),
    ['b'],
  );
});

test('served workload series are bounded however many workloads came and went', () => {
  const h = new ChartHistory({ length: 50, topPerLevel: 3, intervalMs: 5000 });
  for (let i = 0; i < 50; i++) h.record(node(i, 10), { process: [proc(`new-${i}`, 1), proc('steady', 9)] });
  const w = h.workloads('process');
  assert.equal(w.series.length, 6, 'twice the workloads recorded per refresh');
  assert.deepEqual(
    w.series.slice(0, 2).map((s) => s.id),
    ['steady', 'new-49'],
  );
});

test('workloads that swap places keep their own series', () => {
  const h = new ChartHistory({ length: 5, topPerLevel: 2, intervalMs: 5000 });
  h.record(node(1, 10), { process: [proc('a', 5), proc('b', 1)] });
  h.record(node(2, 10), { process: [proc('a', 1), proc('b', 5)] });
  h.record(node(3, 10), { process: [proc('b', 2), proc('c', 3)] });
  const w = h.workloads('process');
  assert.deepEqual(Object.fromEntries(w.series.map((s) => [s.id, s.watts])), { a: [5, 1, null], b: [1, 5, 2], c: [null, null, 3] });
  assert.deepEqual(h.latest()?.workloads, { process: { c: 3, b: 2 } });
});

// Tiered history: at a 20 s interval the last hour is 180 refreshes and a minute holds 3.
const INTERVAL_MS = 20_000;
/** A minute boundary (ms since epoch). */
const T0 = 28_333_334 * AVERAGE_STEP_MS;
const MIN = AVERAGE_STEP_MS;

/** Records a refresh every 20 s in [from, to) with `watts(t)` on the package zone. */
function fill(h: ChartHistory, from: number, to: number, watts: (t: number) => number, skip: (t: number) => boolean = () => false): void {
  for (let t = from; t < to; t += INTERVAL_MS) if (!skip(t)) h.record(node(t, watts(t), undefined, 20), {});
}

test('tier sizes: the last hour at full resolution, the rest in 1-minute buckets', () => {
  assert.deepEqual(tierSizes(17_280, 5000), { fullResolution: 720, rawCapacity: 734, buckets: 1381 });
  assert.deepEqual(tierSizes(180, 5000), { fullResolution: 180, rawCapacity: 180, buckets: 0 }, 'short histories are not averaged');
  assert.deepEqual(tierSizes(500, 60_000), { fullResolution: 500, rawCapacity: 500, buckets: 0 }, 'a refresh per minute or slower is not averaged');
  assert.equal(tierSizes(17_280, 5000).fullResolution * 5000, FULL_RESOLUTION_MS);
});

test('averaged buckets are time-weighted means of their refreshes: the energy is kept', () => {
  const h = new ChartHistory({ length: 210, topPerLevel: 5, intervalMs: INTERVAL_MS });
  // The first minute: 10 W for 20 s, 20 W for 20 s, 40 W for 30 s (a longer interval), then steady 20 s refreshes.
  h.record(node(T0, 10, undefined, 20), {});
  h.record(node(T0 + 20_000, 20, undefined, 20), {});
  h.record(node(T0 + 50_000, 40, undefined, 30), {});
  fill(h, T0 + 70_000, T0 + 62 * MIN, () => 7);
  const n = h.node();
  assert.equal(n.timestamps[0], T0, 'stamped with the start of its minute');
  assert.equal(n.segments[0].averaged, true);
  const energy = 10 * 20 + 20 * 20 + 40 * 30;
  assert.ok(Math.abs(n.watts[0] * 70 - energy) < 1e-9, `mean ${n.watts[0]} W over 70 s keeps ${energy} J`);
  assert.ok(Math.abs(n.activeWatts[0] - energy / 2 / 70) < 1e-9);
  assert.ok(Math.abs(n.zones[0].watts[0]! - energy / 70) < 1e-9);
  assert.equal(n.busyRatio[0], 0.25);
  assert.equal(n.watts[1], 7, 'a steady minute averages to its value');
  assert.deepEqual(n.gaps, []);
});

test('gaps stay gaps: a minute without refreshes has no bucket, a bucket with missed refreshes is marked', () => {
  const h = new ChartHistory({ length: 210, topPerLevel: 5, intervalMs: INTERVAL_MS });
  const minuteOf = (t: number) => Math.floor((t - T0) / MIN);
  // Nothing recorded in minute 2; minute 4 misses its refresh at +20 s; the full-resolution hour misses one refresh.
  const missed = (t: number) => minuteOf(t) === 2 || t === T0 + 4 * MIN + 20_000 || t === T0 + 40 * MIN;
  fill(h, T0, T0 + 70 * MIN, (t) => 10 + minuteOf(t), missed);
  const n = h.node();
  const avg = n.segments.find((s) => s.averaged)!;
  const buckets = n.timestamps.slice(avg.start, avg.end);
  assert.deepEqual(
    buckets.slice(0, 5).map((t) => (t - T0) / MIN),
    [0, 1, 3, 4, 5],
    'no invented bucket for minute 2',
  );
  assert.deepEqual(n.watts.slice(0, 5), [10, 11, 13, 14, 15], 'the means of the refreshes there were, not interpolated');
  const raw = n.segments.find((s) => !s.averaged)!;
  const rawGap = n.timestamps.indexOf(T0 + 40 * MIN + 20_000);
  assert.ok(rawGap >= raw.start);
  assert.deepEqual(n.gaps, [2, 3, rawGap], 'the bucket after the empty minute, the bucket with a missed refresh, the refresh after a missed one');
});

test('partial buckets: a zone or workload missing at some of a minute’s refreshes is averaged over the rest and marked', () => {
  const h = new ChartHistory({ length: 210, topPerLevel: 1, intervalMs: INTERVAL_MS });
  // Minute 0: dram has a reading at 2 of 3 refreshes; process x is the top at 1 of 3, y at the other 2.
  h.record(node(T0, 10, 3, 20), { process: [proc('x', 9), proc('y', 1)] });
  h.record(node(T0 + 20_000, 10, 5, 20), { process: [proc('y', 4)] });
  h.record(node(T0 + 40_000, 10, undefined, 20), { process: [proc('y', 6)] });
  fill(h, T0 + MIN, T0 + 62 * MIN, () => 10);
  const n = h.node();
  const dram = n.zones.find((z) => z.zone === 'dram')!;
  assert.equal(dram.watts[0], 4, 'mean of the readings it had');
  assert.deepEqual(dram.partial, [0]);
  assert.equal(dram.watts[1], null, 'no reading in minute 1: null, not carried over');
  assert.deepEqual(n.zones.find((z) => z.zone === 'package')!.partial, []);
  // The bucket keeps its top 1 by energy: y (4 W × 20 s + 6 W × 20 s = 200 J) over x (9 W × 20 s = 180 J).
  const w = h.workloads('process');
  const y = w.series.find((s) => s.id === 'y')!;
  assert.equal(y.watts[0], 5, 'the mean of the refreshes where y was in the top');
  assert.deepEqual(y.partial, [0], 'y was outside the top at one of them');
  assert.equal(h.hasWorkload('process', 'x'), false, 'x is in no bucket and no retained refresh');
  assert.deepEqual(w.segments, n.segments);
});

test('a workload outside the top at some refreshes of a bucket is marked partial', () => {
  const h = new ChartHistory({ length: 210, topPerLevel: 2, intervalMs: INTERVAL_MS });
  h.record(node(T0, 10, undefined, 20), { process: [proc('a', 2), proc('b', 8)] });
  h.record(node(T0 + 20_000, 10, undefined, 20), { process: [proc('a', 4)] });
  h.record(node(T0 + 40_000, 10, undefined, 20), { process: [proc('a', 6)] });
  fill(h, T0 + MIN, T0 + 62 * MIN, () => 10);
  const w = h.workloads('process');
  assert.deepEqual(
    w.series.map((s) => [s.id, s.watts[0], s.partial]),
    [
      ['a', 4, []],
      ['b', 8, [0]],
    ],
  );
});

test('tier boundary: whole minutes move, the full-resolution part always covers the last hour', () => {
  const h = new ChartHistory({ length: 210, topPerLevel: 5, intervalMs: INTERVAL_MS });
  for (let t = T0; t < T0 + 75 * MIN; t += INTERVAL_MS) {
    h.record(node(t, 10, undefined, 20), {});
    const n = h.node();
    const raw = n.segments.find((s) => !s.averaged)!;
    const s = h.stats();
    assert.ok(s.fullResolutionPoints >= Math.min(180, n.timestamps.length) && s.fullResolutionPoints <= 183, String(s.fullResolutionPoints));
    assert.equal(n.timestamps[raw.end - 1] - n.timestamps[raw.start], (raw.end - raw.start - 1) * INTERVAL_MS);
    if (raw.start > 0) {
      assert.deepEqual(n.segments, [
        { start: 0, end: raw.start, stepMs: MIN, averaged: true },
        { start: raw.start, end: n.timestamps.length, stepMs: INTERVAL_MS, averaged: false },
      ]);
      assert.ok(n.timestamps[raw.start - 1] + MIN <= n.timestamps[raw.start], 'the boundary falls between minutes');
      assert.equal(n.timestamps[raw.start] % MIN, 0, 'the full-resolution part starts at a minute');
    }
  }
});

test('ring wrap-around: the oldest buckets go, the newest stay in order with their own values', () => {
  const h = new ChartHistory({ length: 210, topPerLevel: 5, intervalMs: INTERVAL_MS });
  const minuteOf = (t: number) => Math.floor((t - T0) / MIN);
  fill(h, T0, T0 + 3 * 70 * MIN, (t) => minuteOf(t));
  const n = h.node();
  const s = h.stats();
  assert.equal(s.averagedBuckets, s.bucketCapacity);
  assert.equal(s.bucketCapacity, 11);
  for (let i = 1; i < n.timestamps.length; i++) assert.ok(n.timestamps[i] > n.timestamps[i - 1]);
  const avg = n.segments[0];
  for (let i = avg.start; i < avg.end; i++) assert.equal(n.watts[i], minuteOf(n.timestamps[i]));
  assert.equal(n.timestamps[avg.end - 1] - n.timestamps[0], 10 * MIN, 'eleven consecutive minutes');
  assert.equal(n.timestamps[avg.end - 1] + MIN, n.timestamps[avg.end]);
});

test('memory is bounded structurally: fixed typed-array columns, workloads only while referenced', () => {
  const h = new ChartHistory({ length: 210, topPerLevel: 3, intervalMs: INTERVAL_MS });
  const churn = (i: number) => ({ process: [proc(`new-${i}`, 1 + (i % 5)), proc('steady', 9), proc(`other-${i % 7}`, 2)] });
  let i = 0;
  const run = (to: number) => {
    for (; T0 + i * INTERVAL_MS < to; i++) h.record(node(T0 + i * INTERVAL_MS, 10, undefined, 20), churn(i));
  };
  run(T0 + 80 * MIN);
  const first = h.stats();
  run(T0 + 300 * MIN);
  const later = h.stats();
  assert.equal(later.columnBytes, first.columnBytes, 'columns are allocated once');
  // 1 zone column + 4 levels × 11 buckets × 3 cells × (4 + 8 + 1) bytes + 11 × (6 × 8 + 2) bytes of node columns.
  assert.equal(later.columnBytes, 11 * (6 * 8 + 2) + 11 * 9 + 4 * 11 * 3 * 13);
  // Workloads held: at most those of the retained refreshes (3 each) and buckets (3 each).
  assert.ok(later.workloads <= 183 * 3 + 11 * 3, String(later.workloads));
  assert.ok(later.workloadSlots <= first.workloadSlots + 3, 'freed slots are reused');
  assert.ok(h.length <= 183 + 11);
});

test('a day at 5 s: 720 full-resolution refreshes and 1-minute buckets in under 2 MiB of columns', () => {
  const h = new ChartHistory({ length: 17_280, topPerLevel: 25, intervalMs: 5000 });
  for (let t = T0; t < T0 + 62 * MIN; t += 5000) h.record(node(t, 30, 5), { process: [proc('a', 3)] });
  const s = h.stats();
  assert.equal(s.bucketCapacity, 1381);
  assert.equal(s.fullResolutionPoints, 720);
  assert.equal(s.averagedBuckets, 2);
  // Node columns, 2 zone columns, 4 levels × 25 workload cells per bucket.
  assert.equal(s.columnBytes, 1381 * (6 * 8 + 2) + 2 * 1381 * 9 + 4 * 1381 * 25 * 13);
  assert.ok(s.columnBytes < 2 * 2 ** 20);
});

test('refreshes faster than the configured interval still fit: whole minutes fold when the ring is full', () => {
  const h = new ChartHistory({ length: 210, topPerLevel: 5, intervalMs: INTERVAL_MS });
  for (let t = T0; t < T0 + 30 * MIN; t += 1000) h.record(node(t, 10, undefined, 1), {});
  const s = h.stats();
  assert.ok(s.fullResolutionPoints <= tierSizes(210, INTERVAL_MS).rawCapacity);
  assert.ok(s.averagedBuckets <= s.bucketCapacity);
  const n = h.node();
  for (let i = 1; i < n.timestamps.length; i++) assert.ok(n.timestamps[i] > n.timestamps[i - 1]);
  assert.ok(n.watts.every((w) => w === 10));
});
