/**
 * Training from a real Prometheus server (Debian `prometheus`) that scrapes a small endpoint serving
 * the agent's metric families, through the source and through a model-server training job.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { datasetFromPrometheus } from '../../src/modelserver/training/prometheus-source.js';
import { createServer, type PowerplaneServer } from '../../src/core/server.js';
import { defaultConfig } from '../../src/core/config.js';
import { silentLogger } from '../../src/core/logger.js';
import { createModelServerComponent } from '../../src/modelserver/component.js';
import { ERR_TRAINING_DATA } from '../../src/modelserver/errors.js';
import { startPrometheus, type TestPrometheus } from '../helpers/prometheus.js';
import { errorMessage } from '../../src/core/errors.js';

const CPUS = 4;
/** The law the endpoint follows: package = 20 + 80·busy, dram = 5 + 2·busy. */
const law = (busy: number) => ({ package: 20 + 80 * busy, dram: 5 + 2 * busy });

let exporter: Server;
let prom: TestPrometheus;
let promUrl: string;
let scrapes = 0;
const t0 = Date.now() / 1000;

function metricsText(): string {
  const busy = ((scrapes++ * 7) % 10) / 10 + 0.05;
  const w = law(busy);
  const lines = [
    '# TYPE kepler_node_cpu_usage_ratio gauge',
    `kepler_node_cpu_usage_ratio{node_name="n1"} ${busy}`,
    '# TYPE kepler_node_cpu_watts gauge',
    `kepler_node_cpu_watts{node_name="n1",zone="package",path="/sys/class/powercap/intel-rapl:0"} ${w.package}`,
    `kepler_node_cpu_watts{node_name="n1",zone="dram",path="/sys/class/powercap/intel-rapl:0:0"} ${w.dram}`,
    '# TYPE kepler_node_cpu_info gauge',
    ...Array.from(
      { length: CPUS },
      (_, i) => `kepler_node_cpu_info{node_name="n1",processor="${i}",vendor_id="GenuineIntel",model_name="x",physical_id="0",core_id="${i}"} 1`,
    ),
  ];
  return lines.join('\n') + '\n';
}

before(async () => {
  exporter = createHttpServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(metricsText());
  });
  await new Promise<void>((r) => exporter.listen(0, '127.0.0.1', r));
  const target = `127.0.0.1:${(exporter.address() as AddressInfo).port}`;
  prom = await startPrometheus({ scrapeTargets: [target], jobName: 'agent', scrapeIntervalS: 0.25, scrapeTimeoutS: 0.2 });
  promUrl = prom.url;
  await prom.waitForValue('count_over_time(kepler_node_cpu_usage_ratio[5m])', 24, 60_000);
});

after(async () => {
  await prom?.stop();
  await new Promise((r) => exporter.close(r));
});

test('query_range over the agent metrics gives aligned feature and target rows', async () => {
  const end = Date.now() / 1000;
  const { data, notes } = await datasetFromPrometheus({
    url: promUrl,
    start: t0,
    end,
    step: 0.25,
    features: ['cpu_busy_ratio', 'bpf_cpu_time_ms'],
    targets: ['package_watts', 'dram_watts'],
  });
  assert.deepEqual(data.features, ['cpu_busy_ratio', 'bpf_cpu_time_ms']);
  assert.deepEqual(data.components, ['package', 'dram']);
  assert.ok(data.X.length >= 20, `${data.X.length} rows`);
  assert.match(notes[0], /from 1 node/);
  data.X.forEach(([busy, ms], i) => {
    assert.ok(Math.abs(ms - busy * CPUS * 1000) < 1e-6);
    assert.ok(Math.abs(data.Y[i][0] - law(busy).package) < 1e-9);
    assert.ok(Math.abs(data.Y[i][1] - law(busy).dram) < 1e-9);
  });
  await assert.rejects(
    datasetFromPrometheus({ url: promUrl, start: t0, end, step: 0.25, features: ['cpu_busy_ratio'], targets: ['gpu_watts'] }),
    (e) => ERR_TRAINING_DATA.is(e) && /no samples for gpu_watts/.test(errorMessage(e)),
  );
  await assert.rejects(
    datasetFromPrometheus({ url: promUrl, start: t0, end, step: 0.25, features: ['cpu_busy_ratio'], targets: ['x'], queries: { x: 'sum(' } }),
    (e) => ERR_TRAINING_DATA.is(e) && /rejected/.test(errorMessage(e)),
  );
});

test('a model-server training job from Prometheus recovers the law', async () => {
  const config = defaultConfig({ 'modelServer.storeDir': mkdtempSync(join(tmpdir(), 'pp-prom-ms-')), 'modelServer.prometheusUrls': [promUrl] });
  const component = await createModelServerComponent({ config, log: silentLogger() });
  const server: PowerplaneServer = await createServer({ log: silentLogger(), components: [component] });
  const base = await server.listen('127.0.0.1:0');
  try {
    const res = await fetch(`${base}/api/v1/train`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        source: { type: 'prometheus', url: promUrl },
        start: t0,
        end: Date.now() / 1000,
        step: 0.25,
        features: 'CPUBusy',
        target: 'package_watts',
        trainers: ['linear', 'gbt'],
        folds: 4,
      }),
    });
    assert.equal(res.status, 202);
    const { id } = (await res.json()) as { id: string };
    let job: any;
    for (;;) {
      job = await (await fetch(`${base}/api/v1/jobs/${id}`)).json();
      if (job.state === 'succeeded' || job.state === 'failed') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(job.state, 'succeeded', JSON.stringify(job.error));
    assert.equal(job.result.best, 'powerplane/rapl-sysfs/AbsPower/CPUBusy/linear');
    assert.ok(job.result.trainers[0].mae < 1e-6);
    const infer = await (
      await fetch(`${base}/v2/models/linear/infer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: [{ name: 'cpu_busy_ratio', shape: [1], datatype: 'FP64', data: [0.5] }] }),
      })
    ).json();
    assert.ok(Math.abs(infer.outputs[0].data[0] - law(0.5).package) < 1e-6);
  } finally {
    await server.close();
  }
});
