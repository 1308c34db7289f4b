// The pure stages of a refresh: CPU interval, zone health and zone accounting, workload grouping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpuInterval } from './frame.js';
import { zoneHealth, ZoneAccounts } from './zones.js';
import { groupWorkloads } from './grouping.js';
import { NO_GPU_WATTS } from './gpu-accounting.js';
import type { ProcessEntry } from '../procfs/scanner.js';
import type { PodRef, PodResolver } from '../pods/types.js';

function proc(pid: number, deltaTicks: number, extra: Partial<ProcessEntry> = {}): ProcessEntry {
  return {
    pid,
    key: `${pid}:1`,
    startTime: 1,
    comm: `p${pid}`,
    exe: '',
    cmdline: '',
    cpuTicks: deltaTicks,
    deltaTicks,
    seen: 1,
    meta: undefined,
    ...extra,
  };
}

test('cpuInterval: no interval for the first refresh; busy ratio, Σ ticks and CPU ms per second after', () => {
  const procs = [proc(1, 30), proc(2, 20)];
  const first = cpuInterval(undefined, { total: 1000, idle: 500 }, procs, 5000, 100);
  assert.deepEqual([first.busy, first.intervalSeconds, first.totalTicks, first.cpuMsPerSecond], [0, 0, 50, 0]);
  const next = cpuInterval({ cpu: { total: 1000, idle: 500 }, time: 5000, cpuMsPerSecond: 7 }, { total: 1400, idle: 800 }, procs, 7000, 100);
  assert.equal(next.busy, 0.25);
  assert.equal(next.intervalSeconds, 2);
  // 50 ticks of 10 ms over 2 s
  assert.equal(next.cpuMsPerSecond, 250);
  assert.equal(next.features.bpf_cpu_time_ms_prev, 7);
  assert.equal(
    cpuInterval({ cpu: { total: 0, idle: 0 }, time: 9000, cpuMsPerSecond: 0 }, { total: 0, idle: 0 }, procs, 8000, 100).intervalMs,
    0,
    'a clock going back is no negative interval',
  );
});

test('zoneHealth: a read failure takes the zone down; an implausible jump is a gap with the zone up', () => {
  const z = { zone: 'package', path: '/p' };
  assert.deepEqual(zoneHealth(z, [], []), { up: true, gap: false });
  assert.deepEqual(zoneHealth(z, [], ['/p']), { up: true, gap: true });
  assert.deepEqual(zoneHealth(z, [{ path: '/p', reason: 'unreadable', message: 'EACCES' }], []), {
    up: false,
    gap: true,
    failure: { reason: 'unreadable', message: 'EACCES' },
  });
  assert.equal(zoneHealth(z, [{ path: 'package', reason: 'implausible', message: 'x' }], []).up, true);
});

test('ZoneAccounts.add: deltas split by the busy ratio, totals cumulative, unknown zones ignored, dropped counted by name', () => {
  const zones = new ZoneAccounts([
    { zone: 'package', path: '/p', nested: false },
    { zone: 'dram', path: '/d', nested: false },
  ]);
  const dropped = new Map<string, number>();
  const e = zones.add(
    {
      zones: [
        { zone: 'package', path: '/p', deltaMicroJoules: 1001 },
        { zone: 'x', path: '/x', deltaMicroJoules: 5 },
      ],
      dropped: ['/d'],
    },
    0.5,
    dropped,
  );
  assert.deepEqual(e, { active: [501, 0], idle: [500, 0] });
  zones.add({ zones: [{ zone: 'package', path: '/p', deltaMicroJoules: 10 }], dropped: [] }, 1, dropped);
  const [p, d] = zones.states();
  assert.deepEqual([p.totalUj, p.activeUj, p.idleUj, p.deltaUj], [1011, 511, 500, 10]);
  assert.equal(d.totalUj, 0);
  assert.deepEqual([...dropped], [['dram', 1]]);
});

test('groupWorkloads: containers and VMs from their processes, pods from containers, with ticks, GPU watts and requests', () => {
  const c1 = { id: 'a'.repeat(64), runtime: 'containerd' as const };
  const c2 = { id: 'b'.repeat(64), runtime: 'crio' as const };
  const pods: PodResolver = {
    source: 'test',
    lookup: (id: string): PodRef | undefined =>
      id === c1.id ? { uid: 'u1', name: 'web-0', namespace: 'shop', containerName: 'web', cpuRequestMilli: 250 } : undefined,
    start: async () => {},
    stop: async () => {},
  };
  const procs = [
    proc(1, 5),
    proc(2, 10, { container: c1 }),
    proc(3, 20, { container: c1 }),
    proc(4, 7, { container: c2, containerName: 'env-name' }),
    proc(5, 3, { vm: { id: 'vm-1', name: 'guest', hypervisor: 'kvm' } }),
  ];
  const gpu = { active: new Map([[3, 40]]), idle: new Map([[3, 10]]) };
  const g = groupWorkloads(procs, gpu, pods);
  assert.deepEqual(
    g.container.map((c) => [c.meta.name, c.ticks, c.gpuWatts, c.gpuIdleWatts, c.requestMilli, c.meta.podName ?? null]),
    [
      ['web', 30, 40, 10, 250, 'web-0'],
      ['env-name', 7, 0, 0, 0, null],
    ],
  );
  assert.deepEqual(
    g.pod.map((p) => [p.key, p.ticks, p.gpuWatts, p.requestMilli]),
    [['u1', 30, 40, 250]],
  );
  assert.deepEqual(
    g.vm.map((v) => [v.key, v.ticks, v.meta.hypervisor]),
    [['vm-1', 3, 'kvm']],
  );
  assert.equal(g.withoutPod, 1);
  assert.equal(groupWorkloads(procs, NO_GPU_WATTS, undefined).pod.length, 0, 'without a pod source no container has a pod');
});
