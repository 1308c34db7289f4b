/**
 * The whole path a user takes: a running `powerplane agent` (fake meter), a real Prometheus (Debian
 * `prometheus`) scraping it, and `powerplane train --from prometheus:URL` training from what it stored.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer as createHttpServer } from 'node:http';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { datasetFromPrometheus } from '../../src/modelserver/prometheus-source.js';
import { REPO_ROOT } from '../helpers/shared-data.js';

const MAIN = join(REPO_ROOT, 'src/cli/main.ts');
let agent: ChildProcess;
let prom: ChildProcess;
let promUrl: string;
const t0 = Date.now() / 1000;

async function freePort(): Promise<number> {
  const s = createHttpServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function packageSamples(): Promise<number> {
  try {
    const q = encodeURIComponent('count_over_time(kepler_node_cpu_watts{zone="package"}[5m])');
    const j = (await (await fetch(`${promUrl}/api/v1/query?query=${q}`)).json()) as { data?: { result?: Array<{ value: [number, string] }> } };
    return Number(j.data?.result?.[0]?.value[1] ?? 0);
  } catch {
    return 0;
  }
}

before(async () => {
  const agentPort = await freePort();
  agent = spawn(process.execPath, ['--import', 'tsx', MAIN, 'agent', '--meter', 'fake', '--web.listen-address', `127.0.0.1:${agentPort}`, '--monitor.interval', '250ms', '--log.level', 'warn'], { cwd: REPO_ROOT, stdio: 'ignore' });
  const dir = mkdtempSync(join(tmpdir(), 'pp-prom-agent-'));
  const cfg = join(dir, 'prometheus.yml');
  writeFileSync(cfg, `global:\n  scrape_interval: 250ms\n  scrape_timeout: 200ms\nscrape_configs:\n  - job_name: powerplane-agent\n    static_configs:\n      - targets: ['127.0.0.1:${agentPort}']\n`);
  const port = await freePort();
  promUrl = `http://127.0.0.1:${port}`;
  prom = spawn('/usr/bin/prometheus', [`--config.file=${cfg}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  prom.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const deadline = Date.now() + 90_000;
  while ((await packageSamples()) < 16) {
    if (prom.exitCode !== null) throw new Error(`prometheus exited: ${log}`);
    if (agent.exitCode !== null) throw new Error(`the agent exited with ${agent.exitCode}`);
    if (Date.now() > deadline) throw new Error(`prometheus scraped too few samples from the agent: ${log}`);
    await new Promise((r) => setTimeout(r, 250));
  }
});

after(() => {
  prom?.kill('SIGTERM');
  agent?.kill('SIGTERM');
});

test("the built-in queries read the agent's metrics consistently", async () => {
  const { data } = await datasetFromPrometheus({ url: promUrl, start: t0, end: Date.now() / 1000, step: 0.25, features: ['cpu_busy_ratio', 'bpf_cpu_time_ms'], targets: ['package_watts', 'dram_watts'] });
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
  const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(
      process.execPath,
      ['--import', 'tsx', MAIN, 'train', '--from', `prometheus:${promUrl}`, '--start', String(t0), '--end', 'now', '--step', '0.25', '--features', 'CPUUsage', '--target', 'package_watts,dram_watts', '--trainers', 'knn,gbt', '--folds', '4', '--out', out, '-o', 'json', '--log.level', 'warn'],
      { cwd: REPO_ROOT },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.ok(s.samples >= 10);
  assert.deepEqual(s.components, ['package', 'dram']);
  assert.match(s.best, /^powerplane\/rapl-sysfs\/AbsPower\/CPUUsage\//);
  for (const t of s.trainers) assert.ok(Number.isFinite(t.mae) && t.folds >= 2, JSON.stringify(t));
  assert.ok(existsSync(join(out, s.best, 'model.json')));
});
