import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { createIpmiExporterMeter, parseIpmiExporterPower } from './ipmi-exporter.js';
import { createIpmitoolMeter, parseDcmiPowerReading } from './ipmitool.js';
import { ERR_PLATFORM_UNAVAILABLE, ERR_PLATFORM_READ } from './errors.js';

/** ipmi_exporter output in the layout of its DCMI collector (local mode). */
const EXPORTER_METRICS = `# HELP ipmi_dcmi_power_consumption_watts Current power consumption in Watts.
# TYPE ipmi_dcmi_power_consumption_watts gauge
ipmi_dcmi_power_consumption_watts 312
# HELP ipmi_up '1' if a scrape of the IPMI device was successful, '0' otherwise.
# TYPE ipmi_up gauge
ipmi_up{collector="dcmi"} 1
ipmi_up{collector="ipmi"} 1
`;

/** \`ipmitool dcmi power reading\` output. */
const DCMI_OUTPUT = `
    Instantaneous power reading:                   245 Watts
    Minimum during sampling period:                 12 Watts
    Maximum during sampling period:                520 Watts
    Average power reading over sample period:      230 Watts
    IPMI timestamp:                           Mon Nov 23 16:00:00 2026
    Sampling period:                          00000005 Seconds.
    Power reading state is:                   activated

`;

async function serve(t: { after: (fn: () => Promise<void>) => void }, body: () => string): Promise<string> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(body());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
}

test('ipmi_exporter: ipmi_dcmi_power_consumption_watts over loopback HTTP', async (t) => {
  let watts = 312;
  const url = await serve(t, () => EXPORTER_METRICS.replace('watts 312', `watts ${watts}`));
  const meter = await createIpmiExporterMeter(url);
  assert.equal(meter.source, 'ipmi-exporter');
  assert.equal(await meter.read(), 312);
  watts = 400;
  assert.equal(await meter.read(), 400);
});

test('ipmi_exporter without the DCMI metric: unavailable, saying which metric is missing', async (t) => {
  const url = await serve(t, () => 'ipmi_up{collector="dcmi"} 0\n');
  await assert.rejects(
    createIpmiExporterMeter(url),
    (e: unknown) => ERR_PLATFORM_UNAVAILABLE.is(e) && /ipmi_dcmi_power_consumption_watts/.test(e.message),
  );
});

test('parseIpmiExporterPower: labels, timestamps, NaN', () => {
  assert.equal(parseIpmiExporterPower(EXPORTER_METRICS), 312);
  assert.equal(parseIpmiExporterPower('ipmi_dcmi_power_consumption_watts{target="bmc1"} 98.5 1700000000000\n'), 98.5);
  assert.equal(parseIpmiExporterPower('ipmi_dcmi_power_consumption_watts NaN\n'), undefined);
  assert.equal(parseIpmiExporterPower('ipmi_dcmi_power_consumption_watts_total 5\n'), undefined);
  fc.assert(
    fc.property(fc.string(), (s) => {
      const v = parseIpmiExporterPower(s);
      assert.ok(v === undefined || (Number.isFinite(v) && v >= 0));
    }),
  );
});

test('parseDcmiPowerReading: instantaneous watts; deactivated readings are refused', () => {
  assert.equal(parseDcmiPowerReading(DCMI_OUTPUT), 245);
  assert.throws(() => parseDcmiPowerReading(DCMI_OUTPUT.replace('activated', 'deactivated')), /deactivated/);
  assert.throws(() => parseDcmiPowerReading('Error: DCMI not supported\n'), /Instantaneous/);
  fc.assert(
    fc.property(fc.string(), (s) => {
      try {
        assert.ok(Number.isFinite(parseDcmiPowerReading(s)));
      } catch (e) {
        assert.ok(e instanceof Error);
      }
    }),
  );
});

test('ipmitool: runs the executable and parses its output; a failing ipmitool is unavailable', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'pp-ipmitool-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const good = join(dir, 'ipmitool');
  await writeFile(join(dir, 'out.txt'), DCMI_OUTPUT);
  await writeFile(good, `#!/bin/sh\n[ "$1 $2 $3" = "dcmi power reading" ] || exit 3\ncat "${join(dir, 'out.txt')}"\n`);
  await chmod(good, 0o755);
  const meter = await createIpmitoolMeter(good);
  assert.equal(meter.source, 'ipmitool');
  assert.equal(await meter.read(), 245);
  await writeFile(join(dir, 'out.txt'), DCMI_OUTPUT.replace('245 Watts', '251 Watts'));
  assert.equal(await meter.read(), 251);
  await writeFile(join(dir, 'out.txt'), 'garbage');
  await assert.rejects(meter.read(), (e: unknown) => ERR_PLATFORM_READ.is(e));

  const bad = join(dir, 'ipmitool-bad');
  await writeFile(bad, '#!/bin/sh\necho "Could not open device at /dev/ipmi0: No such file or directory" >&2\nexit 1\n');
  await chmod(bad, 0o755);
  await assert.rejects(createIpmitoolMeter(bad), (e: unknown) => ERR_PLATFORM_UNAVAILABLE.is(e) && /\/dev\/ipmi0/.test(e.message));
  await assert.rejects(createIpmitoolMeter(join(dir, 'missing')), (e: unknown) => ERR_PLATFORM_UNAVAILABLE.is(e));
});
