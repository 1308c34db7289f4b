// Meter outages on a fixture powercap tree, through the RAPL meter, the monitor and the Prometheus
// export: a package counter that is missing, unreadable (a directory where the file was; as root,
// chmod 000 does not block reads), garbage, or jumps by 1,500 J must never be exported as a watts
// spike, and the healthy dram zone must read its true power in every interval.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentMonitor } from './monitor.js';
import { createRaplMeter } from '../meters/rapl.js';
import { buildPowercapTree, setZoneEnergy } from '../../../test/helpers/agent/meter-fixtures.js';
import { ProcScanner } from '../procfs/scanner.js';
import { ProcfsFixture } from '../../../test/helpers/agent/procfs-fixtures.js';
import { renderMetrics } from '../export/prometheus.js';
import { silentLogger } from '../../core/logger.js';
import type { NodeMeter } from '../types.js';

const PACKAGE_WATTS = 20;
const DRAM_WATTS = 3;
/** The package zone advertises 35 W (constraint_0, long term) and 45 W (constraint_1, short term). */
const PACKAGE_LIMITS_UW = [35_000_000, 45_000_000];

/** One series' value in a Prometheus text body, or undefined when the series is absent. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && labels.split(',').every((kv) => l.includes(kv)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** A node with a 20 W package and a 3 W dram zone; `step` advances 1 s of real energy and refreshes. */
async function setup(t: { after: (fn: () => Promise<void>) => void }) {
  const dir = await mkdtemp(join(tmpdir(), 'pp-outage-'));
  const fx = new ProcfsFixture(join(dir, 'proc')).add({ pid: 100, comm: 'app', utime: 0, stime: 0 }).write();
  t.after(() => rm(dir, { recursive: true, force: true }));
  const sysfs = join(dir, 'sys');
  let pkg = 5_000_000_000;
  let dram = 1_000_000_000;
  await buildPowercapTree(sysfs, [
    { dir: 'intel-rapl:0', name: 'package-0', energyUj: pkg, constraintMaxPowerUw: PACKAGE_LIMITS_UW },
    { dir: 'intel-rapl:0:0', name: 'dram', energyUj: dram },
  ]);
  let clock = 1_000_000;
  const rapl = await createRaplMeter({ sysfs, now: () => clock });
  /** Set to make the next meter reads fail as a whole (a meter that throws). */
  const failing = { on: false };
  const meter: NodeMeter = {
    info: rapl.info,
    zones: () => rapl.zones(),
    read: (ctx) => (failing.on ? Promise.reject(new Error('meter gone')) : rapl.read(ctx)),
  };
  const mon = new AgentMonitor({
    nodeName: 'n1',
    scanner: new ProcScanner(fx.root, { readExe: false }),
    meter,
    clockTicks: 100,
    cpus: 1,
    idlePolicy: 'none',
    maxTerminated: 10,
    minTerminatedEnergyThreshold: 0,
    log: silentLogger(),
    now: () => clock,
  });
  const energyFile = join(sysfs, 'class', 'powercap', 'intel-rapl:0', 'energy_uj');
  /** What the package counter file shows while it is broken (undefined: the true counter). */
  let broken: (() => Promise<void>) | undefined;
  const exportOpts = {
    levels: new Set(['node', 'process']),
    idleFamilies: false,
    counters: mon.counters,
    cpuInfo: [],
    build: { version: 't', revision: 't', branch: '' },
  };
  return {
    energyFile,
    mon,
    failing,
    breakPackage(how: () => Promise<void>) {
      broken = how;
    },
    async repairPackage() {
      broken = undefined;
      await rm(energyFile, { recursive: true, force: true });
    },
    /** Adds `extraPkgUj` beyond the package's 20 W (a counter jump). */
    async step(extraPkgUj = 0) {
      clock += 1000;
      pkg += PACKAGE_WATTS * 1e6 + extraPkgUj;
      dram += DRAM_WATTS * 1e6;
      fx.advance(100, 50).advanceNode(0, 50).write();
      if (broken) await broken();
      else await setZoneEnergy(sysfs, 'intel-rapl:0', pkg);
      await setZoneEnergy(sysfs, 'intel-rapl:0:0', dram);
      const snap = await mon.refresh();
      mon.markExported(snap.seq);
      return renderMetrics(snap, exportOpts);
    },
  };
}

const OUTAGES: Array<[string, (file: string) => Promise<void>, string]> = [
  ['missing', (file) => rm(file, { recursive: true, force: true }), 'missing'],
  [
    'a directory in its place (unreadable)',
    async (file) => {
      await rm(file, { recursive: true, force: true });
      await mkdir(file, { recursive: true });
    },
    'unreadable',
  ],
  [
    'garbage',
    async (file) => {
      await rm(file, { recursive: true, force: true });
      await writeFile(file, 'x7\u0000garbage\n');
    },
    'garbage',
  ],
];

for (const [what, breakFile, reason] of OUTAGES) {
  test(`package energy_uj ${what} for 10 s: no spike when it returns, dram unaffected, the gap counted`, async (t) => {
    const node = await setup(t);
    await node.step();
    for (let i = 0; i < 3; i++) await node.step();
    node.breakPackage(() => breakFile(node.energyFile));
    for (let i = 0; i < 10; i++) {
      const text = await node.step();
      assert.equal(sample(text, 'kepler_node_cpu_watts', 'zone="package"'), undefined, 'no power reading while the counter cannot be read');
      assert.equal(sample(text, 'powerplane_meter_zone_up', 'zone="package"'), 0);
      assert.equal(sample(text, 'powerplane_meter_zone_up', 'zone="dram"'), 1);
      assert.equal(sample(text, 'kepler_node_cpu_watts', 'zone="dram"'), DRAM_WATTS, 'the healthy zone reads its true power during the outage');
    }
    const joulesBefore = node.mon.current()!.zones[0].totalUj;
    await node.repairPackage();
    const back = await node.step();
    assert.equal(sample(back, 'powerplane_meter_zone_up', 'zone="package"'), 1);
    assert.equal(
      sample(back, 'kepler_node_cpu_watts', 'zone="package"'),
      undefined,
      'the first reading after the outage is a new baseline, not 10 s of energy',
    );
    assert.equal(sample(back, 'kepler_node_cpu_watts', 'zone="dram"'), DRAM_WATTS);
    assert.equal(node.mon.current()!.zones[0].totalUj, joulesBefore, 'the outage energy is not added to the counter');
    for (let i = 0; i < 3; i++) {
      const text = await node.step();
      assert.equal(sample(text, 'kepler_node_cpu_watts', 'zone="package"'), PACKAGE_WATTS);
      assert.equal(sample(text, 'kepler_node_cpu_watts', 'zone="dram"'), DRAM_WATTS);
    }
    const text = await node.step();
    assert.equal(sample(text, 'powerplane_meter_read_errors_total', `zone="package",reason="${reason}"`), 10);
    assert.equal(sample(text, 'powerplane_meter_read_errors_total', 'zone="dram"'), undefined);
    assert.ok(sample(text, 'powerplane_last_refresh_timestamp_seconds', 'node_name="n1"')! > 0);
  });
}

test('a +1,500 J jump of the package counter is dropped and counted, not exported as watts', async (t) => {
  const node = await setup(t);
  await node.step();
  await node.step();
  const jump = await node.step(1500 * 1e6);
  assert.equal(sample(jump, 'kepler_node_cpu_watts', 'zone="package"'), undefined);
  assert.equal(sample(jump, 'kepler_node_cpu_watts', 'zone="dram"'), DRAM_WATTS);
  assert.equal(sample(jump, 'powerplane_meter_read_errors_total', 'zone="package",reason="implausible"'), 1);
  assert.equal(sample(jump, 'powerplane_agent_dropped_intervals_total', 'zone="package"'), 1);
  assert.equal(sample(jump, 'powerplane_meter_zone_up', 'zone="package"'), 1, 'the counter was read; its interval was not believable');
  const after = await node.step();
  assert.equal(sample(after, 'kepler_node_cpu_watts', 'zone="package"'), PACKAGE_WATTS, 'the next interval counts from the jumped value');
  assert.equal(node.mon.current()!.zones[0].totalUj, 2 * PACKAGE_WATTS * 1e6, 'the jump is never in the counter');
});

test('a refresh whose meter read fails does not move the interval start', async (t) => {
  const node = await setup(t);
  await node.step();
  await node.step();
  node.failing.on = true;
  await assert.rejects(node.step(), /meter gone/);
  node.failing.on = false;
  const text = await node.step();
  assert.equal(node.mon.current()!.intervalSeconds, 2, 'the interval covers the failed refresh too');
  assert.equal(sample(text, 'kepler_node_cpu_watts', 'zone="dram"'), DRAM_WATTS, '6 J over 2 s, not over 1 s');
  assert.equal(sample(text, 'kepler_node_cpu_watts', 'zone="package"'), PACKAGE_WATTS);
});
