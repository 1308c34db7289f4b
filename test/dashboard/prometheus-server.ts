/**
 * A real Prometheus server (the Debian package's binary) on loopback for tests, with an empty TSDB
 * in a temporary folder. Its query API rejects malformed PromQL with 400, the strongest syntax check.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A started Prometheus. */
export interface TestPrometheus {
  url: string;
  /** Runs an instant query; resolves with the HTTP status and body. */
  query(expr: string): Promise<{ status: number; body: { status: string; error?: string; data?: { resultType: string; result: unknown[] } } }>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts Prometheus (`$PROMETHEUS_PATH` or `prometheus` on PATH) and waits until it is ready; with
 * `scrapeTarget` (`host:port`) it scrapes that target's `/metrics` every second as job `powerplane-agent`.
 */
export async function startPrometheus(scrapeTarget?: string): Promise<TestPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'pp-prom-'));
  const scrape = scrapeTarget
    ? `scrape_configs:\n  - job_name: powerplane-agent\n    scrape_interval: 1s\n    static_configs:\n      - targets: ['${scrapeTarget}']\n`
    : 'scrape_configs: []\n';
  writeFileSync(join(dir, 'prometheus.yml'), `global:\n  scrape_interval: 1m\n${scrape}`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.env.PROMETHEUS_PATH ?? 'prometheus', [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=error',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  const exited = new Promise<never>((_r, reject) => child.once('exit', (code) => reject(new Error(`prometheus exited with ${code}: ${stderr}`))));
  exited.catch(() => undefined);
  const stop = async () => {
    if (child.exitCode === null) {
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await done;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (;;) {
      const ok = await Promise.race([
        fetch(`${url}/-/ready`).then((r) => r.ok, () => false),
        exited,
      ]);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    async query(expr) {
      const res = await fetch(`${url}/api/v1/query`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ query: expr }) });
      return { status: res.status, body: (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: unknown[] } } };
    },
    stop,
  };
}
