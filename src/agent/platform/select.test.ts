import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../core/config.js';
import { ERR_FILE_UNREADABLE, ERR_INVALID_CONFIG } from '../../core/errors.js';
import { silentLogger } from '../../core/logger.js';
import { selectPlatformMeter } from './select.js';
import { createAcpiMeter } from './acpi.js';
import { serveRedfishMockup } from '../../../test/helpers/agent/redfish-mockup-server.js';
import { buildHwmonTree, setHwmonAttribute } from '../../../test/helpers/agent/meter-fixtures.js';
import { sharedDataPath } from '../../../test/helpers/shared-data.js';

const log = silentLogger();

async function tmp(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pp-platform-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('ACPI power meter: the hwmon power_meter chip, power1_average in µW', async (t) => {
  const sysfs = await buildHwmonTree(await tmp(t), [
    { dir: 'hwmon0', name: 'coretemp', attributes: { temp1_input: 40000 } },
    { dir: 'hwmon1', name: 'power_meter', attributes: { power1_average: 187_500_000, power1_average_interval: 1000 } },
  ]);
  const meter = await createAcpiMeter(sysfs);
  assert.equal(meter.source, 'acpi');
  assert.equal(await meter.read(), 187.5);
  await setHwmonAttribute(sysfs, 'hwmon1', 'power1_average', 200_000_000);
  assert.equal(await meter.read(), 200);
});

test('selection: nothing configured and no power_meter → no meter, with the reason', async (t) => {
  const sysfs = await tmp(t);
  const sel = await selectPlatformMeter(defaultConfig({ 'host.sysfs': sysfs }), log);
  assert.equal(sel.meter, undefined);
  assert.match(sel.reason!, /acpi: no hwmon power_meter/);
  const off = await selectPlatformMeter(defaultConfig({ 'host.sysfs': sysfs, 'platform.acpi': false }), log);
  assert.match(off.reason!, /no platform power source configured/);
});

test('selection: Redfish first (with a password file), falling through to ACPI when the BMC is unusable', async (t) => {
  const dir = await tmp(t);
  const sysfs = await buildHwmonTree(join(dir, 'sys'), [{ dir: 'hwmon3', name: 'power_meter', attributes: { power1_average: 150_000_000 } }]);
  const server = await serveRedfishMockup(sharedDataPath('redfish', 'public-rackmount1'), { auth: { username: 'root', password: 'pw' } });
  t.after(() => server.close());
  const pwFile = join(dir, 'pw');
  await writeFile(pwFile, 'pw\n', { mode: 0o600 });
  const base = {
    'host.sysfs': sysfs,
    'platform.redfish.endpoint': server.url,
    'platform.redfish.username': 'root',
    'platform.redfish.passwordFile': pwFile,
  };
  const sel = await selectPlatformMeter(defaultConfig(base), log);
  assert.equal(sel.meter?.source, 'redfish');
  assert.equal(await sel.meter!.read(), 374);
  await writeFile(pwFile, 'wrong\n');
  const fallback = await selectPlatformMeter(defaultConfig(base), log);
  assert.equal(fallback.meter?.source, 'acpi');
  assert.deepEqual(
    fallback.tried.map((x) => [x.source, x.available]),
    [
      ['redfish', false],
      ['acpi', true],
    ],
  );
  assert.match(fallback.tried[0].reason!, /401/);
});

test('selection: configuration mistakes name the key', async (t) => {
  const dir = await tmp(t);
  const cfg = (o: Record<string, unknown>) => defaultConfig({ 'host.sysfs': dir, ...o });
  await assert.rejects(
    selectPlatformMeter(cfg({ 'platform.redfish.endpoint': 'bmc.local' }), log),
    (e: unknown) => ERR_INVALID_CONFIG.is(e) && e.details.key === 'platform.redfish.endpoint',
  );
  await assert.rejects(
    selectPlatformMeter(cfg({ 'platform.redfish.endpoint': 'https://bmc', 'platform.redfish.username': 'u' }), log),
    (e: unknown) => ERR_INVALID_CONFIG.is(e) && e.details.key === 'platform.redfish.passwordFile',
  );
  await assert.rejects(
    selectPlatformMeter(
      cfg({ 'platform.redfish.endpoint': 'http://10.0.0.5', 'platform.redfish.username': 'u', 'platform.redfish.passwordFile': '/x' }),
      log,
    ),
    (e: unknown) => ERR_INVALID_CONFIG.is(e) && /plain http/.test(e.message),
  );
  await assert.rejects(
    selectPlatformMeter(
      cfg({ 'platform.redfish.endpoint': 'https://bmc', 'platform.redfish.username': 'u', 'platform.redfish.passwordFile': join(dir, 'nope') }),
      log,
    ),
    (e: unknown) => ERR_FILE_UNREADABLE.is(e) && e.details.path === join(dir, 'nope'),
  );
  await assert.rejects(
    selectPlatformMeter(cfg({ 'platform.ipmi.exporterUrl': 'ftp://x/metrics' }), log),
    (e: unknown) => ERR_INVALID_CONFIG.is(e) && e.details.key === 'platform.ipmi.exporterUrl',
  );
});
