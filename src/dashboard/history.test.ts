import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeView, WorkloadView } from '../core/contracts.js';
import { ChartHistory, toHistoryPoint } from './history.js';

function node(t: number, pkg: number, dram?: number): NodeView {
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
    intervalSeconds: 5,
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
  const h = new ChartHistory({ length: 3, topPerLevel: 5 });
  h.record(node(1, 10), {});
  h.record(node(2, 20, 2), {});
  const n = h.node();
  assert.deepEqual(n.timestamps, [1, 2]);
  assert.deepEqual(n.watts, [10, 22]);
  assert.deepEqual(n.busyRatio, [0.25, 0.25]);
  assert.deepEqual(n.zones, [
    { zone: 'package', path: '/sys/class/powercap/intel-rapl:0', watts: [10, 20] },
    { zone: 'dram', path: '/sys/class/powercap/intel-rapl:0:0', watts: [null, 2] },
  ]);
});

test('is bounded: old points and the workloads only they name are dropped', () => {
  const h = new ChartHistory({ length: 2, topPerLevel: 1 });
  h.record(node(1, 10), { process: [proc('a', 5)] });
  h.record(node(2, 10), { process: [proc('b', 6)] });
  assert.ok(h.hasWorkload('process', 'a'));
  h.record(node(3, 10), { process: [proc('b', 4), proc('c', 1)] });
  assert.equal(h.length, 2);
  assert.equal(h.hasWorkload('process', 'a'), false);
  assert.equal(h.hasWorkload('process', 'c'), false, 'not in the top 1');
  const w = h.workloads('process');
  assert.deepEqual(w.timestamps, [2, 3]);
  assert.deepEqual(w.series, [{ id: 'b', name: 'pb', watts: [6, 4] }]);
  assert.equal(h.latest()?.t, 3);
});

test('workload series: null gaps, one id, ordering by latest watts', () => {
  const h = new ChartHistory({ length: 10, topPerLevel: 2 });
  h.record(node(1, 10), { process: [proc('a', 5), proc('b', 1)] });
  h.record(node(2, 10), { process: [proc('b', 3), proc('c', 2)] });
  const all = h.workloads('process');
  assert.deepEqual(
    all.series.map((s) => s.id),
    ['b', 'c', 'a'],
  );
  assert.deepEqual(all.series.find((s) => s.id === 'a')!.watts, [5, null]);
  assert.deepEqual(h.workloads('process', 'c').series, [{ id: 'c', name: 'pc', watts: [null, 2] }]);
  assert.deepEqual(h.workloads('process', 'zz').series, []);
  assert.deepEqual(h.workloads('pod').series, []);
  assert.deepEqual(
    h.workloads('process', undefined, 1).series.map((s) => s.id),
    ['b'],
  );
});

test('served workload series are bounded however many workloads came and went', () => {
  const h = new ChartHistory({ length: 50, topPerLevel: 3 });
  for (let i = 0; i < 50; i++) h.record(node(i, 10), { process: [proc(`new-${i}`, 1), proc('steady', 9)] });
  const w = h.workloads('process');
  assert.equal(w.series.length, 6, 'twice the workloads recorded per refresh');
  assert.deepEqual(
    w.series.slice(0, 2).map((s) => s.id),
    ['steady', 'new-49'],
  );
});

test('workloads that swap places keep their own series', () => {
  const h = new ChartHistory({ length: 5, topPerLevel: 2 });
  h.record(node(1, 10), { process: [proc('a', 5), proc('b', 1)] });
  h.record(node(2, 10), { process: [proc('a', 1), proc('b', 5)] });
  h.record(node(3, 10), { process: [proc('b', 2), proc('c', 3)] });
  const w = h.workloads('process');
  assert.deepEqual(Object.fromEntries(w.series.map((s) => [s.id, s.watts])), { a: [5, 1, null], b: [1, 5, 2], c: [null, null, 3] });
  assert.deepEqual(h.latest()?.workloads, { process: { c: 3, b: 2 } });
});
