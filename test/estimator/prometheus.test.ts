/**
 * The `Prometheus` node monitor against a real Prometheus (the Debian binary) that scrapes a loopback
 * target serving powerplane-agent / Kepler series for two nodes.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startPrometheus, type TestPrometheus } from '../helpers/prometheus.js';
import { serve, type TestServer } from './helpers.js';
import { createPrometheusMonitor } from '../../src/estimator/monitors/prometheus.js';

const EXPOSITION = `# TYPE kepler_node_cpu_usage_ratio gauge
kepler_node_cpu_usage_ratio{node_name="node-1"} 0.42
kepler_node_cpu_usage_ratio{node_name="node-2"} 0.1
# TYPE kepler_platform_watts gauge
kepler_platform_watts{node_name="node-1",source="redfish"} 180.5
# TYPE kepler_node_cpu_watts gauge
kepler_node_cpu_watts{node_name="node-2",zone="package",path="/sys/class/powercap/intel-rapl:0"} 40
kepler_node_cpu_watts{node_name="node-2",zone="core",path="/sys/class/powercap/intel-rapl:0:0"} 30
kepler_node_cpu_watts{node_name="node-2",zone="dram",path="/sys/class/powercap/intel-rapl:0:1"} 6
`;

let target: TestServer;
let prom: TestPrometheus;
before(async () => {
  target = await serve((_req, _b, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(EXPOSITION);
  });
  prom = await startPrometheus({ scrapeTargets: [new URL(target.url).host] });
  await prom.waitForValue('count(kepler_node_cpu_usage_ratio)', 2, 20_000);
});
after(async () => {
  await prom?.stop();
  await target?.close();
});

test('usage ratio and platform power, else package + dram (core nests in package)', async () => {
  const m = createPrometheusMonitor({ endpoint: prom.url, insecureSkipVerify: false, timeoutMs: 5000 });
  assert.deepEqual(await m.read({ name: 'node-1', labels: {} }, AbortSignal.timeout(10_000)), { cpuUsage: 0.42, powerWatts: 180.5 });
  assert.deepEqual(await m.read({ name: 'node-2', labels: {} }, AbortSignal.timeout(10_000)), { cpuUsage: 0.1, powerWatts: 46 });
  await assert.rejects(m.read({ name: 'node-3', labels: {} }, AbortSignal.timeout(10_000)), /no powerplane\/Kepler series for node node-3/);
});
