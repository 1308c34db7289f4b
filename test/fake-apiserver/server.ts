/**
 * @module fake-apiserver/server
 * `startFakeApiServer`: the in-process Kubernetes API server on 127.0.0.1 that client-node talks to
 * over real HTTP, with a kubeconfig for it, store access, write counters and hooks.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { Admission, type ServiceResolver } from './admission.js';
import { handleRequest, type HandlerState } from './handler.js';
import { Store } from './store.js';
import type { FakeApiServer, FakeApiServerOptions, FakeRequestInfo, FakeWriteVerb, InjectedFailure, StoredObject } from './types.js';

function zeroCounts(): Record<FakeWriteVerb, number> {
  return { create: 0, update: 0, patch: 0, apply: 0, delete: 0, deletecollection: 0 };
}

/** The kubeconfig document for a server URL. Pure. */
export function kubeconfigFor(url: string): Record<string, unknown> {
  return {
    apiVersion: 'v1', kind: 'Config', 'current-context': 'fake',
    clusters: [{ name: 'fake', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'fake', user: { token: 'fake-token' } }],
    contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake', namespace: 'default' } }],
  };
}

/**
 * Starts the fake API server on 127.0.0.1 (port 0 by default) and writes a kubeconfig for it.
 * @example
 * const api = await startFakeApiServer();
 * const core = api.kubeConfig.makeApiClient(CoreV1Api);
 * await core.createNamespace({ body: { metadata: { name: 'x' } } });
 * await api.stop();
 */
export async function startFakeApiServer(options: FakeApiServerOptions = {}): Promise<FakeApiServer> {
  const store = new Store(options.eventLogSize ?? 10_000);
  const sockets = new Set<Socket>();
  let url = '';
  let resolveService: ServiceResolver | undefined;
  const webhookConfigs = (kind: string) => store.registry.byKind('admissionregistration.k8s.io/v1', kind) ? [...store.raw(store.def('admissionregistration.k8s.io/v1', kind))] : [];
  const admission = new Admission(
    () => ({ mutating: webhookConfigs('MutatingWebhookConfiguration'), validating: webhookConfigs('ValidatingWebhookConfiguration') }),
    () => resolveService,
  );
  const state: HandlerState = {
    store,
    requests: zeroCounts(),
    hooks: new Set(),
    openWatches: new Set(),
    address: () => url.replace(/^http:\/\//, ''),
    maxBodyBytes: options.maxBodyBytes ?? 3 * 1024 * 1024,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 1000,
    admission,
  };
  const server: Server = createServer((req, res) => void handleRequest(state, req, res));
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('fake API server has no TCP address');
  url = `http://127.0.0.1:${address.port}`;
  const dir = mkdtempSync(join(tmpdir(), 'fake-apiserver-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, JSON.stringify(kubeconfigFor(url), null, 2), { mode: 0o600 });
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'fake', server: url, skipTLSVerify: true }],
    users: [{ name: 'fake', token: 'fake-token' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'fake', namespace: 'default' }],
    currentContext: 'fake',
  });
  const writes = {
    get requests() { return state.requests; },
    get changes() { return store.changes; },
    total: () => Object.values(state.requests).reduce((a, b) => a + b, 0),
    reset: () => {
      state.requests = zeroCounts();
      store.changes = 0;
    },
  };
  return {
    url,
    kubeConfig,
    kubeconfigPath,
    writes,
    store: {
      get: (apiVersion, kind, name, namespace) => {
        try { return store.get(store.def(apiVersion, kind), namespace, name); } catch { return undefined; }
      },
      list: (apiVersion, kind, namespace) => store.registry.byKind(apiVersion, kind) ? store.list(store.def(apiVersion, kind), namespace) : [],
      seed: (...objects) => {
        const out: StoredObject[] = [];
        for (const o of objects) {
          if (!o.metadata?.name) throw new Error(`cannot seed a ${o.kind} without metadata.name`);
          out.push(store.seed(store.def(o.apiVersion, o.kind), o));
        }
        return out;
      },
      resourceVersion: () => store.rv,
      size: () => store.size(),
      resources: () => store.registry.all(),
    },
    hooks: {
      onRequest: (hook: (req: FakeRequestInfo) => InjectedFailure | undefined) => {
        state.hooks.add(hook);
        return () => { state.hooks.delete(hook); };
      },
      closeWatches: () => { for (const close of [...state.openWatches]) close(); },
      compact: () => store.hub.compact(store.rv),
      openWatches: () => state.openWatches.size,
      resolveService: (resolver) => { resolveService = resolver; },
    },
    stop: async () => {
      for (const close of [...state.openWatches]) close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
