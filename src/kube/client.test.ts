import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { widgetCrd } from '../../test/fake-apiserver/fixtures.js';
import { startFakeApiServer, type FakeApiServer } from '../../test/fake-apiserver/index.js';
import { KubeClient } from './client.js';
import { KubeError, isAlreadyExists, isConflict, isNotFound } from './errors.js';
import type { KubeObject } from './types.js';
import { WriteCounter } from './write-counter.js';

const CM = { apiVersion: 'v1', kind: 'ConfigMap' } as const;
const WIDGET = { apiVersion: 'example.com/v1', kind: 'Widget' } as const;
const CRD = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' } as const;

describe('KubeClient on the fake API server', () => {
  let api: FakeApiServer;
  let client: KubeClient;
  const counter = new WriteCounter();
  before(async () => {
    api = await startFakeApiServer();
    client = new KubeClient({ kubeConfig: api.kubeConfig, writeCounter: counter });
  });
  after(() => api.stop());

  test('create, get, list with selectors, replace, delete — plain JSON with string timestamps', async () => {
    const created: KubeObject = await client.create({ ...CM, metadata: { name: 'a', namespace: 'default', labels: { app: 'x' } }, data: { k: 'v' } });
    assert.equal(typeof created.metadata.creationTimestamp, 'string');
    const got = await client.get<KubeObject & { data: Record<string, string> }>(CM, 'a', 'default');
    assert.equal(got.data.k, 'v');
    await client.create({ ...CM, metadata: { name: 'b', namespace: 'default', labels: { app: 'y' } } });
    const list = await client.list(CM, { namespace: 'default', labelSelector: { app: 'x' } });
    assert.deepEqual(
      list.items.map((i) => [i.kind, i.apiVersion, i.metadata.name]),
      [['ConfigMap', 'v1', 'a']],
      'items get kind/apiVersion filled in',
    );
    assert.ok(Number(list.metadata.resourceVersion) > 0);
    const byField = await client.list(CM, { fieldSelector: 'metadata.name=b' });
    assert.deepEqual(
      byField.items.map((i) => i.metadata.name),
      ['b'],
    );
    const replaced = await client.replace({ ...got, data: { k: 'w' } });
    assert.equal((replaced as typeof got).data.k, 'w');
    await client.delete(CM, 'a', 'default', { propagationPolicy: 'Background' });
    assert.equal(await client.getOrUndefined(CM, 'a', 'default'), undefined);
    assert.equal(await client.deleteIfExists(CM, 'a', 'default'), false);
  });

  test('errors are KubeErrors: NotFound, AlreadyExists, Conflict on a stale update', async () => {
    await assert.rejects(client.get(CM, 'missing', 'default'), (e) => e instanceof KubeError && isNotFound(e) && e.reason === 'NotFound');
    const c = await client.create({ ...CM, metadata: { name: 'dup', namespace: 'default' } });
    await assert.rejects(client.create({ ...CM, metadata: { name: 'dup', namespace: 'default' } }), isAlreadyExists);
    await client.replace({ ...c, data: { x: '1' } });
    await assert.rejects(client.replace({ ...c, data: { x: '2' } }), isConflict);
  });

  test('an unknown kind is a 404 KubeError with PP_KUBE_UNKNOWN_KIND', async () => {
    await assert.rejects(
      client.get({ apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor' }, 'x', 'default'),
      (e) => e instanceof KubeError && isNotFound(e) && e.code === 'PP_KUBE_UNKNOWN_KIND',
    );
    assert.equal(await client.resolver.serves({ apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor' }), false);
  });

  test('crdExists follows CRD creation; discovery picks up the new kind; apply and status work on it', async () => {
    assert.equal(await client.crdExists('example.com', 'widgets'), false);
    await assert.rejects(client.get(WIDGET, 'w', 'default'), isNotFound);
    await client.create({ ...CRD, ...widgetCrd() } as KubeObject);
    assert.equal(await client.crdExists('example.com', 'widgets'), true);
    const info = await client.resource(WIDGET);
    assert.deepEqual([info.plural, info.namespaced, info.subresources], ['widgets', true, ['status']]);

    counter.reset();
    api.writes.reset();
    const w = { ...WIDGET, metadata: { name: 'w', namespace: 'default' }, spec: { size: 2 } };
    await client.apply(w, { fieldManager: 'powerplane-operator' });
    await client.apply(w, { fieldManager: 'powerplane-operator' });
    assert.deepEqual(counter.byVerb(), { apply: 2 });
    assert.equal(api.writes.changes, 1, 'the second apply changed nothing');

    await assert.rejects(client.apply({ ...w, spec: { size: 3 } }, { fieldManager: 'someone-else' }), isConflict);
    const forced = await client.apply({ ...w, spec: { size: 3 } }, { fieldManager: 'someone-else', force: true });
    assert.deepEqual(forced.spec, { size: 3 });

    const st = await client.applyStatus(
      { ...WIDGET, metadata: { name: 'w', namespace: 'default' }, status: { ready: true } },
      { fieldManager: 'powerplane-operator' },
    );
    assert.deepEqual(st.status, { ready: true });
    const patched = await client.patchStatus(WIDGET, 'w', 'default', { status: { ready: false } });
    assert.deepEqual(patched.status, { ready: false });
    assert.deepEqual(patched.spec, { size: 3 });
    const merged = await client.mergePatch(WIDGET, 'w', 'default', { metadata: { labels: { a: 'b' } } });
    assert.deepEqual(merged.metadata.labels, { a: 'b' });
    const jp = await client.jsonPatch(WIDGET, 'w', 'default', [{ op: 'replace', path: '/spec/size', value: 4 }]);
    assert.deepEqual(jp.spec, { size: 4 });
    assert.deepEqual(counter.byVerb(), { apply: 5, patch: 3 });
    assert.equal(counter.byKind().Widget, 8);
  });

  test('delete of an object with a finalizer returns it with deletionTimestamp', async () => {
    await client.create({ ...CM, metadata: { name: 'held', namespace: 'default', finalizers: ['x/y'] } });
    const r = (await client.delete(CM, 'held', 'default')) as KubeObject;
    assert.ok(r.metadata.deletionTimestamp);
    await client.mergePatch(CM, 'held', 'default', { metadata: { finalizers: null } });
    assert.equal(await client.getOrUndefined(CM, 'held', 'default'), undefined);
  });

  test('an unreachable server gives PP_KUBE_UNREACHABLE', async () => {
    const other = await startFakeApiServer();
    const c = new KubeClient({ kubeConfig: other.kubeConfig });
    await other.stop();
    await assert.rejects(c.get(CM, 'x', 'default'), (e) => e instanceof KubeError && e.code === 'PP_KUBE_UNREACHABLE' && e.httpStatus === 0);
  });
});

test('a request to a server that never answers fails after the timeout with status 0', async () => {
  const { createServer } = await import('node:http');
  const { KubeConfig } = await import('@kubernetes/client-node');
  const silent = createServer(() => {
    /* never answers */
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
  const port = (silent.address() as { port: number }).port;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  const c = new KubeClient({ kubeConfig: kc, timeoutMs: 100 });
  await assert.rejects(c.get(CM, 'x', 'default'), (e) => e instanceof KubeError && e.httpStatus === 0 && e.reason === 'Timeout');
  silent.closeAllConnections();
  await new Promise<void>((r) => silent.close(() => r()));
});
