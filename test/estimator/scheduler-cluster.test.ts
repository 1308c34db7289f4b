/**
 * The scheduler extender in cluster mode, against the in-process fake API server over real HTTPS: the
 * estimator's pod watch keeps per-node, per-workload pod counts (spread policy) and sees bindings
 * (bound-node metric). Pods are created, bound (spec.nodeName), terminated and deleted through the API;
 * the extender's answers over HTTP follow. The watch survives closed streams (resumes from its
 * resourceVersion) and a compacted event log (410 Gone → relist).
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeApiServer, type FakeApiServer } from '../fake-apiserver/index.js';
import { powerplaneCrds } from '../helpers/kube.js';
import { createServer, type PowerplaneServer } from '../../src/core/server.js';
import { defaultConfig } from '../../src/core/config.js';
import { silentLogger } from '../../src/core/logger.js';
import { createEstimatorComponent } from '../../src/estimator/component.js';

let api: FakeApiServer;
let server: PowerplaneServer;
let base: string;

const node = (name: string, wpc: number) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'waofed.bitmedia.co.jp/fakepcp.basewatts': '100', 'waofed.bitmedia.co.jp/fakepcp.wpc': String(wpc) } },
  status: { allocatable: { cpu: '8' }, capacity: { cpu: '8' } },
});
const NODES = ['cheap', 'mid', 'costly'];
/** A pod of the Deployment `web` (through its ReplicaSet web-h1), 1 CPU. */
const webPod = (name: string, nodeName?: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'default',
    labels: { app: 'web', 'pod-template-hash': 'h1' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-h1', uid: 'rs-uid', controller: true }],
  },
  spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.9', resources: { requests: { cpu: '1' } } }] },
});
const PODS = '/api/v1/namespaces/default/pods';
const H = { authorization: 'Bearer fake-token' };
async function kube(method: string, path: string, body?: object, type = 'application/json'): Promise<Record<string, any>> {
  const res = await api.fetch(`${api.url}${path}`, {
    method,
    headers: { ...H, 'content-type': type },
    body: body ? JSON.stringify(body) : undefined,
  });
  assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${await res.clone().text()}`);
  return (await res.json()) as Record<string, any>;
}
const patch = (path: string, body: object) => kube('PATCH', path, body, 'application/merge-patch+json');

async function extender(verb: string, pod: object, query = '?policy=spread'): Promise<any> {
  const res = await fetch(`${base}/scheduler/${verb}${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ Pod: pod, Nodes: null, NodeNames: NODES }),
  });
  assert.equal(res.status, 200);
  return res.json();
}
/** The spread filter's answer for a new pod of `web`: passing nodes and the reasons of the rest. */
const spreadFilter = async () => (await extender('filter', webPod('web-h1-new'))) as { NodeNames: string[]; FailedNodes: Record<string, string> };

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}
const passing = (names: string[]) => async () => JSON.stringify((await spreadFilter()).NodeNames) === JSON.stringify(names);

before(async () => {
  api = await startFakeApiServer();
  api.store.seed(...powerplaneCrds());
  api.store.seed(node('cheap', 10), node('mid', 20), node('costly', 40));
  api.store.seed({
    apiVersion: 'powerplane.io/v1alpha1',
    kind: 'Estimator',
    metadata: { name: 'default', namespace: 'default' },
    spec: { defaultNodeConfig: { powerConsumptionPredictor: { type: 'Fake' } } },
  });
  const config = defaultConfig({ 'kube.enable': true, 'kube.config': api.kubeconfigPath });
  const log = silentLogger();
  server = await createServer({ log, components: [await createEstimatorComponent({ config, log })] });
  base = await server.listen('127.0.0.1:0');
});
after(async () => {
  await server.close();
  await api.stop();
});

test('spread: pods created and bound through the API fill the counts; full nodes are filtered with a reason and score 0', async () => {
  assert.deepEqual((await spreadFilter()).NodeNames, NODES);
  await kube('POST', PODS, webPod('web-h1-a', 'cheap'));
  await eventually(passing(['mid', 'costly']), 'cheap to be full');
  const f = await spreadFilter();
  assert.match(f.FailedNodes.cheap, /spread: 1 pod\(s\) of this workload already on the node \(at most 1\)/);
  assert.deepEqual(await extender('prioritize', webPod('web-h1-new')), [
    { Host: 'cheap', Score: 0 },
    { Host: 'mid', Score: 10 },
    { Host: 'costly', Score: 0 },
  ]);
  // another workload's pods do not count; a pending pod does not count
  await kube('POST', PODS, { ...webPod('other', 'mid'), metadata: { name: 'other', namespace: 'default' } });
  await kube('POST', PODS, webPod('web-h1-pending'));
  // the default policy ignores the counts
  assert.deepEqual((await extender('filter', webPod('web-h1-new'), '')).NodeNames, NODES);
  assert.deepEqual((await spreadFilter()).NodeNames, ['mid', 'costly']);
});

test('bound-node metric: a pod prioritized then bound records the watts predicted on the node it was bound to', async () => {
  const created = await kube('POST', PODS, webPod('web-h1-b'));
  const scored = (await extender('prioritize', created, '')) as { Host: string; Score: number }[];
  assert.deepEqual(
    scored.map((h) => h.Score),
    [10, 7, 0],
  );
  // kube-scheduler's own plugins may outweigh the extender: the pod goes to "costly" (40 W per core)
  await patch(`${PODS}/web-h1-b`, { spec: { nodeName: 'costly' } });
  await eventually(
    async () => /powerplane_scheduler_bound_node_added_watts_count 1\n/.test(await (await fetch(`${base}/metrics`)).text()),
    'the binding to be seen',
  );
  assert.match(await (await fetch(`${base}/metrics`)).text(), /powerplane_scheduler_bound_node_added_watts_sum 40\n/);
  // and the counts follow: costly now holds one pod of web too
  await eventually(passing(['mid']), 'costly to be full');
});

test('terminated and deleted pods leave the counts; the watch resumes after closed streams and a compacted log', async () => {
  await kube('PATCH', `${PODS}/web-h1-a/status`, { status: { phase: 'Succeeded' } }, 'application/merge-patch+json');
  await eventually(passing(['cheap', 'mid']), 'the terminated pod to leave cheap');
  api.hooks.closeWatches();
  await kube('DELETE', `${PODS}/web-h1-b`);
  await eventually(passing(NODES), 'the deleted pod to leave costly');
  api.hooks.compact();
  api.hooks.closeWatches();
  await kube('POST', PODS, webPod('web-h1-c', 'mid'));
  await eventually(passing(['cheap', 'costly']), 'a pod created after the relist to count');
});
