/**
 * The whole path a user takes: a running `powerplane agent` (fake meter), a real Prometheus (Debian
 * `prometheus`) scraping it, and `powerplane train --from prometheus:URL` training from what it stored.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasetFromPrometheus } from '../../src/modelserver/training/prometheus-source.js';
import { runPowerplane, spawnPowerplane, type PowerplaneProcess } from '../helpers/cli.js';
import { startPrometheus, type TestPrometheus } from '../helpers/prometheus.js';

let agent: PowerplaneProcess;
let prom: TestPrometheus;
let promUrl: string;
const t0 = Date.now() / 1000;

before(async () => {
  agent = await spawnPowerplane(
    ['agent', '--meter', 'fake', '--web.listen-address', '127.0.0.1:0', '--monitor.interval', '250ms', '--log.level', 'warn'],
    { ready: /agent listening on http:\/\/([^\s/]+)/ },
  );
  prom = await startPrometheus({ scrapeTargets: [agent.url], scrapeIntervalS: 0.25, scrapeTimeoutS: 0.2 });
  promUrl = prom.url;
  await prom.waitForValue('count_over_time(kepler_node_cpu_watts{zone="package"}[5m])', 16, 90_000);
});

after(async () => {
  await prom?.stop();
  await agent?.stop();
});

test("the built-in queries read the agent's metrics consistently", async () => {
  const { data } = await datasetFromPrometheus({
    url: promUrl,
    start: t0,
    end: Date.now() / 1000,
    step: 0.25,
    features: ['cpu_busy_ratio', 'bpf_cpu_time_ms'],
    targets: ['package_watts', 'dram_watts'],
  });
  assert.ok(data.X.length >= 10, `${data.X.length} rows`);
  for (const [busy, ms] of data.X) {
    assert.ok(busy >= 0 && busy <= 1);
    if (busy > 0) {
      const cpus = ms / (busy * 1000);
      assert.ok(Math.abs(cpus - Math.round(cpus)) < 1e-6 && cpus >= 1, `CPU count ${cpus}`);
    }
  }
  for (const [pkg, dram] of data.Y) assert.ok(pkg > 0 && dram > 0);
});

test('powerplane train --from prometheus:URL trains on what Prometheus scraped from the agent', async () => {
  const out = mkdtempSync(join(tmpdir(), 'pp-prom-agent-models-'));
  const r = await runPowerplane([
    'train',
    '--from',
    `prometheus:${promUrl}`,
    '--start',
    String(t0),
    '--end',
    'now',
    '--step',
    '0.25',
    '--features',
    'CPUUsage',
    '--target',
    'package_watts,dram_watts',
    '--trainers',
    'knn,gbt',
    '--folds',
    '4',
    '--out',
    out,
    '-o',
    'json',
    '--log.level',
    'warn',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.ok(s.samples >= 10);
  assert.deepEqual(s.components, ['package', 'dram']);
  assert.match(s.best, /^powerplane\/rapl-sysfs\/AbsPower\/CPUUsage\//);
  for (const t of s.trainers) assert.ok(Number.isFinite(t.mae) && t.folds >= 2, JSON.stringify(t));
  assert.ok(existsSync(join(out, s.best, 'model.json')));
});
