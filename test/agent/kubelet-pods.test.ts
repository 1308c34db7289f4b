// Pods from the kubelet /pods endpoint: a real HTTPS server with a self-signed certificate plays the
// kubelet; the fake API server holds the Node object that names its address and port.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeletPodList } from '../../src/agent/pods/kubelet.js';
import { createPodResolver } from '../../src/agent/pods/index.js';
import { defaultConfig } from '../../src/core/config.js';
import { silentLogger } from '../../src/core/logger.js';
import { startFakeApiServer } from '../fake-apiserver/index.js';
import { OpensslPki } from '../helpers/tls.js';

const A = 'a'.repeat(64);
const PODS = {
  kind: 'PodList',
  items: [
    {
      metadata: { uid: 'u-1', name: 'web-0', namespace: 'shop' },
      status: { containerStatuses: [{ name: 'web', containerID: `containerd://${A}` }] },
    },
  ],
};

async function fakeKubelet(dir: string, expectToken: () => string | undefined): Promise<{ server: Server; port: number; seen: string[] }> {
  const pki = new OpensslPki(dir, 1).selfSigned('kubelet', '/CN=kubelet');
  const seen: string[] = [];
  const server = createServer({ key: pki.pem('kubelet.key'), cert: pki.pem('kubelet.crt') }, (req, res) => {
    const auth = req.headers.authorization ?? '';
    seen.push(auth);
    const want = expectToken();
    if (req.url === '/pods' && auth === 'Bearer no-nodes-proxy') {
      res.writeHead(403).end(); // authenticated, not authorized
      return;
    }
    if (req.url !== '/pods' || (want !== undefined && auth !== `Bearer ${want}`)) {
      res.writeHead(req.url !== '/pods' ? 404 : 401).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(PODS));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as { port: number }).port, seen };
}

test('the bearer token is re-read from its file on every request; a refused request is an error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pp-kubelet-'));
  const tokenFile = join(dir, 'token');
  let valid = 'first';
  const k = await fakeKubelet(dir, () => valid);
  try {
    writeFileSync(tokenFile, 'first\n');
    const list = new KubeletPodList('127.0.0.1', k.port, tokenFile);
    assert.equal((await list.list())[0].metadata?.name, 'web-0');
    writeFileSync(tokenFile, 'second\n'); // rotated
    valid = 'second';
    assert.equal((await list.list()).length, 1);
    assert.deepEqual(k.seen, ['Bearer first', 'Bearer second']);
    valid = 'third';
    await assert.rejects(
      list.list(),
      (e: Error & { code?: string }) =>
        e.code === 'PP_AGENT_PODS' && /answered 401 \(authentication failed/.test(e.message) && !/RBAC/.test(e.message),
    );
    writeFileSync(tokenFile, 'no-nodes-proxy\n');
    await assert.rejects(
      list.list(),
      (e: Error & { code?: string }) => e.code === 'PP_AGENT_PODS' && /answered 403 \(forbidden: RBAC needs get on nodes\/proxy/.test(e.message),
    );
  } finally {
    k.server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('kubelet mode finds the kubelet from the Node object and maps container ids to pods', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pp-kubelet-'));
  const k = await fakeKubelet(dir, () => undefined);
  const api = await startFakeApiServer();
  try {
    api.store.seed({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n1' },
      status: {
        addresses: [
          { type: 'Hostname', address: 'n1' },
          { type: 'InternalIP', address: '127.0.0.1' },
        ],
        daemonEndpoints: { kubeletEndpoint: { Port: k.port } },
      },
    });
    const config = defaultConfig();
    config.kube.enable = true;
    config.kube.config = api.kubeconfigPath;
    const r = await createPodResolver(config, 'n1', silentLogger());
    assert.ok(r);
    await r.start();
    try {
      assert.equal(r.source, 'kubelet');
      assert.deepEqual(r.lookup(A), { uid: 'u-1', name: 'web-0', namespace: 'shop', containerName: 'web', cpuRequestMilli: 0 });
    } finally {
      await r.stop();
    }
    await assert.rejects(
      createPodResolver(config, 'missing-node', silentLogger()),
      (e: Error & { code?: string }) => e.code === 'PP_AGENT_PODS' && /--kube.node-name/.test(e.message),
    );
  } finally {
    await api.stop();
    k.server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without --kube.enable there is no pod source', async () => {
  assert.equal(await createPodResolver(defaultConfig(), 'n1', silentLogger()), undefined);
});
