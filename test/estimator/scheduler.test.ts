/**
 * The scheduler extender over real HTTP on loopback, as kube-scheduler calls it: request bodies written
 * from the `k8s.io/kube-scheduler/extender/v1` reference (Go field names, no JSON tags: `Pod`, `Nodes`,
 * `NodeNames`), answers checked for the exact field names; both the nodeCacheCapable (`NodeNames`) and the
 * full `Nodes` form; a pod scores highest on the node where it adds the fewest watts; +Inf nodes are
 * filtered with a reason; policies; bad bodies are 400 JSON, never 5xx; internal errors answer neutrally.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { createServer, type PowerplaneServer } from '../../src/core/server.js';
import { defaultConfig } from '../../src/core/config.js';
import { silentLogger } from '../../src/core/logger.js';
import { createEstimatorComponent } from '../../src/estimator/component.js';

const dir = mkdtempSync(join(tmpdir(), 'pp-sched-'));
const running: PowerplaneServer[] = [];
after(() => Promise.all(running.map((s) => s.close())));
const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`./fixtures/extender/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;

const FAKE_BASE = 'waofed.bitmedia.co.jp/fakepcp.basewatts';
const FAKE_WPC = 'waofed.bitmedia.co.jp/fakepcp.wpc';
const TEMP = 'waofed.bitmedia.co.jp/node-status.ambienttemp';
const node = (name: string, wpc: number, labels: Record<string, string> = {}) => ({
  name,
  labels: { [FAKE_BASE]: '100', [FAKE_WPC]: String(wpc), ...labels },
  allocatable: { cpu: '8' },
});
const NODES = [
  node('cheap', 10, { [TEMP]: '31' }),
  node('costly', 40, { [TEMP]: '20' }),
  node('broken', 10),
  node('gpu', 20, { 'powerplane.io/gpu-watts': '300,600', [TEMP]: '22' }),
];
const SPEC = {
  defaultNodeConfig: { nodeMonitor: { refreshInterval: '1s', agents: [{ type: 'Fake' }] }, powerConsumptionPredictor: { type: 'Fake' } },
  nodeConfigOverrides: { broken: { powerConsumptionPredictor: { type: 'None' } } },
};

async function start(overrides: Record<string, unknown> = {}): Promise<string> {
  const path = join(dir, `c${running.length}.yaml`);
  writeFileSync(path, JSON.stringify({ estimators: [{ namespace: 'default', name: 'default', spec: SPEC }], nodes: NODES }));
  const config = defaultConfig({ 'estimator.configFile': path, ...overrides });
  const log = silentLogger();
  const server = await createServer({ log, components: [await createEstimatorComponent({ config, log })] });
  running.push(server);
  const url = await server.listen('127.0.0.1:0');
  await new Promise((r) => setTimeout(r, 50)); // the Fake monitors' first read
  return url;
}

async function call(base: string, verb: string, body: unknown, opts: { query?: string; raw?: string; type?: string } = {}) {
  const res = await fetch(`${base}/scheduler/${verb}${opts.query ?? ''}`, {
    method: 'POST',
    headers: { 'content-type': opts.type ?? 'application/json' },
    body: opts.raw ?? JSON.stringify(body),
  });
  return { status: res.status, body: JSON.parse(await res.text()) as unknown };
}

/** The pod fixture (1000 mCPU: its init container) with the given annotations. */
const pod = (annotations: Record<string, string> = {}, spec?: object) => {
  const p = structuredClone(fixture('pod.json')) as { metadata: { annotations: Record<string, string> }; spec: object };
  p.metadata.annotations = annotations;
  if (spec) p.spec = spec;
  return p;
};
const namesArgs = (p: unknown, names: string[]) => ({ Pod: p, Nodes: null, NodeNames: names });

test('nodeCacheCapable form: the answer has exactly the extender/v1 field names; +Inf nodes filtered with a reason', async () => {
  const base = await start();
  const r = await call(base, 'filter', namesArgs(pod(), ['cheap', 'costly', 'broken', 'unknown']));
  assert.equal(r.status, 200);
  const body = r.body as Record<string, unknown>;
  assert.deepEqual(Object.keys(body).sort(), ['Error', 'FailedAndUnresolvableNodes', 'FailedNodes', 'NodeNames', 'Nodes']);
  assert.equal(body.Nodes, null);
  assert.equal(body.Error, '');
  assert.deepEqual(body.NodeNames, ['cheap', 'costly', 'unknown']);
  assert.deepEqual(body.FailedNodes, {});
  assert.deepEqual(Object.keys(body.FailedAndUnresolvableNodes as object), ['broken']);
  assert.match((body.FailedAndUnresolvableNodes as Record<string, string>).broken, /no power prediction/);
});

test('a pod scores 10 on the cheaper of two nodes (prioritize, HostPriorityList {Host, Score})', async () => {
  const base = await start();
  const r = await call(base, 'prioritize', namesArgs(pod(), ['costly', 'cheap']));
  assert.equal(r.status, 200);
  const list = r.body as Record<string, unknown>[];
  for (const hp of list) assert.deepEqual(Object.keys(hp).sort(), ['Host', 'Score']);
  // 1000 mCPU: +10 W on cheap, +40 W on costly
  assert.deepEqual(list, [
    { Host: 'costly', Score: 0 },
    { Host: 'cheap', Score: 10 },
  ]);
  // deterministic: the same call gives the same answer
  assert.deepEqual((await call(base, 'prioritize', namesArgs(pod(), ['costly', 'cheap']))).body, list);
});

test('full Nodes form: the NodeList is echoed back filtered, node objects unchanged', async () => {
  const base = await start();
  const list = fixture('nodes-list.json') as { items: { metadata: { name: string } }[] };
  list.items.push({ ...structuredClone(list.items[0]), metadata: { name: 'broken' } });
  const r = await call(base, 'filter', { Pod: pod(), Nodes: list, NodeNames: null });
  assert.equal(r.status, 200);
  const body = r.body as { Nodes: { metadata: object; items: unknown[] }; NodeNames: unknown };
  assert.equal(body.NodeNames, null);
  assert.deepEqual(body.Nodes, { metadata: {}, items: list.items.slice(0, 2) });
  const p = await call(base, 'prioritize', { Pod: pod(), Nodes: fixture('nodes-list.json'), NodeNames: null });
  assert.deepEqual(p.body, [
    { Host: 'cheap', Score: 10 },
    { Host: 'costly', Score: 0 },
  ]);
});

test("GPU requests add the node's GPU curve; more GPUs than the curve lists filters the node", async () => {
  const base = await start();
  const gpuPod = (n: number) =>
    pod({}, { containers: [{ name: 'c', resources: { requests: { cpu: '1' }, limits: { 'nvidia.com/gpu': String(n) } } }] });
  // 1 GPU: gpu node adds 20 + 300 W, costly 40 W (no curve: nothing added for GPUs)
  assert.deepEqual((await call(base, 'prioritize', namesArgs(gpuPod(1), ['gpu', 'costly']))).body, [
    { Host: 'gpu', Score: 0 },
    { Host: 'costly', Score: 10 },
  ]);
  const f = (await call(base, 'filter', namesArgs(gpuPod(3), ['gpu', 'costly']))).body as {
    NodeNames: string[];
    FailedAndUnresolvableNodes: Record<string, string>;
  };
  assert.deepEqual(f.NodeNames, ['costly']);
  assert.match(f.FailedAndUnresolvableNodes.gpu, /3 GPU/);
});

test('policies: temperature (query or annotation) avoids hot inlets; an unknown annotation value falls back', async () => {
  const base = await start({ 'estimator.scheduler.maxInletTemperature': 25 });
  const byQuery = (await call(base, 'filter', namesArgs(pod(), ['cheap', 'costly']), { query: '?policy=temperature' })).body as {
    NodeNames: string[];
    FailedAndUnresolvableNodes: Record<string, string>;
  };
  assert.deepEqual(byQuery.NodeNames, ['costly']);
  assert.match(byQuery.FailedAndUnresolvableNodes.cheap, /inlet 31 °C is above 25 °C/);
  const byAnnotation = await call(base, 'prioritize', namesArgs(pod({ 'powerplane.io/placement': 'temperature' }), ['cheap', 'costly']));
  assert.deepEqual(byAnnotation.body, [
    { Host: 'cheap', Score: 0 },
    { Host: 'costly', Score: 10 },
  ]);
  const unknown = await call(base, 'prioritize', namesArgs(pod({ 'powerplane.io/placement': 'coolest' }), ['cheap', 'costly']));
  assert.deepEqual(unknown.body, [
    { Host: 'cheap', Score: 10 },
    { Host: 'costly', Score: 0 },
  ]);
  // every node too hot: nothing is filtered (the extender never makes a pod unschedulable)
  const allHot = (await call(base, 'filter', namesArgs(pod(), ['cheap']), { query: '?policy=temperature' })).body as { NodeNames: string[] };
  assert.deepEqual(allHot.NodeNames, ['cheap']);
});

test('spread without a cluster: no pod watch, so no counts; it ranks by watts alone, as documented', async () => {
  const base = await start({ 'estimator.scheduler.policy': 'spread' });
  const p = pod({}, undefined);
  (p as { metadata: Record<string, unknown> }).metadata.ownerReferences = [
    { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'x', controller: true },
  ];
  const f = (await call(base, 'filter', namesArgs(p, ['cheap', 'costly']))).body as { NodeNames: string[]; FailedNodes: Record<string, string> };
  assert.deepEqual([f.NodeNames, f.FailedNodes], [['cheap', 'costly'], {}]);
  assert.deepEqual((await call(base, 'prioritize', namesArgs(p, ['cheap', 'costly']))).body, [
    { Host: 'cheap', Score: 10 },
    { Host: 'costly', Score: 0 },
  ]);
});

test('internal error (the configured Estimator is not served): filter passes every node, prioritize gives equal scores; counted', async () => {
  const base = await start();
  const f = await call(base, 'filter', namesArgs(pod(), ['cheap', 'broken']), { query: '?estimator=other/missing' });
  assert.equal(f.status, 200);
  assert.deepEqual((f.body as { NodeNames: string[] }).NodeNames, ['cheap', 'broken']);
  const p = await call(base, 'prioritize', namesArgs(pod(), ['cheap', 'costly']), { query: '?estimator=other/missing' });
  assert.deepEqual(p.body, [
    { Host: 'cheap', Score: 0 },
    { Host: 'costly', Score: 0 },
  ]);
  await call(base, 'prioritize', namesArgs(pod(), ['cheap', 'costly']));
  const metrics = await (await fetch(`${base}/metrics`)).text();
  assert.match(metrics, /powerplane_scheduler_extender_requests_total\{verb="filter",result="error"\} 1/);
  assert.match(metrics, /powerplane_scheduler_extender_requests_total\{verb="prioritize",result="error"\} 1/);
  assert.match(metrics, /powerplane_scheduler_extender_request_duration_seconds_count\{verb="prioritize"\} 2/);
  // no cluster, no pod watch: the bound-node histogram stays empty
  assert.match(metrics, /powerplane_scheduler_bound_node_added_watts_count 0\n/);
  assert.equal(await (await fetch(`${base}/scheduler/metrics`)).text(), await (await fetch(`${base}/metrics`)).text());
});

test('bad bodies are 400 JSON naming the field; never a 5xx (fuzzed)', async () => {
  const base = await start();
  const cases: [unknown, string][] = [
    [[], 'body'],
    [{ NodeNames: ['a'] }, 'Pod'],
    [{ Pod: 'x', NodeNames: ['a'] }, 'Pod'],
    [{ Pod: {} }, 'NodeNames'],
    [{ Pod: {}, NodeNames: [1] }, 'NodeNames[0]'],
    [{ Pod: {}, NodeNames: 'a' }, 'NodeNames'],
    [{ Pod: {}, Nodes: { items: [{ metadata: {} }] } }, 'Nodes.items[0].metadata.name'],
    [{ Pod: { spec: [] }, NodeNames: ['a'] }, 'Pod.spec'],
  ];
  for (const [body, field] of cases) {
    for (const verb of ['filter', 'prioritize']) {
      const r = await call(base, verb, body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.deepEqual(Object.keys(r.body as object).sort(), ['code', 'field', 'message']);
      assert.equal((r.body as { field: string }).field, field, JSON.stringify(body));
    }
  }
  assert.equal((await call(base, 'filter', null, { raw: '{"Pod":' })).status, 400);
  assert.equal((await call(base, 'filter', null, { raw: 'Pod=x', type: 'text/plain' })).status, 415);
  assert.equal((await call(base, 'prioritize', namesArgs({}, ['cheap']), { query: '?policy=greedy' })).status, 400);
  const anyValue = fc.oneof(fc.jsonValue(), fc.constant(null), fc.array(fc.string()));
  const body = fc.oneof(
    fc.record({ Pod: anyValue, Nodes: anyValue, NodeNames: anyValue }, { requiredKeys: [] }),
    fc.record({
      Pod: fc.record(
        { metadata: anyValue, spec: fc.record({ containers: anyValue, initContainers: anyValue, overhead: anyValue }, { requiredKeys: [] }) },
        { requiredKeys: [] },
      ),
      NodeNames: fc.array(fc.constantFrom('cheap', 'costly', 'broken', 'gpu', 'x')),
    }),
    fc.jsonValue(),
  );
  await fc.assert(
    fc.asyncProperty(body, fc.constantFrom('filter', 'prioritize'), async (b, verb) => {
      const r = await call(base, verb, b);
      assert.ok(r.status === 200 || r.status === 400, `${r.status} for ${JSON.stringify(b)}`);
    }),
    { numRuns: 300 },
  );
});

test('the fast JSON path: any node name comes back exactly (escapes too); prototype keys and deep nesting are refused as by the server', async () => {
  const base = await start();
  const names = fc.array(
    fc.oneof(fc.string({ minLength: 1, unit: 'binary' }), fc.constantFrom('cheap', 'a"b', 'c\\d', 'e\nf', '\u2028', '\u005f_proto__')),
    { minLength: 1, maxLength: 8 },
  );
  await fc.assert(
    fc.asyncProperty(names, async (ns) => {
      const r = await call(base, 'prioritize', namesArgs(pod(), ns));
      assert.equal(r.status, 200);
      assert.deepEqual(
        (r.body as { Host: string }[]).map((h) => h.Host),
        ns,
      );
    }),
    { numRuns: 100 },
  );
  // a unicode escape is a backslash: still exact
  const escaped = await call(base, 'prioritize', null, { raw: '{"Pod":{},"NodeNames":["ch\\u0065ap","costly"]}' });
  assert.deepEqual(escaped.body, [
    { Host: 'cheap', Score: 10 },
    { Host: 'costly', Score: 0 },
  ]);
  for (const raw of [
    '{"Pod":{"__proto__":{"x":1}},"NodeNames":["cheap"]}',
    '{"Pod":{"\\u005f_proto__":{"x":1}},"NodeNames":["cheap"]}',
    '{"Pod":{"constructor":{"prototype":{"x":1}}},"NodeNames":["cheap"]}',
  ]) {
    const r = await call(base, 'prioritize', null, { raw });
    assert.equal(r.status, 400, raw);
    assert.equal((r.body as { field: string }).field, 'body');
  }
  const deep = await call(base, 'filter', null, { raw: `{"Pod":${'['.repeat(70)}${']'.repeat(70)},"NodeNames":["cheap"]}` });
  assert.equal(deep.status, 400);
  assert.match((deep.body as { message: string }).message, /nested deeper than 64 levels/);
});
