import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, symlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { createRaplMeter } from './rapl.js';
import { raplMembers } from './rapl-zones.js';
import { buildPowercapTree, setZoneEnergy } from '../../../test/helpers/agent/meter-fixtures.js';
import { fsSysfsReader, type SysfsReader } from './sysfs-reader.js';
import { ERR_METER_UNAVAILABLE } from './errors.js';
import { sharedDataPath } from '../../../test/helpers/shared-data.js';

const ctx = { busyRatio: 0.5, intervalMs: 1000, features: {} };

/** A clock that advances 1 s per reading. */
function steppingClock(stepMs = 1000): () => number {
  let t = 0;
  return () => (t += stepMs);
}

async function tmp(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pp-rapl-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('real Kepler powercap tree: mmio duplicate ignored, package aggregated across sockets, core nested', async (t) => {
  const sysfs = await tmp(t);
  await mkdir(join(sysfs, 'class'), { recursive: true });
  await symlink(sharedDataPath('kepler-testdata', 'powercap'), join(sysfs, 'class', 'powercap'));
  const meter = await createRaplMeter({ sysfs, now: steppingClock() });
  const base = join(sysfs, 'class', 'powercap');
  assert.deepEqual(meter.zones(), [
    { zone: 'package', path: 'aggregated-package', nested: false },
    { zone: 'core', path: join(base, 'intel-rapl:0:0'), nested: true },
  ]);
  assert.equal(meter.info.name, 'rapl');
  assert.equal(meter.info.estimated, false);
  const first = await meter.read(ctx);
  assert.deepEqual(
    first.zones.map((z) => z.deltaMicroJoules),
    [0, 0],
  );
  assert.deepEqual(first.dropped, []);
});

test('two sockets: the aggregated zone is the exact sum of per-socket deltas', async (t) => {
  const sysfs = await buildPowercapTree(await tmp(t), [
    { dir: 'intel-rapl:0', name: 'package-0', energyUj: 1_000_000 },
    { dir: 'intel-rapl:0:0', name: 'dram', energyUj: 50_000 },
    { dir: 'intel-rapl:1', name: 'package-1', energyUj: 7_000_000 },
    { dir: 'intel-rapl:1:0', name: 'dram', energyUj: 90_000 },
    { dir: 'intel-rapl-mmio:0', name: 'package-0', energyUj: 1 },
  ]);
  const meter = await createRaplMeter({ sysfs, now: steppingClock() });
  assert.deepEqual(
    meter.zones().map((z) => [z.zone, z.path, z.nested]),
    [
      ['package', 'aggregated-package', false],
      ['dram', 'aggregated-dram', false],
    ],
  );
  await meter.read(ctx);
  await setZoneEnergy(sysfs, 'intel-rapl:0', 1_000_000 + 41_234_567);
  await setZoneEnergy(sysfs, 'intel-rapl:1', 7_000_000 + 38_765_433);
  await setZoneEnergy(sysfs, 'intel-rapl:0:0', 50_000 + 3_000_001);
  await setZoneEnergy(sysfs, 'intel-rapl:1:0', 90_000 + 2_999_999);
  await setZoneEnergy(sysfs, 'intel-rapl-mmio:0', 999_999_999);
  const s = await meter.read(ctx);
  assert.deepEqual(s.zones, [
    { zone: 'package', path: 'aggregated-package', deltaMicroJoules: 80_000_000 },
    { zone: 'dram', path: 'aggregated-dram', deltaMicroJoules: 6_000_000 },
  ]);
  assert.ok(s.zones.every((z) => Number.isInteger(z.deltaMicroJoules)));
});

test('wraparound per socket: deltas stay positive and the cumulative counter is monotonic', async (t) => {
  const max = 1_000_000;
  const sysfs = await buildPowercapTree(await tmp(t), [
    { dir: 'intel-rapl:0', name: 'package-0', energyUj: 900_000, maxEnergyRangeUj: max },
    { dir: 'intel-rapl:1', name: 'package-1', energyUj: 10, maxEnergyRangeUj: max * 2 },
  ]);
  const meter = await createRaplMeter({ sysfs, now: steppingClock() });
  await meter.read(ctx);
  let e0 = 900_000;
  let e1 = 10;
  let total = 0;
  let expected = 0;
  for (let i = 0; i < 25; i++) {
    const d0 = 60_000 + i * 1000;
    const d1 = 150_000;
    e0 = e0 + d0 > max ? e0 + d0 - max : e0 + d0;
    e1 = e1 + d1 > max * 2 ? e1 + d1 - max * 2 : e1 + d1;
    await setZoneEnergy(sysfs, 'intel-rapl:0', e0);
    await setZoneEnergy(sysfs, 'intel-rapl:1', e1);
    const s = await meter.read(ctx);
    assert.deepEqual(s.dropped, []);
    const d = s.zones[0].deltaMicroJoules;
    assert.ok(d >= 0);
    total += d;
    expected += d0 + d1;
    assert.equal(total, expected);
  }
});

test('a counter reset (implied power above the bound) is dropped and reported, not a spike', async (t) => {
  const sysfs = await buildPowercapTree(await tmp(t), [{ dir: 'intel-rapl:0', name: 'package-0', energyUj: 200_000_000_000 }]);
  const meter = await createRaplMeter({ sysfs, now: steppingClock(), maxPlausibleWatts: 1000 });
  await meter.read(ctx);
  await setZoneEnergy(sysfs, 'intel-rapl:0', 5_000);
  const s = await meter.read(ctx);
  const path = join(sysfs, 'class', 'powercap', 'intel-rapl:0');
  assert.deepEqual(s.zones, [{ zone: 'package', path, deltaMicroJoules: 0 }]);
  assert.deepEqual(s.dropped, [path]);
  await setZoneEnergy(sysfs, 'intel-rapl:0', 5_000 + 30_000_000);
  const next = await meter.read(ctx);
  assert.deepEqual(next.zones[0].deltaMicroJoules, 30_000_000);
  assert.deepEqual(next.dropped, []);
});

test('EACCES on energy_uj: unavailable, with the file and the fix in the message', async (t) => {
  const sysfs = await buildPowercapTree(await tmp(t), [
    { dir: 'intel-rapl:0', name: 'package-0', energyUj: 1 },
    { dir: 'intel-rapl:0:0', name: 'core', energyUj: 1 },
  ]);
  const denied = join(sysfs, 'class', 'powercap', 'intel-rapl:0', 'energy_uj');
  const reader: SysfsReader = {
    list: fsSysfsReader.list,
    async readText(path) {
      if (path === denied) throw Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: 'EACCES' });
      return fsSysfsReader.readText(path);
    },
  };
  await assert.rejects(createRaplMeter({ sysfs, reader }), (err: unknown) => {
    assert.ok(ERR_METER_UNAVAILABLE.is(err));
    assert.match(err.message, new RegExp(denied.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.match(err.message, /root/);
    assert.match(err.message, /chmod/);
    assert.match(err.message, /5\.10/);
    assert.equal(err.details.path, denied);
    return true;
  });
});

test('energy_uj that is a directory: unavailable, naming the file', async (t) => {
  const sysfs = await buildPowercapTree(await tmp(t), []);
  const dir = join(sysfs, 'class', 'powercap', 'intel-rapl:0');
  await mkdir(join(dir, 'energy_uj'), { recursive: true });
  await writeFile(join(dir, 'name'), 'package-0\n');
  await assert.rejects(createRaplMeter({ sysfs }), (err: unknown) => ERR_METER_UNAVAILABLE.is(err) && err.message.includes(join(dir, 'energy_uj')));
});

test('no powercap tree: unavailable with a reason', async (t) => {
  const sysfs = await tmp(t);
  await assert.rejects(createRaplMeter({ sysfs }), (err: unknown) => ERR_METER_UNAVAILABLE.is(err) && /does not exist/.test(err.message));
});

test('psys contains package and dram: they are nested', async (t) => {
  const sysfs = await buildPowercapTree(await tmp(t), [
    { dir: 'intel-rapl:0', name: 'package-0', energyUj: 1 },
    { dir: 'intel-rapl:0:0', name: 'core', energyUj: 1 },
    { dir: 'intel-rapl:0:1', name: 'uncore', energyUj: 1 },
    { dir: 'intel-rapl:0:2', name: 'dram', energyUj: 1 },
    { dir: 'intel-rapl:1', name: 'psys', energyUj: 1 },
  ]);
  const meter = await createRaplMeter({ sysfs });
  assert.deepEqual(
    meter.zones().map((z) => [z.zone, z.nested]),
    [
      ['psys', false],
      ['package', true],
      ['core', true],
      ['uncore', true],
      ['dram', true],
    ],
  );
});

test('raplMembers: one member per (zone, index), the standard path preferred over mmio (property)', () => {
  const entry = fc.record({
    mmio: fc.boolean(),
    socket: fc.integer({ min: 0, max: 3 }),
    sub: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
    name: fc.constantFrom('package', 'core', 'uncore', 'dram', 'psys'),
  });
  fc.assert(
    fc.property(fc.array(entry, { maxLength: 20 }), (specs) => {
      const entries = specs.map((s) => ({
        dir: `${s.mmio ? 'intel-rapl-mmio' : 'intel-rapl'}:${s.socket}${s.sub === undefined ? '' : `:${s.sub}`}`,
        name: s.name === 'package' ? `package-${s.socket}` : s.name,
        maxEnergyRangeUj: 1000,
        maxPowerUw: 0,
      }));
      const members = raplMembers('/b', entries);
      const keys = members.map((m) => `${m.zone}/${m.source.index}`);
      assert.equal(new Set(keys).size, keys.length);
      for (const m of members) {
        if (!m.source.mmio) continue;
        const standard = entries.some(
          (e) =>
            !e.dir.startsWith('intel-rapl-mmio') &&
            raplMembers('/b', [e])[0].zone === m.zone &&
            raplMembers('/b', [e])[0].source.index === m.source.index,
        );
        assert.equal(standard, false);
      }
    }),
  );
});
