/**
 * Every node monitor against a real HTTP server on loopback: Redfish against the real DMTF
 * public-rackmount1 mockup, ipmi_exporter's exposition format (and the real Debian exporter, which has
 * no BMC here), the WAO differential-pressure API, metrics.k8s.io, and the Prometheus HTTP API.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { sharedDataPath } from '../helpers/shared-data.js';
import { freePort } from '../helpers/cli.js';
import { serve, serveHttps, json, redfishMockup, type TestServer } from './helpers.js';
import { createRedfishMonitor } from '../../src/estimator/monitors/redfish.js';
import { createIpmiExporterMonitor } from '../../src/estimator/monitors/ipmi-exporter.js';
import { createDifferentialPressureMonitor } from '../../src/estimator/monitors/differential-pressure.js';
import { createMetricsApiMonitor } from '../../src/estimator/monitors/metrics-api.js';
import { createPrometheusMonitor } from '../../src/estimator/monitors/prometheus.js';
import { createFakeMonitor } from '../../src/estimator/monitors/fake.js';
import { createMonitor } from '../../src/estimator/plugins.js';
import { fetchJson } from '../../src/estimator/http-client.js';
import { NodeState, RefreshLimiter } from '../../src/estimator/node-state.js';
import type { NodeMonitor } from '../../src/estimator/types.js';

const MOCKUP = sharedDataPath('redfish', 'public-rackmount1');
// ipmi_exporter's exposition format with the sample lines of its README ("Exported data"): no BMC is reachable in tests.
const IPMI_EXPORTER_FIXTURE = readFileSync(new URL('./fixtures/ipmi-exporter.prom', import.meta.url), 'utf8');
const node = { name: 'node-1', labels: {}, address: '127.0.0.1' };
const signal = () => AbortSignal.timeout(5000);
const opts = (endpoint: string, extra: object = {}) => ({ endpoint, insecureSkipVerify: false, timeoutMs: 3000, ...extra });
const servers: TestServer[] = [];
const track = async (s: Promise<TestServer>) => {
  const srv = await s;
  servers.push(srv);
  return srv;
};
after(() => Promise.all(servers.map((s) => s.close())));

test('Redfish: ThermalMetrics ambient and EnvironmentMetrics power from the DMTF mockup, with basic auth', async () => {
  const srv = await track(serve(redfishMockup(MOCKUP, { username: 'admin', password: 's3cret' })));
  const m = createRedfishMonitor(opts(srv.url, { basicAuth: { username: 'admin', password: 's3cret' } }));
  assert.deepEqual(await m.read(node, signal()), { ambientTemp: 22.5, powerWatts: 374 });
  // the second read goes straight to the remembered resources
  const before = srv.requests.length;
  assert.deepEqual(await m.read(node, signal()), { ambientTemp: 22.5, powerWatts: 374 });
  assert.deepEqual(
    srv.requests.slice(before).map((r) => r.url),
    ['/redfish/v1/Chassis/1U/ThermalSubsystem/ThermalMetrics', '/redfish/v1/Chassis/1U/EnvironmentMetrics'],
  );
  const wrong = createRedfishMonitor(opts(`${srv.url}/redfish/v1`, { basicAuth: { username: 'admin', password: 'nope' } }));
  await assert.rejects(wrong.read(node, signal()), /401/);
});

test('Redfish: falls back to the deprecated Thermal/Power resources, then to Sensors', async () => {
  const base = redfishMockup(MOCKUP);
  const legacy = await track(
    serve((req, body, res) => (/ThermalSubsystem|EnvironmentMetrics/.test(req.url ?? '') ? json(res, 404, {}) : base(req, body, res))),
  );
  const m = createRedfishMonitor(opts(legacy.url));
  // Thermal: "Chassis Intake Temp" (PhysicalContext Intake) 25 °C; Power: PowerControl[0] 344 W
  assert.deepEqual(await m.read(node, signal()), { ambientTemp: 25, powerWatts: 344 });
  const sensorsOnly = await track(
    serve((req, body, res) => (/Thermal|EnvironmentMetrics|\/Power$/.test(req.url ?? '') ? json(res, 404, {}) : base(req, body, res))),
  );
  assert.deepEqual(await createRedfishMonitor(opts(sensorsOnly.url)).read(node, signal()), { ambientTemp: 22.5 });
});

test('Redfish over HTTPS: a self-signed BMC certificate fails unless insecureSkipVerify', async () => {
  const srv = await track(serveHttps(redfishMockup(MOCKUP)));
  await assert.rejects(createRedfishMonitor(opts(srv.url)).read(node, signal()), /self[- ]signed|certificate/i);
  assert.deepEqual(await createRedfishMonitor(opts(srv.url, { insecureSkipVerify: true })).read(node, signal()), {
    ambientTemp: 22.5,
    powerWatts: 374,
  });
});

test('IPMIExporter: inlet temperature and DCMI power from /metrics (documented exposition format as fixture)', async () => {
  const srv = await track(
    serve((_req, _b, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(IPMI_EXPORTER_FIXTURE);
    }),
  );
  const m = createIpmiExporterMonitor(opts('http://{address}:' + new URL(srv.url).port + '/metrics'));
  assert.deepEqual(await m.read(node, signal()), { ambientTemp: 24, powerWatts: 136 });
});

test('IPMIExporter: the real Debian prometheus-ipmi-exporter without a BMC is reported as a failed read', async () => {
  const port = await freePort();
  const child = spawn('prometheus-ipmi-exporter', [`--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
  try {
    let up = false;
    for (let i = 0; i < 50 && !up; i++) {
      up = await fetch(`http://127.0.0.1:${port}/metrics`).then(
        (r) => r.ok,
        () => false,
      );
      if (!up) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(up, 'prometheus-ipmi-exporter did not start');
    const m = createIpmiExporterMonitor(opts(`http://127.0.0.1:${port}/metrics`, { timeoutMs: 8000 }));
    await assert.rejects(m.read(node, AbortSignal.timeout(9000)), /no ambient temperature and no DCMI power reading \(ipmi_up=0/);
  } finally {
    child.kill();
  }
});

test('DifferentialPressureAPI: sensor[0].pressure; empty list and non-200 are errors', async () => {
  const srv = await track(
    serve((req, _b, res) => {
      if (req.url === '/api/sensor/101037B')
        return json(res, 200, { code: 200, sensor: [{ pressure: 0.01, sensorid: '101037B', temperature: 26.02 }] });
      if (req.url === '/api/sensor/empty') return json(res, 200, { code: 200, sensor: [] });
      return json(res, 404, { code: 404 });
    }),
  );
  assert.deepEqual(await createDifferentialPressureMonitor(opts(`${srv.url}/api/sensor/101037B`)).read(node, signal()), { staticPressureDiff: 0.01 });
  await assert.rejects(createDifferentialPressureMonitor(opts(`${srv.url}/api/sensor/empty`)).read(node, signal()), /no sensor/);
  await assert.rejects(createDifferentialPressureMonitor(opts(`${srv.url}/api/sensor/nope`)).read(node, signal()), /404/);
});

test('MetricsAPI: metrics.k8s.io usage and node capacity through an API server URL', async () => {
  const srv = await track(
    serve((req, _b, res) => {
      if (req.url === '/apis/metrics.k8s.io/v1beta1/nodes/node-1')
        return json(res, 200, { kind: 'NodeMetrics', metadata: { name: 'node-1' }, usage: { cpu: '1500000000n', memory: '1Gi' } });
      if (req.url === '/api/v1/nodes/node-1')
        return json(res, 200, { kind: 'Node', metadata: { name: 'node-1' }, status: { capacity: { cpu: '4' }, allocatable: { cpu: '3800m' } } });
      return json(res, 404, { kind: 'Status', code: 404 });
    }),
  );
  const m = await createMonitor({ type: 'MetricsAPI', endpoint: srv.url }, 30_000, { namespace: 'default' });
  assert.deepEqual(await m.read(node, signal()), { cpuUsedMilli: 1500, logicalProcessors: 4, cpuUsage: 0.375 });
  const direct = createMetricsApiMonitor((path, s) => fetchJson(srv.url + path, { timeoutMs: 1000, signal: s }));
  await assert.rejects(direct.read({ name: 'other', labels: {} }, signal()), /404/);
});

test('Prometheus: agent/Kepler usage ratio and platform power through the query API', async () => {
  const srv = await track(
    serve((req, _b, res) => {
      const q = new URL(req.url ?? '/', 'http://x').searchParams.get('query') ?? '';
      const vec = (v: string) =>
        json(res, 200, { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1700000000, v] }] } });
      if (q.includes('kepler_node_cpu_usage_ratio{node_name="node-1"}')) return vec('0.42');
      if (q.includes('kepler_platform_watts{node_name="node-1"}'))
        return json(res, 200, { status: 'success', data: { resultType: 'vector', result: [] } });
      if (q.includes('kepler_node_cpu_watts{node_name="node-1",zone=~"package|dram"}')) return vec('87.5');
      if (q.includes('"bad\\"node"')) return json(res, 400, { status: 'error', error: 'parse error' });
      return json(res, 200, { status: 'success', data: { resultType: 'vector', result: [] } });
    }),
  );
  const m = createPrometheusMonitor(opts(srv.url));
  assert.deepEqual(await m.read(node, signal()), { cpuUsage: 0.42, powerWatts: 87.5 });
  await assert.rejects(m.read({ name: 'unknown', labels: {} }, signal()), /no powerplane\/Kepler series/);
  await assert.rejects(m.read({ name: 'bad"node', labels: {} }, signal()), /400/);
});

test('Fake monitor: WAO node-status labels as floats; a non-number label is an error', async () => {
  const m = createFakeMonitor();
  const labels = {
    'waofed.bitmedia.co.jp/node-status.cpuusage': '50.5',
    'waofed.bitmedia.co.jp/node-status.ambienttemp': '22',
    'waofed.bitmedia.co.jp/node-status.staticpressurediff': '0.2',
  };
  assert.deepEqual(await m.read({ name: 'n', labels }, signal()), { cpuUsage: 50.5, ambientTemp: 22, staticPressureDiff: 0.2 });
  assert.deepEqual(await m.read({ name: 'n', labels: {} }, signal()), {});
  await assert.rejects(m.read({ name: 'n', labels: { 'waofed.bitmedia.co.jp/node-status.cpuusage': 'high' } }, signal()), /not a number/);
});

test('node state: readings refresh, time out, go stale after three intervals and leave the status', async () => {
  let now = 1_000_000;
  let value = 20;
  let hang = false;
  const monitor: NodeMonitor = {
    type: 'Test',
    read: (_n, s) =>
      hang ? new Promise((_r, reject) => s.addEventListener('abort', () => reject(new Error('aborted')))) : Promise.resolve({ ambientTemp: value }),
  };
  const state = new NodeState({ node, monitors: [{ monitor, timeoutMs: 50 }], predictor: new Error('none'), refreshMs: 1000, now: () => now });
  await state.refresh();
  assert.deepEqual(state.status(), { ambientTemp: 20 });
  value = 21;
  now += 1000;
  await state.refresh();
  assert.deepEqual(state.status(), { ambientTemp: 21 });
  hang = true;
  now += 1000;
  await state.refresh();
  assert.match(state.records[0].lastError ?? '', /timed out after 50 ms/);
  assert.deepEqual(state.status(), { ambientTemp: 21 }, 'a recent good reading survives one failure');
  now += 2500;
  assert.equal(state.isStale(state.records[0]), true);
  assert.deepEqual(state.status(), {}, 'a stale reading is not reused');
});

test('refresh limiter: at most `limit` node refreshes run at once', async () => {
  const limiter = new RefreshLimiter(2);
  let running = 0;
  let peak = 0;
  const monitor: NodeMonitor = {
    type: 'Slow',
    async read() {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 10));
      running--;
      return { ambientTemp: 1 };
    },
  };
  const states = Array.from(
    { length: 6 },
    (_v, i) =>
      new NodeState({
        node: { name: `n${i}`, labels: {} },
        monitors: [{ monitor, timeoutMs: 1000 }],
        predictor: new Error('none'),
        refreshMs: 1000,
        limiter,
      }),
  );
  await Promise.all(states.map((s) => s.refresh()));
  assert.equal(peak, 2);
  assert.ok(states.every((s) => s.status().ambientTemp === 1));
});
