/**
 * Cluster mode against the in-process fake API server over real HTTP: Estimator resources (with the
 * operator's CRD) and Nodes are watched; the registry follows creates, spec changes, node label changes
 * and deletes; an invalid spec is not served; Basic-auth Secrets are read from the Estimator's namespace.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeApiServer, type FakeApiServer } from '../fake-apiserver/index.js';
import { powerplaneCrds } from '../helpers/kube.js';
import { silentLogger } from '../../src/core/logger.js';
import { EstimatorRegistry } from '../../src/estimator/registry.js';
import { startClusterSource, type ClusterSource } from '../../src/estimator/cluster-source.js';

let api: FakeApiServer;
let source: ClusterSource;
const registry = new EstimatorRegistry();

const node = (name: string, base: number, wpc: number) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'waofed.bitmedia.co.jp/fakepcp.basewatts': String(base), 'waofed.bitmedia.co.jp/fakepcp.wpc': String(wpc) } },
  status: { allocatable: { cpu: '8' }, capacity: { cpu: '8' }, addresses: [{ type: 'InternalIP', address: '10.0.0.1' }] },
});
const estimator = (name: string, spec: object) => ({
  apiVersion: 'powerplane.io/v1alpha1',
  kind: 'Estimator',
  metadata: { name, namespace: 'default' },
  spec,
});
const fakeSpec = {
  defaultNodeConfig: { nodeMonitor: { agents: [{ type: 'Fake' }] }, powerConsumptionPredictor: { type: 'Fake' } },
  nodeConfigOverrides: { 'control-plane': { powerConsumptionPredictor: { type: 'None' } } },
};

/** Polls until `check` passes (the source rebuilds after a short debounce). */
async function eventually(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}

before(async () => {
  api = await startFakeApiServer();
  api.store.seed(...powerplaneCrds());
  api.store.seed(node('control-plane', 0, 0), node('worker', 100, 10), node('worker2', 50, 20));
  api.store.seed(estimator('default', fakeSpec));
  registry.start();
  source = await startClusterSource({ registry, kubeconfig: api.kubeconfigPath, log: silentLogger(), debounceMs: 20 });
});
after(async () => {
  await source.stop();
  registry.stop();
  await api.stop();
});

test("Estimator resources and Nodes from the API server give WAO's kind-cluster answer", async () => {
  assert.equal(source.synced(), true);
  const est = registry.get('default', 'default');
  assert.ok(est);
  assert.deepEqual(est.nodes.map((n) => [n.node.name, n.node.allocatableMilli, n.node.address]).sort(), [
    ['control-plane', 8000, '10.0.0.1'],
    ['worker', 8000, '10.0.0.1'],
    ['worker2', 8000, '10.0.0.1'],
  ]);
  assert.deepEqual((await est.estimate(500, 5)).watt_increases, [5, 10, 15, 20, 25]);
});

test('node label changes, new and deleted Estimators, invalid specs', async () => {
  const core = `${api.url}/api/v1/nodes/worker`;
  const res = await api.fetch(core, {
    method: 'PATCH',
    headers: { 'content-type': 'application/merge-patch+json', authorization: 'Bearer fake-token' },
    body: JSON.stringify({ metadata: { labels: { 'waofed.bitmedia.co.jp/fakepcp.wpc': '2' } } }),
  });
  assert.equal(res.status, 200);
  await eventually(async () => (await registry.get('default', 'default')?.estimate(500, 1))?.watt_increases[0] === 1, 'the new worker label');
  const crs = `${api.url}/apis/powerplane.io/v1alpha1/namespaces/default/estimators`;
  const post = (body: object) =>
    api.fetch(crs, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer fake-token' },
      body: JSON.stringify(body),
    });
  assert.equal((await post(estimator('second', { defaultNodeConfig: { powerConsumptionPredictor: { type: 'None' } } }))).status, 201);
  await eventually(() => registry.get('default', 'second') !== undefined, 'the second Estimator');
  assert.deepEqual((await registry.get('default', 'second')!.estimate(500, 1)).watt_increases, [Infinity]);
  await api.fetch(`${crs}/second`, { method: 'DELETE', headers: { authorization: 'Bearer fake-token' } });
  await eventually(() => registry.get('default', 'second') === undefined, 'the deleted Estimator to go');
  // an object that bypassed the CRD's validation is logged and not served
  api.store.seed(estimator('broken', { defaultNodeConfig: { powerConsumptionPredictor: { type: 'TFServing' } } }));
  api.store.seed(estimator('third', { defaultNodeConfig: { powerConsumptionPredictor: { type: 'None' } } }));
  await eventually(() => registry.get('default', 'third') !== undefined, 'the third Estimator');
  assert.equal(registry.get('default', 'broken'), undefined);
});

test("basic-auth Secrets are read from the Estimator's namespace for Redfish agents", async () => {
  api.store.seed({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'bmc', namespace: 'default' },
    data: { username: Buffer.from('admin').toString('base64'), password: Buffer.from('pw').toString('base64') },
  });
  const seen: string[] = [];
  const { createServer } = await import('node:http');
  const bmc = createServer((req, res) => {
    seen.push(req.headers.authorization ?? '');
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => bmc.listen(0, '127.0.0.1', r));
  const port = (bmc.address() as { port: number }).port;
  try {
    const crs = `${api.url}/apis/powerplane.io/v1alpha1/namespaces/default/estimators`;
    const spec = {
      defaultNodeConfig: {
        nodeMonitor: { refreshInterval: '1s', agents: [{ type: 'Redfish', endpoint: `http://127.0.0.1:${port}`, basicAuthSecret: { name: 'bmc' } }] },
        powerConsumptionPredictor: { type: 'None' },
      },
    };
    const r = await api.fetch(crs, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer fake-token' },
      body: JSON.stringify(estimator('bmc', spec)),
    });
    assert.equal(r.status, 201);
    await eventually(() => seen.length > 0, 'a Redfish request');
    assert.equal(seen[0], 'Basic ' + Buffer.from('admin:pw').toString('base64'));
  } finally {
    bmc.closeAllConnections();
    await new Promise((r) => bmc.close(r));
  }
});
