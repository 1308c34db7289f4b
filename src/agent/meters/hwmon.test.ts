import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, symlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { createHwmonMeter } from './hwmon.js';
import { chipSensors, hwmonZoneName } from './hwmon-sensors.js';
import { PowerIntegrator } from './power-integrator.js';
import { buildHwmonTree, setHwmonAttribute } from '../../../test/helpers/agent/meter-fixtures.js';
import { ERR_METER_UNAVAILABLE } from './errors.js';
import { sharedDataPath } from '../../../test/helpers/shared-data.js';

const ctx = { busyRatio: 0.5, intervalMs: 1000, features: {} };

function steppingClock(stepMs = 1000): () => number {
  let t = 0;
  return () => (t += stepMs);
}

async function tmp(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pp-hwmon-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A sysfs whose class/hwmon holds only the named chips of the real Kepler test tree. */
async function keplerChips(t: { after: (fn: () => Promise<void>) => void }, chips: string[]): Promise<string> {
  const sysfs = await tmp(t);
  await mkdir(join(sysfs, 'class', 'hwmon'), { recursive: true });
  for (const c of chips) await symlink(sharedDataPath('kepler-testdata', 'hwmon', c), join(sysfs, 'class', 'hwmon', c));
  return sysfs;
}

/** Expected zones for each real Kepler hwmon chip that carries power or energy sensors. */
const KEPLER_CHIPS: Record<string, Array<[zone: string, file: string, nested: boolean]>> = {
  hwmon0: [
    ['package', 'power1_input', false],
    ['core', 'power2_input', true],
  ],
  hwmon2: [['platform_sensor', 'power1_input', false]],
  hwmon_device_path: [['device_path_test', 'power1_input', false]],
  hwmon_dir_fallback: [['dir_fallback_test', 'power1_input', false]],
  hwmon_disabled_power: [
    ['psu_rail_a', 'power1_input', false],
    ['psu_rail_b', 'power2_input', false],
  ],
  hwmon_energy: [['total', 'energy1_input', false]],
  hwmon_energy_disabled: [
    ['rail_a', 'energy1_input', false],
    ['rail_b', 'energy2_input', false],
  ],
  hwmon_energy_multi: [
    ['sensor_a', 'energy1_input', false],
    ['sensor_b', 'energy2_input', false],
    ['sensor_c', 'energy3_input', false],
  ],
  hwmon_energy_no_label: [['power_chip', 'energy1_input', false]],
};

for (const [chip, expected] of Object.entries(KEPLER_CHIPS)) {
  test(`real Kepler hwmon tree ${chip}: zones, labels, disabled channels`, async (t) => {
    const sysfs = await keplerChips(t, [chip]);
    const meter = await createHwmonMeter({ sysfs, now: steppingClock() });
    const dir = join(sysfs, 'class', 'hwmon', chip);
    assert.deepEqual(
      meter.zones().map((z) => [z.zone, z.path, z.nested]),
      expected.map(([zone, file, nested]) => [zone, join(dir, file), nested]),
    );
    assert.deepEqual(meter.info, { name: 'hwmon', estimated: false });
  });
}

test('real Kepler hwmon tree: two same-labelled channels aggregate; power-only sensors integrate', async (t) => {
  const sysfs = await keplerChips(t, ['hwmon_aggregate']);
  const meter = await createHwmonMeter({ sysfs, now: steppingClock(2000) });
  assert.deepEqual(meter.zones(), [{ zone: 'package', path: 'aggregated-package', nested: false }]);
  const first = await meter.read(ctx);
  assert.equal(first.zones[0].deltaMicroJoules, 0);
  const s = await meter.read(ctx);
  // 50 W + 30 W over 2 s.
  assert.equal(s.zones[0].deltaMicroJoules, 160_000_000);
});

test('real Kepler hwmon tree: GPU driver chips are not node zones; chips without power/energy only → unavailable', async (t) => {
  const sysfs = await keplerChips(t, ['hwmon1', 'hwmon_ina226', 'hwmon_voltage_current']);
  await assert.rejects(
    createHwmonMeter({ sysfs }),
    (err: unknown) => ERR_METER_UNAVAILABLE.is(err) && /no power or energy sensors/.test(err.message),
  );
});

test('energy sensors are counters; a power sensor is integrated trapezoidally; energy wins over power of the same label', async (t) => {
  const sysfs = await buildHwmonTree(await tmp(t), [
    {
      dir: 'hwmon0',
      name: 'amd_energy',
      attributes: { energy1_input: 1_000_000, energy1_label: 'Esocket0', power1_input: 5_000_000, power1_label: 'Esocket0' },
    },
    { dir: 'hwmon3', name: 'ina', attributes: { power1_average: 10_000_000, power1_input: 12_000_000, power1_label: 'VDD' } },
  ]);
  const meter = await createHwmonMeter({ sysfs, now: steppingClock() });
  assert.deepEqual(
    meter.zones().map((z) => [z.zone, z.path]),
    [
      ['esocket0', join(sysfs, 'class', 'hwmon', 'hwmon0', 'energy1_input')],
      ['vdd', join(sysfs, 'class', 'hwmon', 'hwmon3', 'power1_input')],
    ],
  );
  await meter.read(ctx);
  await setHwmonAttribute(sysfs, 'hwmon0', 'energy1_input', 1_000_000 + 33_333_333);
  await setHwmonAttribute(sysfs, 'hwmon3', 'power1_input', 14_000_000);
  const s = await meter.read(ctx);
  assert.deepEqual(
    s.zones.map((z) => z.deltaMicroJoules),
    [33_333_333, 13_000_000],
  );
  // An energy counter that goes backwards has no range: the interval is dropped, not wrapped.
  await setHwmonAttribute(sysfs, 'hwmon0', 'energy1_input', 10);
  const r = await meter.read(ctx);
  assert.equal(r.zones[0].deltaMicroJoules, 0);
  assert.deepEqual(r.dropped, [join(sysfs, 'class', 'hwmon', 'hwmon0', 'energy1_input')]);
});

test('chipSensors: _input preferred over _average, disabled channels skipped', () => {
  const s = chipSensors(
    'c',
    '/x',
    ['power1_average', 'power1_input', 'power2_average', 'energy3_input', 'energy4_average', 'power5_input'],
    new Map([['power2', 'A']]),
    new Set(['power5']),
  );
  assert.deepEqual(
    s.map((x) => [x.file, x.label]),
    [
      ['/x/energy3_input', undefined],
      ['/x/power1_input', undefined],
      ['/x/power2_average', 'A'],
    ],
  );
  assert.equal(hwmonZoneName('  PSU Rail-A '), 'psu_rail_a');
});

test('PowerIntegrator: integer µJ with carried remainder equals the exact integral (property)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 500_000_000 }), fc.integer({ min: 1, max: 10_000 })), { minLength: 2, maxLength: 50 }),
      (steps) => {
        const integ = new PowerIntegrator(1e6);
        let at = 0;
        integ.step(steps[0][0], at);
        let prev = steps[0][0];
        // The exact integral in BigInt: Σ (prev + uw) · dt, in units of 1/2000 µJ (µW · ms / 2 / 1000).
        let exactNumerator = 0n;
        let total = 0;
        // The integrator works in doubles: each step rounds its term ((prev+uw)/2 · dt/1000, at most
        // maxTerm µJ) and the carried sum a few times, each rounding at most half an ulp of maxTerm + 1.
        // So after n steps its running sum is off by at most n · 4 · (maxTerm + 1) · EPSILON.
        const maxTerm = (500_000_000 * 10_000) / 1000;
        const perStep = 4 * (maxTerm + 1) * Number.EPSILON;
        let n = 0;
        for (const [uw, dt] of steps.slice(1)) {
          at += dt;
          const s = integ.step(uw, at);
          assert.ok(Number.isInteger(s.deltaMicroJoules) && s.deltaMicroJoules >= 0);
          total += s.deltaMicroJoules;
          exactNumerator += BigInt(prev + uw) * BigInt(dt);
          prev = uw;
          n++;
          // exact − total, split into whole µJ (BigInt, exact) and the fraction.
          const diffNumerator = exactNumerator - BigInt(total) * 2000n;
          const diff = Number(diffNumerator) / 2000;
          const tol = n * perStep;
          assert.ok(diff >= -tol && diff < 1 + tol, `exact − integrated = ${diff} µJ after ${n} steps (tolerance ${tol})`);
        }
      },
    ),
  );
});
