import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentMonitor, type MonitorOptions } from './monitor.js';
import { ScriptedMeter } from '../../../test/helpers/agent/test-meter.js';
import { ProcScanner } from '../procfs/scanner.js';
import { ProcfsFixture, containerCgroup, fixtureContainerId } from '../../../test/helpers/agent/procfs-fixtures.js';
import { silentLogger } from '../../core/logger.js';
import type { PodResolver, PodRef } from '../pods/types.js';
import type { AgentSnapshot } from './snapshot.js';
import type { NodeMeter } from '../types.js';
import { createRaplMeter } from '../meters/rapl.js';
import { buildPowercapTree, setZoneEnergy } from '../../../test/helpers/agent/meter-fixtures.js';
import { renderMetrics } from '../export/prometheus.js';

const ZONES = [
  { zone: 'package', path: '/sys/class/powercap/intel-rapl:0', nested: false },
  { zone: 'core', path: '/sys/class/powercap/intel-rapl:0:0', nested: true },
  { zone: 'dram', path: '/sys/class/powercap/intel-rapl:0:1', nested: false },
];
const C1 = fixtureContainerId(1);
const C2 = fixtureContainerId(2);

class MapPods implements PodResolver {
  readonly source = 'test';
  constructor(private readonly m: Map<string, PodRef>) {}
  lookup(id: string) {
    return this.m.get(id);
  }
  async start() {}
  async stop() {}
}

function setup(meter: NodeMeter, extra: Partial<MonitorOptions> = {}) {
  const fx = new ProcfsFixture();
  fx.add({ pid: 100, comm: 'host-proc', utime: 10, stime: 0 })
    .add({ pid: 200, comm: 'web', utime: 10, stime: 0, cgroup: containerCgroup(C1, 'containerd') })
    .add({ pid: 201, comm: 'web-worker', utime: 10, stime: 0, cgroup: containerCgroup(C1, 'containerd') })
    .add({ pid: 300, comm: 'db', utime: 10, stime: 0, cgroup: containerCgroup(C2, 'crio') })
    .add({ pid: 400, comm: 'qemu-system-x86', utime: 10, stime: 0, cmdline: ['/usr/bin/qemu-system-x86_64', '-name', 'guest=vm1', '-uuid', 'u-1'] })
    .write();
  let t = 1_000_000;
  const pods = new MapPods(
    new Map([
      [C1, { uid: 'pod-a', name: 'web-0', namespace: 'shop', containerName: 'web', cpuRequestMilli: 300 }],
      [C2, { uid: 'pod-b', name: 'db-0', namespace: 'shop', containerName: 'db', cpuRequestMilli: 100 }],
    ]),
  );
  const mon = new AgentMonitor({
    nodeName: 'n1',
    scanner: new ProcScanner(fx.root, { readExe: false }),
    meter,
    pods,
    clockTicks: 100,
    cpus: 4,
    idlePolicy: 'none',
    maxTerminated: 500,
    minTerminatedEnergyThreshold: 0,
    log: silentLogger(),
    now: () => t,
    ...extra,
  });
  return { fx, mon, tick: (ms: number) => (t += ms) };
}

const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
function byId(s: AgentSnapshot, level: 'process' | 'container' | 'pod' | 'vm', id: string) {
  const a = s.workloads[level].find((x) => x.meta.id === id);
  assert.ok(a, `${level} ${id}`);
  return a;
}

test('attribution: total = active + idle, Σ processes = node active exactly, each level by CPU share', async () => {
  const meter = new ScriptedMeter(ZONES, [10_000_003, 7_000_001, 2_000_000]);
  const { fx, mon, tick } = setup(meter);
  try {
    const s0 = await mon.refresh();
    assert.equal(s0.intervalSeconds, 0);
    assert.equal(sum(s0.zones.map((z) => z.totalUj)), 0);
    // 2 s: node 50% busy; pids 100:10, 200:30, 201:20, 300:15, 400:25 ticks (sum 100)
    fx.advance(100, 10).advance(200, 30).advance(201, 20).advance(300, 15).advance(400, 25).advanceNode(0, 100).write();
    tick(2000);
    const s = await mon.refresh();
    assert.equal(s.busyRatio, 0.5);
    assert.equal(s.intervalSeconds, 2);
    for (const [i, z] of s.zones.entries()) {
      assert.equal(z.totalUj, z.activeUj + z.idleUj);
      assert.equal(z.deltaUj, meter.deltas[i]);
      assert.equal(z.activeDeltaUj, Math.round(meter.deltas[i] * 0.5));
      assert.equal(sum(s.workloads.process.map((p) => p.energyUj[i])), z.activeUj, `Σ processes = node active in ${z.zone}`);
    }
    const pkgActive = s.zones[0].activeUj; // 5,000,002 (rounded half up of 5,000,001.5)
    assert.equal(byId(s, 'container', C1).energyUj[0], Math.round((pkgActive * 50) / 100));
    assert.equal(byId(s, 'container', C1).meta.podName, 'web-0');
    assert.equal(byId(s, 'pod', 'pod-a').energyUj[0], byId(s, 'container', C1).energyUj[0]);
    assert.equal(byId(s, 'vm', 'u-1').meta.name, 'vm1');
    assert.equal(byId(s, 'vm', 'u-1').energyUj[0], Math.round((pkgActive * 25) / 100));
    const containersAndRest = sum(s.workloads.container.map((c) => c.energyUj[0]));
    assert.ok(Math.abs(containersAndRest - (pkgActive * 65) / 100) <= 1);
    assert.equal(byId(s, 'process', '200').cpuSeconds, 0.4);
    assert.equal(byId(s, 'container', C1).cpuSeconds, 0.5);
    // the meter saw the interval's busy ratio and CPU time
    assert.equal(meter.contexts[1].busyRatio, 0.5);
    assert.equal(meter.contexts[1].features.bpf_cpu_time_ms, 500, '1,000 ms of CPU over a 2 s interval is 500 ms per second');
    assert.equal(meter.contexts[1].features.bpf_cpu_time_ms_prev, 0);
  } finally {
    fx.dispose();
  }
});

test('terminated workloads are kept with state=terminated until exported, within the cap and threshold', async () => {
  const meter = new ScriptedMeter(ZONES, [100_000_000, 0, 0]);
  const { fx, mon, tick } = setup(meter, { maxTerminated: 1, minTerminatedEnergyThreshold: 5 });
  try {
    await mon.refresh();
    fx.advance(200, 50).advance(201, 40).advance(300, 9).advance(100, 1).advanceNode(0, 0).write();
    tick(1000);
    await mon.refresh();
    // pid 201 (36 J of package) and 300 (9 J) exit; 100 keeps running
    fx.remove(201).remove(300).write();
    tick(1000);
    const s = await mon.refresh();
    const terminated = s.workloads.process.filter((p) => p.state === 'terminated');
    assert.deepEqual(
      terminated.map((p) => p.meta.id),
      ['201'],
      'cap 1 keeps the largest; both are above 5 J',
    );
    assert.equal(byId(s, 'container', C2).state, 'terminated');
    assert.equal(byId(s, 'pod', 'pod-b').state, 'terminated');
    // not exported yet: still there after another refresh
    tick(1000);
    let s2 = await mon.refresh();
    assert.equal(s2.workloads.process.filter((p) => p.state === 'terminated').length, 1);
    mon.markExported(s2.seq);
    tick(1000);
    s2 = await mon.refresh();
    assert.equal(s2.workloads.process.filter((p) => p.state === 'terminated').length, 0, 'dropped after a scrape exported it');
  } finally {
    fx.dispose();
  }
});

test('idle policies: cpu-share conserves node idle across processes; requests splits by pod CPU requests', async () => {
  for (const policy of ['cpu-share', 'requests'] as const) {
    const meter = new ScriptedMeter(ZONES, [8_000_000, 0, 1_000_001]);
    const { fx, mon, tick } = setup(meter, { idlePolicy: policy });
    try {
      await mon.refresh();
      fx.advance(200, 30).advance(300, 10).advanceNode(0, 160).write();
      tick(1000);
      const s = await mon.refresh();
      for (const [i, z] of s.zones.entries()) {
        if (policy === 'cpu-share') assert.equal(sum(s.workloads.process.map((p) => p.idleUj[i] ?? 0)), z.idleUj);
        else {
          assert.equal(sum(s.workloads.pod.map((p) => p.idleUj[i] ?? 0)), z.idleUj);
          assert.equal(byId(s, 'pod', 'pod-a').idleUj[i], Math.round((z.idleUj * 3) / 4));
          assert.deepEqual(byId(s, 'process', '200').idleUj, []);
        }
      }
    } finally {
      fx.dispose();
    }
  }
});

test('concurrent refreshes share one scan; fresh() reuses a young snapshot', async () => {
  const meter = new ScriptedMeter(ZONES, [1, 1, 1]);
  const { fx, mon, tick } = setup(meter);
  try {
    const [a, b] = await Promise.all([mon.refresh(), mon.refresh()]);
    assert.equal(a, b);
    assert.equal(meter.contexts.length, 1);
    tick(100);
    assert.equal(await mon.fresh(500), a);
    tick(500);
    assert.notEqual(await mon.fresh(500), a);
    assert.equal(meter.contexts.length, 2);
  } finally {
    fx.dispose();
  }
});

test('counters stay monotonic across a RAPL wrap and a dropped interval is counted', async () => {
  const sysfs = mkdtempSync(join(tmpdir(), 'pp-sysfs-'));
  try {
    const max = 1_000_000_000;
    await buildPowercapTree(sysfs, [{ dir: 'intel-rapl:0', name: 'package-0', energyUj: max - 3_000_000, maxEnergyRangeUj: max }]);
    let clock = 0;
    const meter = await createRaplMeter({ sysfs, now: () => clock });
    const { fx, mon, tick } = setup(meter, { now: () => clock });
    try {
      await mon.refresh();
      let prev = 0;
      const energies = [max - 1_000_000, 5_000_000, 9_000_000];
      for (const e of energies) {
        await setZoneEnergy(sysfs, 'intel-rapl:0', e);
        fx.advance(200, 10).advanceNode(0, 10).write();
        clock += 1000;
        tick(0);
        const s = await mon.refresh();
        const pkg = s.zones.find((z) => z.zone === 'package')!;
        assert.ok(pkg.totalUj >= prev, 'monotonic');
        assert.equal(pkg.totalUj, pkg.activeUj + pkg.idleUj);
        prev = pkg.totalUj;
      }
      assert.equal(prev, 2_000_000 + 6_000_000 + 4_000_000, 'the wrap adds (max − prev) + cur');
      // a counter reset far below: implausible, dropped and counted
      await setZoneEnergy(sysfs, 'intel-rapl:0', 10);
      fx.write();
      clock += 1;
      const s = await mon.refresh();
      assert.equal(s.zones[0].totalUj, prev);
      assert.deepEqual([...mon.counters.dropped], [['package', 1]]);
    } finally {
      fx.dispose();
    }
  } finally {
    rmSync(sysfs, { recursive: true, force: true });
  }
});

test('GPU energy per process rolls up to containers and pods; node GPU energy splits into active and idle', async () => {
  const meter = new ScriptedMeter(ZONES, [1_000_000, 0, 0]);
  let readings = {
    devices: [{ index: 0, uuid: 'GPU-0', name: 'H100', watts: 80 }],
    processes: [] as Array<{ pid: number; gpuIndex: number; smUtilization?: number }>,
  };
  const gpu = { source: 'test', read: async () => readings };
  const { fx, mon, tick } = setup(meter, { gpu });
  try {
    await mon.refresh(); // no GPU process: idle = 80 W
    readings = {
      devices: [{ index: 0, uuid: 'GPU-0', name: 'H100', watts: 280 }],
      processes: [
        { pid: 200, gpuIndex: 0, smUtilization: 0.75 },
        { pid: 300, gpuIndex: 0, smUtilization: 0.25 },
      ],
    };
    fx.advance(200, 10).write();
    tick(2000);
    const s = await mon.refresh();
    assert.deepEqual(
      s.gpus.map((g) => [g.watts, g.activeWatts, g.idleWatts, g.joulesTotal, g.activeJoulesTotal]),
      [[280, 200, 80, 560, 400]],
    );
    assert.equal(byId(s, 'process', '200').gpuWatts, 150);
    assert.equal(byId(s, 'process', '200').gpuUj, 300_000_000);
    assert.equal(byId(s, 'container', C1).gpuWatts, 150);
    assert.equal(byId(s, 'pod', 'pod-b').gpuWatts, 50);
  } finally {
    fx.dispose();
  }
});

test('a recycled pid is a new process: fresh counters, its own series, no exported counter decreases', async () => {
  const meter = new ScriptedMeter(ZONES, [10_000_000, 0, 0]);
  const { fx, mon, tick } = setup(meter);
  const exportOpts = {
    levels: new Set(['process']),
    idleFamilies: false,
    counters: mon.counters,
    cpuInfo: [],
    build: { version: 't', revision: 't', branch: '' },
  };
  const counterValues = (s: AgentSnapshot) => {
    const values = new Map<string, number>();
    for (const line of renderMetrics(s, exportOpts).split('\n')) {
      if (/^kepler_process_cpu_(joules|seconds)_total\{/.test(line))
        values.set(line.slice(0, line.lastIndexOf(' ')), Number(line.slice(line.lastIndexOf(' ') + 1)));
    }
    return values;
  };
  try {
    await mon.refresh();
    fx.advance(100, 50).advanceNode(0, 50).write();
    tick(1000);
    const before = await mon.refresh();
    const old = byId(before, 'process', '100');
    assert.equal(old.energyUj[0], 5_000_000, 'pid 100 had all the active energy');
    const seen = counterValues(before);
    mon.markExported(before.seq);
    // pid 100 exits and the kernel hands 100 to a new process with the same name (new start time, 5 ticks so far)
    fx.remove(100).write();
    fx.add({ pid: 100, comm: 'host-proc', utime: 5, stime: 0, startTime: 99_999 }).advance(200, 45).advanceNode(5, 50).write();
    tick(1000);
    const after = await mon.refresh();
    const both = after.workloads.process.filter((p) => p.meta.pid === 100);
    assert.deepEqual(both.map((p) => p.state).sort(), ['running', 'terminated']);
    const fresh = both.find((p) => p.state === 'running')!;
    assert.equal(fresh.energyUj[0], 500_000, 'the new process has only its own 5 of 50 ticks, not the old one’s 5 J');
    assert.equal(fresh.cpuSeconds, 0.05);
    assert.equal(both.find((p) => p.state === 'terminated')!.energyUj[0], 5_000_000, 'the old one keeps its final value');
    const now = counterValues(after);
    for (const [k, v] of now) {
      const b = seen.get(k);
      assert.ok(b === undefined || v >= b, `${k} went from ${b} to ${v}`);
    }
    assert.ok(
      [...now.keys()].some((k) => k.includes('pid="100"') && k.includes('start_time="99999"')),
      'the new process is its own series',
    );
  } finally {
    fx.dispose();
  }
});

test('a container that a scan missed and that comes back continues its counters', async () => {
  const meter = new ScriptedMeter(ZONES, [10_000_000, 0, 0]);
  const { fx, mon, tick } = setup(meter);
  try {
    await mon.refresh();
    fx.advance(300, 50).advanceNode(0, 50).write();
    tick(1000);
    const before = byId(await mon.refresh(), 'container', C2).energyUj[0];
    assert.ok(before > 0);
    const db = fx.get(300)!;
    fx.remove(300).write();
    tick(1000);
    assert.equal(byId(await mon.refresh(), 'container', C2).state, 'terminated');
    fx.add({ ...db, utime: db.utime + 10 })
      .advanceNode(10, 0)
      .write();
    tick(1000);
    const back = byId(await mon.refresh(), 'container', C2);
    assert.equal(back.state, 'running');
    assert.ok(back.energyUj[0] >= before, `${back.energyUj[0]} ≥ ${before}`);
  } finally {
    fx.dispose();
  }
});
