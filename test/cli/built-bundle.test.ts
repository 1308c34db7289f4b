/**
 * The bundled dist/ (scripts/build.mjs) as `npm start` and the image run it: the dashboard's static
 * files and uPlot are found beside the bundle, the worker-thread entries (placement solve, training)
 * run from dist/src/cli/, a lazily imported trainer chunk loads inside the training worker, and
 * commands without a cluster never resolve the (external) Kubernetes client.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { REPO_ROOT } from '../helpers/shared-data.js';

const DIST = join(REPO_ROOT, 'dist/src/cli');

before(() => {
  const built = spawnSync(process.execPath, ['scripts/build-if-needed.mjs'], { cwd: REPO_ROOT, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
});

/** Runs a built worker entry with `workerData` and resolves with its first message. */
function runWorker(file: string, workerData: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const w = new Worker(join(DIST, file), { workerData });
    w.once('message', (m: Record<string, unknown>) => {
      void w.terminate();
      resolve(m);
    });
    w.once('error', reject);
  });
}

test('the placement solve worker runs from the bundle', async () => {
  const groups = [{ count: 2, cost: new Float64Array([0, 10, 25]) }];
  const msg = await runWorker('solve-worker.js', { groups, n: 3, explain: false, convex: [true] });
  assert.equal(msg.error, undefined, String(msg.error));
  assert.ok(msg.solution, JSON.stringify(msg));
});

test('the training worker runs from the bundle and loads the trainer it is asked for', async () => {
  const X = Array.from({ length: 30 }, (_, i) => [i / 30]);
  const data = { features: ['cpu_busy_ratio'], components: ['package'], X, Y: X.map(([u]) => [20 + 60 * u]) };
  const plan = { trainers: ['linear', 'gbt'], folds: 3, outputType: 'AbsPower', isolator: 'none' };
  // progress messages come first; the outcome follows
  const w = new Worker(join(DIST, 'train-worker.js'), { workerData: { data, plan } });
  const msg = await new Promise<Record<string, unknown>>((resolve, reject) => {
    w.on('message', (m: Record<string, unknown>) => m.type !== 'progress' && resolve(m));
    w.once('error', reject);
  });
  await w.terminate();
  assert.equal(msg.type, 'done', JSON.stringify(msg));
  const outcomes = (msg.outcome as { outcomes: Array<{ trainer: string; error?: unknown }> }).outcomes;
  assert.deepEqual(
    outcomes.map((o) => [o.trainer, o.error]),
    [
      ['linear', undefined],
      ['gbt', undefined],
    ],
  );
});

test('up from the bundle serves the dashboard page, its modules and uPlot', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pp-bundle-'));
  const child = spawn(
    process.execPath,
    [join(DIST, 'main.js'), 'up', '--web.listen-address', '127.0.0.1:0', '--model-server.store-dir', join(dir, 'models'), '--log.level', 'warn'],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  try {
    let out = '';
    const base = await new Promise<string>((resolve, reject) => {
      const check = (d: Buffer) => {
        out += d.toString();
        const m = /open (http:\/\/[^\s/]+)\//.exec(out);
        if (m) resolve(m[1]);
      };
      child.stdout!.on('data', check);
      child.stderr!.on('data', check);
      child.once('exit', (code) => reject(new Error(`up exited ${code}: ${out}`)));
    });
    for (const path of ['/', '/dashboard/app.js', '/dashboard/vendor/uPlot.esm.js']) assert.equal((await fetch(base + path)).status, 200, path);
  } finally {
    child.kill('SIGTERM');
  }
});

test('the bundle loads the Kubernetes client (an ES module) when a command uses a cluster', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'pp-bundle-kube-'));
  const kubeconfig = join(dir, 'kubeconfig');
  // a cluster that refuses connections: the operator gets as far as its first API request, through the client
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]',
      'users: [{name: u, user: {token: t}}]',
      'contexts: [{name: x, context: {cluster: c, user: u}}]',
      'current-context: x',
    ].join('\n') + '\n',
  );
  const r = spawnSync(process.execPath, [join(DIST, 'main.js'), 'operator', '--kubeconfig', kubeconfig], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 50_000,
  });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /GET \/api\/v1: request to https:\/\/127\.0\.0\.1:1\/api\/v1 failed, reason: connect ECONNREFUSED/);
});
