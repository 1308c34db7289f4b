/**
 * @module fake-apiserver/server
 * `startFakeApiServer`: the in-process Kubernetes API server on 127.0.0.1 that client-node talks to
 * over real HTTPS (its own CA, client-certificate and bearer-token users), with kubeconfigs for it,
 * store access, write counters and hooks.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpsRequest, type Server } from 'node:https';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { KubeConfig } from '@kubernetes/client-node';
import { Admission, type ServiceResolver } from './admission.js';
import { FakeAuth } from './auth.js';
import { handleRequest, type HandlerState } from './handler.js';
import { Store } from './store.js';
import { fakePki, type FakePki } from './tls.js';
import type { FakeApiServer, FakeApiServerOptions, FakeCredentials, FakeRequestInfo, FakeWriteVerb, InjectedFailure, StoredObject } from './types.js';

/** The bearer token of the token user. */
const TOKEN = 'fake-token';
/** The token user: a service account, as an operator in a pod is. */
const TOKEN_USER = 'system:serviceaccount:default:fake';

function zeroCounts(): Record<FakeWriteVerb, number> {
  return { create: 0, update: 0, patch: 0, apply: 0, delete: 0, deletecollection: 0 };
}

/** How a kubeconfig reaches the server: CA inline or as a file, and the user entry (kubeconfig field names). */
export interface KubeconfigTrust {
  caPem?: string;
  caFile?: string;
  user: Record<string, unknown>;
}

/** The kubeconfig document for a server URL, CA and user. Pure. */
export function kubeconfigFor(url: string, trust: KubeconfigTrust): Record<string, unknown> {
  const cluster: Record<string, unknown> = { server: url };
  if (trust.caPem !== undefined) cluster['certificate-authority-data'] = Buffer.from(trust.caPem).toString('base64');
  if (trust.caFile !== undefined) cluster['certificate-authority'] = trust.caFile;
  return {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'fake',
    clusters: [{ name: 'fake', cluster }],
    users: [{ name: 'fake', user: trust.user }],
    contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake', namespace: 'default' } }],
  };
}

/** The kubeconfig user entry for credentials. Pure over the PKI. */
function userEntry(pki: FakePki, credentials: FakeCredentials): Record<string, unknown> {
  const b64 = (pem: string) => Buffer.from(pem).toString('base64');
  switch (credentials) {
    case 'client-certificate':
      return { 'client-certificate-data': b64(pki.admin.cert), 'client-key-data': b64(pki.admin.key) };
    case 'foreign-certificate':
      return { 'client-certificate-data': b64(pki.foreign.cert), 'client-key-data': b64(pki.foreign.key) };
    case 'token':
      return { token: TOKEN };
    case 'unknown-token':
      return { token: 'not-a-known-token' };
    case 'none':
      return {};
  }
}

/** `fetch` over node:https with the CA and a client certificate; the answer is a WHATWG Response (streamed). */
function tlsFetch(url: string, init: { method?: string; headers?: Record<string, string>; body?: string }, pki: FakePki): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      { method: init.method ?? 'GET', headers: init.headers, ca: pki.ca.cert, cert: pki.admin.cert, key: pki.admin.key },
      (res) => {
        const headers = new Headers();
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
        const status = res.statusCode ?? 500;
        const body = status === 204 || status === 304 ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
        resolve(new Response(body, { status, headers }));
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/**
 * Starts the fake API server on 127.0.0.1 (port 0 by default) over HTTPS and writes a kubeconfig for
 * it (the admin's client certificate, the server's CA).
 * @example
 * const api = await startFakeApiServer();
 * const core = api.kubeConfig.makeApiClient(CoreV1Api);
 * await core.createNamespace({ body: { metadata: { name: 'x' } } });
 * await api.stop();
 */
export async function startFakeApiServer(options: FakeApiServerOptions = {}): Promise<FakeApiServer> {
  const pki = fakePki();
  const auth = new FakeAuth();
  auth.tokens.set(TOKEN, { name: TOKEN_USER, groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'] });
  const store = new Store(options.eventLogSize ?? 10_000);
  const sockets = new Set<Socket>();
  let url = '';
  let resolveService: ServiceResolver | undefined;
  const webhookConfigs = (kind: string) =>
    store.registry.byKind('admissionregistration.k8s.io/v1', kind) ? [...store.raw(store.def('admissionregistration.k8s.io/v1', kind))] : [];
  const admission = new Admission(
    () => ({ mutating: webhookConfigs('MutatingWebhookConfiguration'), validating: webhookConfigs('ValidatingWebhookConfiguration') }),
    () => resolveService,
  );
  const state: HandlerState = {
    store,
    requests: zeroCounts(),
    hooks: new Set(),
    openWatches: new Set(),
    address: () => url.replace(/^https:\/\//, ''),
    maxBodyBytes: options.maxBodyBytes ?? 3 * 1024 * 1024,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 1000,
    admission,
    auth,
  };
  const server: Server = createServer(
    { key: pki.server.key, cert: pki.server.cert, ca: pki.ca.cert, requestCert: true, rejectUnauthorized: false },
    (req, res) => void handleRequest(state, req, res),
  );
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('fake API server has no TCP address');
  url = `https://127.0.0.1:${address.port}`;
  const dir = mkdtempSync(join(tmpdir(), 'fake-apiserver-'));
  let files = 0;
  const kubeconfigFileAs = (credentials: FakeCredentials): string => {
    const path = join(dir, `kubeconfig-${credentials}-${files++}`);
    const trust = credentials === 'token' ? { caFile: pki.ca.certFile } : { caPem: pki.ca.cert };
    writeFileSync(path, JSON.stringify(kubeconfigFor(url, { ...trust, user: userEntry(pki, credentials) }), null, 2), { mode: 0o600 });
    return path;
  };
  const kubeConfigAs = (credentials: FakeCredentials): KubeConfig => {
    const kc = new KubeConfig();
    kc.loadFromString(JSON.stringify(kubeconfigFor(url, { caPem: pki.ca.cert, user: userEntry(pki, credentials) })));
    return kc;
  };
  const kubeconfigPath = kubeconfigFileAs('client-certificate');
  const kubeConfig = kubeConfigAs('client-certificate');
  const writes = {
    get requests() {
      return state.requests;
    },
    get changes() {
      return store.changes;
    },
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
    ca: { pem: pki.ca.cert, file: pki.ca.certFile },
    token: TOKEN,
    kubeConfigAs,
    kubeconfigFileAs,
    fetch: (path, init = {}) => tlsFetch(/^https:/.test(path) ? path : url + path, init, pki),
    auth: {
      addToken: (token, user, groups = []) => {
        auth.tokens.set(token, { name: user, groups: [...groups, 'system:authenticated'] });
      },
      forbid: (rule) => {
        auth.rules.add(rule);
        return () => {
          auth.rules.delete(rule);
        };
      },
    },
    writes,
    store: {
      get: (apiVersion, kind, name, namespace) => {
        try {
          return store.get(store.def(apiVersion, kind), namespace, name);
        } catch {
          return undefined;
        }
      },
      list: (apiVersion, kind, namespace) => (store.registry.byKind(apiVersion, kind) ? store.list(store.def(apiVersion, kind), namespace) : []),
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
        return () => {
          state.hooks.delete(hook);
        };
      },
      closeWatches: () => {
        for (const close of [...state.openWatches]) close();
      },
      compact: () => store.hub.compact(store.rv),
      openWatches: () => state.openWatches.size,
      resolveService: (resolver) => {
        resolveService = resolver;
      },
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
