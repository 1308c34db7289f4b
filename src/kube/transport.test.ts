import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startFakeApiServer, type FakeApiServer } from '../../test/fake-apiserver/index.js';
import { KubeClient } from './client.js';
import { KubeError } from './errors.js';
import { loadKubeConfig } from './kubeconfig.js';
import { agentFingerprint, retireAgent } from './transport.js';
import { ApiConnectivity, type ConnectivityChange } from './connectivity.js';

const CM = { apiVersion: 'v1', kind: 'ConfigMap' } as const;
const NODE = { apiVersion: 'v1', kind: 'Node' } as const;

/** Eight lists at once, as the operator's reconcile and the informers issue them. */
async function parallelLists(client: KubeClient): Promise<number[]> {
  const kinds = [CM, NODE, CM, NODE, CM, NODE, CM, NODE];
  const lists = await Promise.all(kinds.map((k, i) => client.list(k, k === CM ? { namespace: i % 4 === 0 ? 'default' : 'kube-system' } : {})));
  return lists.map((l) => l.items.length);
}

describe('transport over HTTPS with TLS verification', () => {
  let api: FakeApiServer;
  let root: string;
  before(async () => {
    api = await startFakeApiServer();
    api.store.seed(
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' } },
    );
    root = mkdtempSync(join(tmpdir(), 'transport-test-'));
  });
  after(async () => {
    await api.stop();
    rmSync(root, { recursive: true, force: true });
  });

  test('8 parallel lists with a client certificate all succeed, twice (connections reused)', async () => {
    const client = new KubeClient({ kubeConfig: api.kubeConfig });
    assert.deepEqual(await parallelLists(client), [1, 1, 0, 1, 1, 1, 0, 1]);
    assert.deepEqual(await parallelLists(client), [1, 1, 0, 1, 1, 1, 0, 1]);
  });

  test('8 parallel lists with a service-account token and CA file (in-cluster configuration) all succeed', async () => {
    const sa = join(root, 'var/run/secrets/kubernetes.io/serviceaccount');
    mkdirSync(sa, { recursive: true });
    writeFileSync(join(sa, 'token'), api.token);
    writeFileSync(join(sa, 'ca.crt'), api.ca.pem);
    writeFileSync(join(sa, 'namespace'), 'default');
    const port = new URL(api.url).port;
    const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
    process.env.KUBERNETES_SERVICE_HOST = '127.0.0.1';
    process.env.KUBERNETES_SERVICE_PORT = port;
    let loaded;
    try {
      loaded = loadKubeConfig({ inCluster: true, rootDir: root });
    } finally {
      for (const [k, v] of [
        ['KUBERNETES_SERVICE_HOST', saved.host],
        ['KUBERNETES_SERVICE_PORT', saved.port],
      ] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    assert.equal(loaded.kubeConfig.getCurrentCluster()?.skipTLSVerify, false);
    const client = new KubeClient({ kubeConfig: loaded.kubeConfig });
    assert.deepEqual(await parallelLists(client), [1, 1, 0, 1, 1, 1, 0, 1]);
  });

  test('8 parallel lists with a bearer token from a kubeconfig file naming the CA file all succeed', async () => {
    const client = new KubeClient({ kubeConfig: loadKubeConfig({ kubeconfig: api.kubeconfigFileAs('token') }).kubeConfig });
    assert.deepEqual(await parallelLists(client), [1, 1, 0, 1, 1, 1, 0, 1]);
  });

  test('unknown credentials are 401; a forbid rule is 403 naming user, verb and resource', async () => {
    for (const creds of ['unknown-token', 'foreign-certificate', 'none'] as const) {
      const client = new KubeClient({ kubeConfig: api.kubeConfigAs(creds) });
      await assert.rejects(client.list(NODE), (e) => e instanceof KubeError && e.httpStatus === 401 && e.reason === 'Unauthorized', creds);
    }
    const unforbid = api.auth.forbid({ user: 'system:serviceaccount:default:fake', verb: 'list', resource: 'nodes' });
    try {
      const token = new KubeClient({ kubeConfig: api.kubeConfigAs('token') });
      await assert.rejects(
        token.list(NODE),
        (e) =>
          e instanceof KubeError &&
          e.httpStatus === 403 &&
          /User "system:serviceaccount:default:fake" cannot list resource "nodes" in API group "" at the cluster scope/.test(e.message),
      );
      assert.equal((await new KubeClient({ kubeConfig: api.kubeConfig }).list(NODE)).items.length, 1, 'the admin is not forbidden');
    } finally {
      unforbid();
    }
  });

  test('a client that does not trust the server CA fails with PP_KUBE_UNREACHABLE', async () => {
    const kc = api.kubeConfigAs('token');
    kc.clusters = kc.clusters.map((c) => ({ ...c, caData: undefined, caFile: undefined }));
    await assert.rejects(
      new KubeClient({ kubeConfig: kc }).list(NODE),
      (e) => e instanceof KubeError && e.code === 'PP_KUBE_UNREACHABLE' && /certificate/i.test(e.message),
    );
  });
});

test('agentFingerprint compares TLS options by content, not identity', () => {
  const a = agentFingerprint('Agent', { ca: Buffer.from('CA'), cert: Buffer.from('C'), key: Buffer.from('K') });
  assert.equal(agentFingerprint('Agent', { ca: Buffer.from('CA'), cert: Buffer.from('C'), key: Buffer.from('K') }), a);
  assert.notEqual(agentFingerprint('Agent', { ca: Buffer.from('CA'), cert: Buffer.from('C2'), key: Buffer.from('K') }), a);
  assert.notEqual(agentFingerprint('Agent', { ca: Buffer.from('CA'), cert: Buffer.from('C'), key: Buffer.from('K'), rejectUnauthorized: false }), a);
  assert.notEqual(agentFingerprint('Agent', { ca: Buffer.from('CAC'), key: Buffer.from('K') }), a, 'field boundaries count');
});

test('a retired agent lets its request in flight finish, then closes the connection', async () => {
  let release!: () => void;
  const held = new Promise<void>((r) => {
    release = r;
  });
  const server = createServer((req, res) => {
    if (req.url === '/slow') void held.then(() => res.end('slow done'));
    else res.end('fast');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  const agent = new Agent({ keepAlive: true });
  const get = (path: string) =>
    new Promise<string>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path, agent }, (res) => {
        let body = '';
        res.on('data', (c) => {
          body += String(c);
        });
        res.on('end', () => resolve(body));
        res.on('error', reject);
      })
        .on('error', reject)
        .end();
    });
  try {
    assert.equal(await get('/fast'), 'fast');
    assert.equal(Object.values(agent.freeSockets).flat().length, 1, 'an idle keep-alive socket');
    const slow = get('/slow');
    await new Promise((r) => setTimeout(r, 50));
    retireAgent(agent);
    release();
    assert.equal(await slow, 'slow done', 'the request in flight is not cut');
    await new Promise((r) => setImmediate(r));
    assert.equal(Object.values(agent.freeSockets).flat().length, 0, 'no socket is kept for reuse');
  } finally {
    agent.destroy();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('connectivity: one report when the API server goes away, one when it answers again', async () => {
  const first = await startFakeApiServer();
  const port = Number(new URL(first.url).port);
  const changes: ConnectivityChange[] = [];
  const connectivity = new ApiConnectivity((c) => changes.push(c));
  const client = new KubeClient({ kubeConfig: first.kubeConfig, connectivity });
  await client.list(CM);
  assert.equal(changes.length, 0);
  await first.stop();
  await assert.rejects(client.list(CM), (e) => e instanceof KubeError && e.httpStatus === 0);
  await assert.rejects(client.list(CM), (e) => e instanceof KubeError && e.httpStatus === 0);
  assert.equal(changes.length, 1);
  assert.equal(changes[0].reachable, false);
  assert.match(changes[0].error ?? '', /ECONNREFUSED|socket hang up|ECONNRESET/);
  assert.equal(connectivity.reachable, false);
  const second = await startFakeApiServer({ port });
  try {
    await assert.rejects(client.get(CM, 'nope', 'default'), (e) => e instanceof KubeError && e.httpStatus === 404, 'an error answer is an answer');
    assert.equal(changes.length, 2);
    assert.equal(changes[1].reachable, true);
    assert.ok((changes[1].downMs ?? -1) >= 0);
    assert.equal(connectivity.reachable, true);
  } finally {
    await second.stop();
  }
});
