import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRedfishMeter, environmentMetricsWatts, powerControlWatts, chassisPowerSensorWatts } from './redfish.js';
import { serveRedfishMockup } from '../../../test/helpers/agent/redfish-mockup-server.js';
import { ERR_PLATFORM_UNAVAILABLE } from './errors.js';
import { sharedDataPath } from '../../../test/helpers/shared-data.js';

const mockup = sharedDataPath('redfish', 'public-rackmount1');
const auth = { username: 'admin', password: 's3cret' };

test('DMTF public-rackmount1 mockup: chassis power from EnvironmentMetrics (374 W), with basic auth', async (t) => {
  const server = await serveRedfishMockup(mockup, { auth });
  t.after(() => server.close());
  const meter = await createRedfishMeter({ endpoint: server.url, ...auth });
  assert.equal(meter.source, 'redfish');
  assert.equal(meter.description, 'chassis 1U EnvironmentMetrics PowerWatts');
  assert.equal(await meter.read(), 374);
  server.requests.length = 0;
  await meter.read();
  assert.deepEqual(server.requests, ['/redfish/v1/Chassis/1U/EnvironmentMetrics']);
});

test('fallbacks: legacy Power (344 W), then the chassis power sensor, then power supplies', async (t) => {
  const noEnv = await serveRedfishMockup(mockup, { hide: ['/redfish/v1/Chassis/1U/EnvironmentMetrics'] });
  t.after(() => noEnv.close());
  const legacy = await createRedfishMeter({ endpoint: `${noEnv.url}/redfish/v1/` });
  assert.equal(legacy.description, 'chassis 1U Power PowerConsumedWatts');
  assert.equal(await legacy.read(), 344);

  const sensorsOnly = await serveRedfishMockup(mockup, { hide: ['/redfish/v1/Chassis/1U/EnvironmentMetrics', '/redfish/v1/Chassis/1U/Power'] });
  t.after(() => sensorsOnly.close());
  const sensor = await createRedfishMeter({ endpoint: sensorsOnly.url });
  assert.equal(sensor.description, 'chassis 1U sensor TotalPower');
  assert.equal(await sensor.read(), 374);

  const psuOnly = await serveRedfishMockup(mockup, {
    hide: ['/redfish/v1/Chassis/1U/EnvironmentMetrics', '/redfish/v1/Chassis/1U/Power', '/redfish/v1/Chassis/1U/Sensors'],
  });
  t.after(() => psuOnly.close());
  const psu = await createRedfishMeter({ endpoint: psuOnly.url });
  assert.equal(psu.description, 'chassis 1U PowerSubsystem power supplies InputPowerWatts (1)');
  assert.equal(await psu.read(), 937.4);
});

test('wrong password, unreachable BMC, no power anywhere: unavailable with a reason', async (t) => {
  const server = await serveRedfishMockup(mockup, { auth });
  t.after(() => server.close());
  await assert.rejects(
    createRedfishMeter({ endpoint: server.url, username: 'admin', password: 'nope' }),
    (e: unknown) => ERR_PLATFORM_UNAVAILABLE.is(e) && /HTTP 401/.test(e.message) && /passwordFile/.test(e.message),
  );
  await assert.rejects(createRedfishMeter({ endpoint: 'http://127.0.0.1:1', timeoutMs: 2000 }), (e: unknown) => ERR_PLATFORM_UNAVAILABLE.is(e));
  const bare = await serveRedfishMockup(mockup, {
    hide: [
      '/redfish/v1/Chassis/1U/EnvironmentMetrics',
      '/redfish/v1/Chassis/1U/Power',
      '/redfish/v1/Chassis/1U/Sensors',
      '/redfish/v1/Chassis/1U/PowerSubsystem',
    ],
  });
  t.after(() => bare.close());
  await assert.rejects(
    createRedfishMeter({ endpoint: bare.url }),
    (e: unknown) => ERR_PLATFORM_UNAVAILABLE.is(e) && /no chassis with a power reading/.test(e.message),
  );
});

test('extractors accept only numeric readings of the right resource', () => {
  assert.equal(environmentMetricsWatts({ PowerWatts: { Reading: 12.5 } }), 12.5);
  assert.equal(environmentMetricsWatts({ PowerWatts: { Reading: null } }), undefined);
  assert.equal(powerControlWatts({ PowerControl: [{}, { PowerConsumedWatts: 88 }] }), 88);
  assert.equal(powerControlWatts({ PowerControl: 'x' }), undefined);
  assert.equal(chassisPowerSensorWatts({ ReadingType: 'Power', PhysicalContext: 'CPU', Reading: 5 }), undefined);
  assert.equal(chassisPowerSensorWatts({ ReadingType: 'Power', PhysicalContext: 'Chassis', Reading: 5 }), 5);
});

test("the meter names what it reads with Kepler's kepler_platform_watts labels", async (t) => {
  const server = await serveRedfishMockup(mockup, { auth });
  t.after(() => server.close());
  const env = await createRedfishMeter({ endpoint: server.url, ...auth });
  assert.deepEqual(env.labels, {
    bmcId: new URL(server.url).host,
    chassisId: '1U',
    sourceId: 'EnvironmentMetrics',
    sourceName: 'Chassis Environment Metrics',
    sourceType: 'EnvironmentMetrics',
  });
  const noEnv = await serveRedfishMockup(mockup, { hide: ['/redfish/v1/Chassis/1U/EnvironmentMetrics'] });
  t.after(() => noEnv.close());
  const legacy = await createRedfishMeter({ endpoint: noEnv.url });
  assert.deepEqual(legacy.labels, {
    bmcId: new URL(noEnv.url).host,
    chassisId: '1U',
    sourceId: '0',
    sourceName: 'System Input Power',
    sourceType: 'PowerControl',
  });
});
