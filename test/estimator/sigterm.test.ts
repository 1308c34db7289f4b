/**
 * SIGTERM while `powerplane estimator` is inside a long general (non-convex) placement solve: the process
 * stops promptly and cleanly (exit code 0, as docs/estimator.md says): the solve is stopped and its request
 * answered 500 at once, not held until the solve or the estimation deadline (10 s, a 503) ends.
 *
 * The estimator runs as a user starts it (the CLI, a config file). Its 40 nodes read their status from a
 * metrics.k8s.io endpoint and their watts from a v2 model endpoint (both served here on loopback) whose
 * curve is concave, so the min-plus DP (not the greedy merge) has to run: 8 nodes, each its own group
 * (different CPU usage), at N = 30,000 take seconds to minutes of CPU in the solve worker.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from './helpers.js';
import { spawnPowerplane } from '../helpers/cli.js';

const N = 30_000;
const NODES = 8;

test('SIGTERM during a long general-DP solve: the solve is stopped, its request answered 500, and the estimator exits 0', {
  timeout: 120_000,
}, async (t) => {
  let inferred = 0;
  const upstream = await serve((req, body, res) => {
    const json = (status: number, v: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(v));
    };
    const url = req.url ?? '';
    // a different usage per node, so that no two nodes share a status and each is its own group
    if (url.startsWith('/apis/metrics.k8s.io/v1beta1/nodes/node-'))
      return json(200, { kind: 'NodeMetrics', usage: { cpu: `${url.split('-').pop()}m`, memory: '1Gi' } });
    if (url.startsWith('/api/v1/nodes/')) return json(200, { kind: 'Node', status: { capacity: { cpu: '64' }, allocatable: { cpu: '64' } } });
    if (url === '/v2/models/concave') return json(200, { name: 'concave', inputs: [{ name: 'cpu_busy_ratio' }, { name: 'logical_processors' }] });
    if (url === '/v2/models/concave/infer') {
      // watts = 100 + 200·sqrt(ratio): concave in the request, so no node's cost curve is convex
      const input = (JSON.parse(body) as { inputs: { name: string; data: number[][] }[] }).inputs.find((i) => i.name === 'cpu_busy_ratio');
      if ((input?.data.length ?? 0) === N + 1) inferred++;
      return json(200, { outputs: [{ name: 'platform', data: (input?.data ?? []).map((r) => [100 + 200 * Math.sqrt(r[0])]) }] });
    }
    return json(404, { message: `no ${url}` });
  });
  t.after(() => upstream.close());

  const dir = mkdtempSync(join(tmpdir(), 'pp-sigterm-'));
  const file = join(dir, 'estimator.yaml');
  const nodes = Array.from({ length: NODES }, (_v, i) => ({ name: `node-${i}`, labels: {}, allocatable: { cpu: '64000' } }));
  const spec = {
    defaultNodeConfig: {
      nodeMonitor: { refreshInterval: '1h', agents: [{ type: 'MetricsAPI', endpoint: upstream.url }] },
      powerConsumptionPredictor: { type: 'Model', endpoint: `${upstream.url}/v2/models/concave` },
    },
  };
  writeFileSync(file, JSON.stringify({ estimators: [{ namespace: 'default', name: 'default', spec }], nodes }));
  const est = await spawnPowerplane(
    [
      'estimator',
      '--config',
      file,
      '--web.listen-address',
      '127.0.0.1:0',
      '--estimator.max-workloads',
      String(N),
      '--log.level',
      'info',
      '--log.format',
      'json',
    ],
    {
      ready: /"url":"(http:\/\/127\.0\.0\.1:\d+)"/,
    },
  );
  t.after(() => est.stop());

  // every node's status read once (the monitors start with the server)
  const statusRead = async () => {
    const r = await fetch(`${est.url}/namespaces/default/estimators/default/nodes?num_workloads=1`);
    const body = (await r.json()) as { nodes: { status: { cpuUsage?: number } }[] };
    return body.nodes.every((n) => n.status.cpuUsage !== undefined);
  };
  for (let i = 0; i < 600 && !(await statusRead()); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(await statusRead(), 'every node has a status');

  const answer = fetch(`${est.url}/namespaces/default/estimators/default/values/powerconsumption`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ cpu_milli: 100, num_workloads: N }),
  }).then(
    (r) => r.status,
    () => 'dropped' as const,
  );
  // every prediction is in: the solve starts now, in the worker; the server still answers meanwhile
  for (let i = 0; i < 1200 && inferred < NODES; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(inferred, NODES, "the estimator asked the model for each node's curve");
  assert.equal((await fetch(`${est.url}/healthz`)).status, 200, 'the server answers during the solve');
  assert.equal(est.proc.exitCode, null, 'still running, the solve not finished');

  const killedAt = performance.now();
  est.proc.kill('SIGTERM');
  // a hang (the solve run to its end, or forever) would leave this pending: the runner's timeout fails the test
  const code = await est.exited;
  t.diagnostic(`exited ${Math.round(performance.now() - killedAt)} ms after SIGTERM`);
  assert.equal(code, 0, est.stderr());
  assert.match(est.stdout() + est.stderr(), /shutting down/);
  t.diagnostic(`the pending estimation: ${await answer}`);
  // 503 would be the estimation deadline: the close waited for the request instead of stopping the solve
  assert.equal(await answer, 500, 'the solve was stopped, its request answered at once');
});
