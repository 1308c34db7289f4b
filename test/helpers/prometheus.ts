/**
 * A real Prometheus server (the Debian package's binary, `$PROMETHEUS_PATH` or `prometheus` on PATH) on
 * loopback for integration tests: a temporary folder holds its config and TSDB; it can scrape
 * loopback targets. Its query API rejects malformed PromQL with 400, the strongest syntax check.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './cli.js';

/** One sample of an instant vector. */
export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** The body of a query API answer. */
export interface PromQueryBody {
  status: string;
  error?: string;
  data?: { resultType: string; result: unknown[] };
}

/** A started Prometheus. */
export interface TestPrometheus {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** Runs an instant query; resolves with the HTTP status and body. */
  query(expr: string): Promise<{ status: number; body: PromQueryBody }>;
  /** Runs a range query (times in Unix seconds, step in seconds); resolves with the HTTP status and body. */
  queryRange(expr: string, start: number, end: number, step: number): Promise<{ status: number; body: PromQueryBody }>;
  /** The first sample's value of an instant query as a number; undefined when the result is empty or the query failed. */
  value(expr: string): Promise<number | undefined>;
  /** Waits until `value(expr)` is at least `min`; rejects with Prometheus's log when it exits or `timeoutMs` passes. */
  waitForValue(expr: string, min: number, timeoutMs?: number): Promise<void>;
  /** What Prometheus logged to stderr so far. */
  log(): string;
  /** Stops it and removes its folder. */
  stop(): Promise<void>;
}

/** Options of {@link startPrometheus}. */
export interface StartPrometheusOptions {
  /** `host:port` targets whose `/metrics` it scrapes (none by default). */
  scrapeTargets?: string[];
  /** The job name of those targets (default `powerplane-agent`). */
  jobName?: string;
  /** Scrape interval in seconds (default 1). */
  scrapeIntervalS?: number;
  /** Scrape timeout in seconds (default: Prometheus's, capped at the interval). */
  scrapeTimeoutS?: number;
  /** How long to wait until it is ready (default 60 s). */
  readyTimeoutMs?: number;
}

const seconds = (s: number) => `${Math.round(s * 1000)}ms`;

/** The prometheus.yml for `opts`. Pure. */
export function prometheusConfig(opts: StartPrometheusOptions = {}): string {
  const interval = seconds(opts.scrapeIntervalS ?? 1);
  const timeout = opts.scrapeTimeoutS === undefined ? '' : `  scrape_timeout: ${seconds(opts.scrapeTimeoutS)}\n`;
  const targets = opts.scrapeTargets ?? [];
  const scrape =
    targets.length > 0
      ? `scrape_configs:\n  - job_name: ${opts.jobName ?? 'powerplane-agent'}\n    static_configs:\n      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]\n`
      : 'scrape_configs: []\n';
  return `global:\n  scrape_interval: ${interval}\n${timeout}  evaluation_interval: ${interval}\n${scrape}`;
}

/** Starts Prometheus on a free loopback port and waits until it is ready. */
export async function startPrometheus(opts: StartPrometheusOptions = {}): Promise<TestPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'pp-prom-'));
  const config = join(dir, 'prometheus.yml');
  writeFileSync(config, prometheusConfig(opts));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    process.env.PROMETHEUS_PATH ?? 'prometheus',
    [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<never>((_r, reject) => {
    child.once('error', (e) => reject(new Error(`prometheus did not start: ${e.message}`)));
    child.once('exit', (code) => reject(new Error(`prometheus exited with ${code}: ${stderr}`)));
  });
  exited.catch(() => undefined);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await done;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  /** Polls `ok` every 100 ms until it holds; rejects when Prometheus exits or the time is up. */
  const poll = async (what: string, ok: () => Promise<boolean>, timeoutMs: number) => {
    const end = Date.now() + timeoutMs;
    while (!(await Promise.race([ok(), exited]))) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  try {
    await poll(
      'prometheus to be ready',
      () =>
        fetch(`${url}/-/ready`).then(
          (r) => r.ok,
          () => false,
        ),
      opts.readyTimeoutMs ?? 60_000,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  const post = async (path: string, params: Record<string, string>) => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params),
    });
    return { status: res.status, body: (await res.json()) as PromQueryBody };
  };
  const query = (expr: string) => post('/api/v1/query', { query: expr });
  const value = async (expr: string) => {
    const r = await query(expr).catch(() => undefined);
    const v = (r?.body.data?.result[0] as PromSample | undefined)?.value?.[1];
    return v === undefined ? undefined : Number(v);
  };
  return {
    url,
    query,
    queryRange: (expr, start, end, step) => post('/api/v1/query_range', { query: expr, start: String(start), end: String(end), step: String(step) }),
    value,
    waitForValue: (expr, min, timeoutMs = 60_000) => poll(`${expr} ≥ ${min}`, async () => ((await value(expr)) ?? 0) >= min, timeoutMs),
    log: () => stderr,
    stop,
  };
}
