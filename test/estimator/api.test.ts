/**
 * The estimator API over real HTTP on loopback: WAO's own black-box cases (reference §8), explain,
 * limits, authentication, `/nodes`, the local-machine estimator of `powerplane up`, and fuzzed bad input
 * (always a 4xx JSON error, never a 5xx).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { createServer, type PowerplaneServer } from '../../src/core/server.js';
import { defaultConfig } from '../../src/core/config.js';
import { silentLogger } from '../../src/core/logger.js';
import type { AgentHandle } from '../../src/core/contracts.js';
import { createEstimatorComponent } from '../../src/estimator/component.js';
import { Estimator } from '../../src/estimator/estimator.js';
import { NodeState } from '../../src/estimator/node-state.js';
import { EstimatorRegistry } from '../../src/estimator/registry.js';
import { registerEstimatorRoutes } from '../../src/estimator/routes.js';
import type { NodeMonitor, PowerPredictor } from '../../src/estimator/types.js';

const MAX = 1.7976931348623157e308;
const dir = mkdtempSync(join(tmpdir(), 'pp-est-api-'));
const running: PowerplaneServer[] = [];
after(() => Promise.all(running.map((s) => s.close())));

const fakeNode = (name: string, base: number, wpc: number, cpu = '8') => ({
  name,
  labels: { 'waofed.bitmedia.co.jp/fakepcp.basewatts': String(base), 'waofed.bitmedia.co.jp/fakepcp.wpc': String(wpc) },
  allocatable: { cpu },
});

/** Starts an estimator server from a config file object; returns its base URL. */
async function start(file: object, overrides: Record<string, unknown> = {}, agent?: AgentHandle): Promise<string> {
  const path = join(dir, `c${running.length}.yaml`);
  writeFileSync(path, JSON.stringify(file));
  const config = defaultConfig({ 'estimator.configFile': agent ? '' : path, ...overrides });
  const log = silentLogger();
  const server = await createServer({ log, components: [await createEstimatorComponent({ config, log, agent })] });
  running.push(server);
  return server.listen('127.0.0.1:0');
}

const spec = (predictor: string) => ({
  defaultNodeConfig: { nodeMonitor: { agents: [{ type: 'Fake' }] }, powerConsumptionPredictor: { type: predictor } },
});

async function post(base: string, body: unknown, opts: { path?: string; headers?: Record<string, string>; raw?: string; query?: string } = {}) {
  const res = await fetch(`${base}${opts.path ?? '/namespaces/default/estimators/default/values/powerconsumption'}${opts.query ?? ''}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...opts.headers },
    body: opts.raw ?? JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Record<string, unknown> };
}

test('WAO suite: unknown estimator 404, no nodes 500, exact {code, message} bodies', async () => {
  const base = await start({ estimators: [{ namespace: 'default', name: 'default', spec: spec('Fake') }], nodes: [] });
  const nf = await post(base, { cpu_milli: 500, num_workloads: 5 }, { path: '/namespaces/x/estimators/y/values/powerconsumption' });
  assert.deepEqual(nf, { status: 404, body: { code: 'ErrServerEstimatorNotFound', message: 'estimator x/y not found' } });
  const empty = await post(base, { cpu_milli: 500, num_workloads: 5 });
  assert.deepEqual(empty, {
    status: 500,
    body: { code: 'ErrEstimatorNoNodesAvailable', message: 'no nodes available (ErrEstimatorNoNodesAvailable)' },
  });
});

test('WAO suite: X-API-KEY — none or wrong is 401, the right key proceeds', async () => {
  const base = await start(
    { estimators: [{ namespace: 'default', name: 'default', spec: spec('Fake') }], nodes: [] },
    { 'estimator.apiKey': 'foobar' },
  );
  for (const headers of [{}, { 'X-API-KEY': 'xxx' }] as Record<string, string>[]) {
    const r = await post(base, { cpu_milli: 500, num_workloads: 5 }, { headers });
    assert.equal(r.status, 401);
    assert.equal(r.body.code, 'ErrClientUnauthorized');
  }
  assert.equal(
    (
      await post(
        base,
        { cpu_milli: 1, num_workloads: 1 },
        { headers: { 'X-API-KEY': 'foobar' }, path: '/namespaces/a/estimators/b/values/powerconsumption' },
      )
    ).status,
    404,
  );
  assert.equal((await post(base, { cpu_milli: 1, num_workloads: 1 }, { headers: { 'X-API-KEY': 'foobar' } })).status, 500);
});

test('WAO suite: n0 without predictor is +Inf; n1 (mCPU/100) and n2 (mCPU/200) give the expected minima', async () => {
  const est = {
    namespace: 'default',
    name: 'default',
    spec: { ...spec('Fake'), nodeConfigOverrides: { n0: { powerConsumptionPredictor: { type: 'None' } } } },
  };
  const b0 = await start({ estimators: [est], nodes: [{ name: 'n0', allocatable: { cpu: '8' } }] });
  assert.deepEqual((await post(b0, { cpu_milli: 500, num_workloads: 5 })).body, {
    cpu_milli: 500,
    num_workloads: 5,
    watt_increases: [MAX, MAX, MAX, MAX, MAX],
  });
  assert.deepEqual((await post(b0, { cpu_milli: 1000, num_workloads: 1 })).body.watt_increases, [MAX]);
  assert.deepEqual((await post(b0, { cpu_milli: 1000, num_workloads: 0 })).body.watt_increases, []);
  const b1 = await start({ estimators: [est], nodes: [{ name: 'n0', allocatable: { cpu: '8' } }, fakeNode('n1', 0, 10)] });
  assert.deepEqual((await post(b1, { cpu_milli: 500, num_workloads: 4 })).body.watt_increases, [5, 10, 15, 20]);
  const b2 = await start({ estimators: [est], nodes: [{ name: 'n0', allocatable: { cpu: '8' } }, fakeNode('n1', 0, 10), fakeNode('n2', 0, 5)] });
  assert.deepEqual((await post(b2, { cpu_milli: 500, num_workloads: 4 })).body.watt_increases, [2.5, 5, 7.5, 10]);
  assert.deepEqual((await post(b2, { cpu_milli: 0, num_workloads: 3 })).body.watt_increases, [0, 0, 0]);
});

test('WAO kind cluster (control-plane None, worker 100/10, worker2 50/20): (500,5) → [5,10,15,20,25]; explain', async () => {
  const base = await start({
    estimators: [
      {
        namespace: 'default',
        name: 'default',
        spec: { ...spec('Fake'), nodeConfigOverrides: { 'control-plane': { powerConsumptionPredictor: { type: 'None' } } } },
      },
    ],
    nodes: [{ name: 'control-plane', allocatable: { cpu: '8' } }, fakeNode('worker', 100, 10), fakeNode('worker2', 50, 20)],
  });
  assert.deepEqual((await post(base, { cpu_milli: 500, num_workloads: 5 })).body.watt_increases, [5, 10, 15, 20, 25]);
  const ex = await post(base, { cpu_milli: 500, num_workloads: 2 }, { query: '?explain=true' });
  assert.deepEqual(ex.body.explain, [
    { k: 1, watt_increase: 5, placement: { worker: 1 } },
    { k: 2, watt_increase: 10, placement: { worker: 2 } },
  ]);
  const bad = await post(base, { cpu_milli: 500, num_workloads: 2 }, { query: '?explain=maybe' });
  assert.deepEqual(bad, { status: 400, body: { code: 'ErrEstimatorInvalidRequest', message: 'explain must be true or false', field: 'explain' } });
});

test('free CPU caps each node: beyond it the node costs +Inf', async () => {
  const base = await start({
    estimators: [{ namespace: 'default', name: 'default', spec: spec('Fake') }],
    nodes: [fakeNode('small', 0, 10, '1'), fakeNode('big', 0, 30, '2')],
  });
  // small holds 2 × 500m at 5 W each, big 4 at 15 W each
  assert.deepEqual((await post(base, { cpu_milli: 500, num_workloads: 7 })).body.watt_increases, [5, 10, 25, 40, 55, 70, MAX]);
});

test('limits and bad input: 400 ErrEstimatorInvalidRequest naming the field; 413 and 415 as JSON', async () => {
  const base = await start(
    { estimators: [{ namespace: 'default', name: 'default', spec: spec('Fake') }], nodes: [fakeNode('a', 0, 10, '4')] },
    { 'estimator.maxWorkloads': 50 },
  );
  const cases: [unknown, string][] = [
    [{ num_workloads: 1 }, 'cpu_milli'],
    [{ cpu_milli: 1 }, 'num_workloads'],
    [{ cpu_milli: '500', num_workloads: 1 }, 'cpu_milli'],
    [{ cpu_milli: 1.5, num_workloads: 1 }, 'cpu_milli'],
    [{ cpu_milli: 500, num_workloads: -1 }, 'num_workloads'],
    [{ cpu_milli: 500, num_workloads: -2 }, 'num_workloads'],
    [{ cpu_milli: 500, num_workloads: 51 }, 'num_workloads'],
    [{ cpu_milli: 4001, num_workloads: 1 }, 'cpu_milli'],
    [[1, 2], 'body'],
    [null, 'body'],
    [{ cpu_milli: 5, num_workloads: 1, watt_increases: 'x' }, 'watt_increases'],
  ];
  for (const [body, field] of cases) {
    const r = await post(base, body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.body.code, 'ErrEstimatorInvalidRequest');
    assert.equal(r.body.field, field, JSON.stringify(body));
    assert.deepEqual(Object.keys(r.body).sort(), ['code', 'field', 'message']);
  }
  const notJson = await post(base, null, { raw: '{"cpu_milli":' });
  assert.equal(notJson.status, 400);
  assert.equal(notJson.body.field, 'body');
  const big = await post(base, null, { raw: JSON.stringify({ cpu_milli: 1, num_workloads: 1, pad: 'x'.repeat(70_000) }) });
  assert.equal(big.status, 413);
  assert.equal(big.body.code, 'ErrEstimatorInvalidRequest');
  const text = await post(base, null, { raw: 'cpu_milli=1', headers: { 'content-type': 'text/plain' } });
  assert.deepEqual([text.status, text.body.code, text.body.field], [415, 'ErrEstimatorInvalidRequest', 'content-type']);
  const xml = await post(base, null, { raw: '<x/>', headers: { 'content-type': 'application/xml' } });
  assert.deepEqual([xml.status, xml.body.code, xml.body.field], [415, 'ErrEstimatorInvalidRequest', 'content-type']);
  assert.equal((await post(base, { cpu_milli: 500, num_workloads: 50 })).status, 200);
});

test('fuzz: arbitrary bodies and query strings never give a 5xx; errors are {code, message} JSON', async () => {
  const base = await start(
    { estimators: [{ namespace: 'default', name: 'default', spec: spec('Fake') }], nodes: [fakeNode('a', 0, 10, '4'), fakeNode('b', 5, 7, '2')] },
    { 'estimator.maxWorkloads': 200 },
  );
  const value = fc.oneof(
    fc.integer({ min: -1e6, max: 1e6 }),
    fc.double(),
    fc.string(),
    fc.constant(null),
    fc.boolean(),
    fc.array(fc.integer()),
    fc.constant(Number.MAX_SAFE_INTEGER + 2),
    fc.integer({ min: 0, max: 300 }),
  );
  const body = fc.oneof(
    fc.record({ cpu_milli: value, num_workloads: value }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.string({ maxLength: 200 }),
    fc.constant('{"__proto__":{"x":1},"cpu_milli":1,"num_workloads":1}'),
  );
  const query = fc.oneof(
    fc.constant(''),
    fc.constant('?explain=true'),
    fc.string({ maxLength: 20 }).map((s) => `?explain=${encodeURIComponent(s)}`),
  );
  await fc.assert(
    fc.asyncProperty(body, query, async (raw, q) => {
      const r = await fetch(`${base}/namespaces/default/estimators/default/values/powerconsumption${q}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: raw,
      });
      const parsed = JSON.parse(await r.text()) as Record<string, unknown>;
      assert.ok(r.status < 500, `${r.status} for ${raw}`);
      if (r.status !== 200) {
        assert.ok(r.status >= 400);
        assert.equal(typeof parsed.code, 'string');
        assert.equal(typeof parsed.message, 'string');
      } else assert.ok(Array.isArray(parsed.watt_increases));
    }),
    { numRuns: 300 },
  );
});

test('GET /nodes shows status, monitor freshness and the predicted curve', async () => {
  const base = await start({
    estimators: [{ namespace: 'default', name: 'default', spec: spec('Fake') }],
    nodes: [{ ...fakeNode('a', 100, 10, '4'), labels: { ...fakeNode('a', 100, 10).labels, 'waofed.bitmedia.co.jp/node-status.ambienttemp': '21' } }],
  });
  await new Promise((r) => setTimeout(r, 50));
  const res = await fetch(`${base}/namespaces/default/estimators/default/nodes?cpu_milli=500&num_workloads=2`);
  assert.equal(res.status, 200);
  const body = (await res.json()) as {
    nodes: {
      name: string;
      status: Record<string, number>;
      monitors: { type: string; stale: boolean; error: unknown }[];
      curve: { watts: number[] };
    }[];
  };
  assert.equal(body.nodes[0].name, 'a');
  assert.deepEqual(body.nodes[0].status, { ambientTemp: 21 });
  assert.equal(body.nodes[0].monitors[0].type, 'Fake');
  assert.equal(body.nodes[0].monitors[0].stale, false);
  assert.deepEqual(body.nodes[0].curve.watts, [100, 105, 110]);
  const bad = await fetch(`${base}/namespaces/default/estimators/default/nodes?num_workloads=abc`);
  assert.equal(bad.status, 400);
  assert.equal(((await bad.json()) as { field: string }).field, 'num_workloads');
});

test("powerplane up: default/default for this machine from the agent's own model", async () => {
  const model = {
    nodeName: 'laptop',
    logicalCpus: 4,
    busyRatio: () => 0.25,
    wattsAt: (r: number) => 10 + 40 * Math.min(1, Math.max(0, r)),
    modelName: 'linear',
  };
  const agent = { localNodeModel: () => model, node: () => undefined } as unknown as AgentHandle;
  const base = await start({}, {}, agent);
  // 1 of 4 CPUs busy: 3000 mCPU free → three 1000 mCPU workloads at +10 W each, the fourth does not fit
  let r = await post(base, { cpu_milli: 1000, num_workloads: 4 });
  for (let i = 0; i < 20 && (r.body.watt_increases as number[])[0] === MAX; i++) {
    await new Promise((res) => setTimeout(res, 25));
    r = await post(base, { cpu_milli: 1000, num_workloads: 4 });
  }
  assert.deepEqual(r.body.watt_increases, [10, 20, 30, MAX]);
});

test('an estimation slower than --estimator.deadline is a 503 JSON with Retry-After; the retry gets the answer', async () => {
  let calls = 0;
  const slow: PowerPredictor = {
    type: 'Slow',
    identity: () => 'Slow',
    async predict(reqs) {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 400));
      return reqs.map((r, k) => 100 + r / 50 - (k > 1 ? 5 : 0));
    },
  };
  const registry = new EstimatorRegistry();
  registry.set(
    new Estimator('default', 'default', [new NodeState({ node: { name: 'n1', labels: {} }, monitors: [], predictor: slow, refreshMs: 60_000 })]),
  );
  const log = silentLogger();
  const server = await createServer({
    log,
    components: [{ name: 'estimator', routes: (app) => registerEstimatorRoutes(app, { registry, apiKey: '', maxWorkloads: 10, deadlineMs: 100 }) }],
  });
  running.push(server);
  const base = await server.listen('127.0.0.1:0');
  const res = await fetch(`${base}/namespaces/default/estimators/default/values/powerconsumption`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ cpu_milli: 500, num_workloads: 3 }),
  });
  assert.equal(res.status, 503);
  assert.equal(res.headers.get('retry-after'), '1');
  const body = (await res.json()) as Record<string, unknown>;
  assert.equal(body.code, 'ErrEstimatorDeadlineExceeded');
  assert.deepEqual(Object.keys(body).sort(), ['code', 'message']);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const retry = await post(base, { cpu_milli: 500, num_workloads: 3 });
  assert.deepEqual(retry, { status: 200, body: { cpu_milli: 500, num_workloads: 3, watt_increases: [10, 15, 25] } });
  assert.equal(calls, 1, 'the retry joined the first estimation');
});

test('?explain=true says per node why some k is +Inf: no free CPU, predictor failed, monitor stale', async () => {
  let clock = 0;
  const now = () => clock;
  const model = (needsUsage: boolean): PowerPredictor => ({
    type: needsUsage ? 'Needs' : 'Lin',
    identity: () => (needsUsage ? 'Needs' : 'Lin'),
    async predict(reqs, status) {
      if (needsUsage && status.cpuUsage === undefined) throw new Error('cpuUsage is unknown');
      return reqs.map((r) => 10 + r / 100);
    },
  });
  let flakyUp = true;
  const flaky = {
    type: 'Flaky',
    read: async () => {
      if (!flakyUp) throw new Error('connection refused');
      return { cpuUsage: 0.5 };
    },
  };
  const busy = { type: 'Busy', read: async () => ({ cpuUsedMilli: 1950 }) };
  const node = (name: string, allocatableMilli: number, monitor: NodeMonitor | undefined, predictor: PowerPredictor) =>
    new NodeState({
      node: { name, labels: {}, allocatableMilli },
      monitors: monitor ? [{ monitor, timeoutMs: 1000 }] : [],
      predictor,
      refreshMs: 10_000,
      now,
    });
  const nodes = [node('ok', 1000, undefined, model(false)), node('busy', 2000, busy, model(false)), node('stale', 4000, flaky, model(true))];
  await Promise.all(nodes.map((n) => n.refresh()));
  clock = 42_000;
  flakyUp = false;
  await Promise.all(nodes.map((n) => n.refresh()));
  const registry = new EstimatorRegistry();
  registry.set(new Estimator('default', 'default', nodes, now));
  const server = await createServer({
    log: silentLogger(),
    components: [{ name: 'estimator', routes: (app) => registerEstimatorRoutes(app, { registry, apiKey: '', maxWorkloads: 10 }) }],
  });
  running.push(server);
  const base = await server.listen('127.0.0.1:0');
  // WAO's answer is unchanged without explain
  assert.deepEqual(await post(base, { cpu_milli: 500, num_workloads: 3 }), {
    status: 200,
    body: { cpu_milli: 500, num_workloads: 3, watt_increases: [5, 10, MAX] },
  });
  const ex = await post(base, { cpu_milli: 500, num_workloads: 3 }, { query: '?explain=true' });
  assert.deepEqual(ex.body.infinite_reasons, {
    busy: ['no free CPU: used 1,950 of 2,000 millicores, a workload asks for 500'],
    stale: ['predictor Needs failed: cpuUsage is unknown', 'monitor Flaky stale for 42 s (last error: connection refused)'],
  });
  // a finite curve carries no reasons
  assert.equal((await post(base, { cpu_milli: 500, num_workloads: 2 }, { query: '?explain=true' })).body.infinite_reasons, undefined);
});
