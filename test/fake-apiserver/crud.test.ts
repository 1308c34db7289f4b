import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AppsV1Api, CoreV1Api, type V1Deployment } from '@kubernetes/client-node';
import { startFakeApiServer, type FakeApiServer } from './index.js';
import { apiFailure } from '../helpers/kube.js';

function deployment(name: string, replicas = 1): V1Deployment {
  return {
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
    },
  };
}

describe('fake API server: CRUD through client-node 1.4.0', () => {
  let api: FakeApiServer;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  before(async () => {
    api = await startFakeApiServer();
    core = api.kubeConfig.makeApiClient(CoreV1Api);
    apps = api.kubeConfig.makeApiClient(AppsV1Api);
    await core.createNamespace({ body: { metadata: { name: 'crud' } } });
  });
  after(() => api.stop());

  test('create sets uid, resourceVersion, creationTimestamp; get returns it; the RV increases globally', async () => {
    const a = await core.createNamespacedConfigMap({ namespace: 'crud', body: { metadata: { name: 'a' }, data: { k: 'v' } } });
    const b = await core.createNamespacedConfigMap({ namespace: 'crud', body: { metadata: { name: 'b' }, data: { k: 'v' } } });
    assert.match(a.metadata!.uid!, /^[0-9a-f-]{36}$/);
    assert.ok(a.metadata!.creationTimestamp instanceof Date);
    assert.ok(Number(b.metadata!.resourceVersion) > Number(a.metadata!.resourceVersion));
    const got = await core.readNamespacedConfigMap({ name: 'a', namespace: 'crud' });
    assert.equal(got.data!.k, 'v');
    assert.equal(got.metadata!.uid, a.metadata!.uid);
  });

  test('404 NotFound and 409 AlreadyExists come back as Status objects', async () => {
    const nf = await apiFailure(core.readNamespacedConfigMap({ name: 'nope', namespace: 'crud' }));
    assert.equal(nf.code, 404);
    assert.deepEqual([nf.status.kind, nf.status.reason, nf.status.code], ['Status', 'NotFound', 404]);
    assert.equal(nf.status.message, 'configmaps "nope" not found');
    await core.createNamespacedSecret({ namespace: 'crud', body: { metadata: { name: 's' }, stringData: { a: 'b' } } });
    const ae = await apiFailure(core.createNamespacedSecret({ namespace: 'crud', body: { metadata: { name: 's' } } }));
    assert.equal(ae.code, 409);
    assert.equal(ae.status.reason, 'AlreadyExists');
  });

  test('a namespaced kind at its all-namespaces path: list works, create is 405, get is 404', async () => {
    const list = await api.fetch(`/api/v1/configmaps`);
    assert.equal(list.status, 200);
    const create = await api.fetch(`/api/v1/configmaps`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ metadata: { name: 'x' } }),
    });
    assert.equal(create.status, 405);
    assert.equal((await api.fetch(`/api/v1/configmaps/x`)).status, 404);
  });

  test('creating in a namespace that does not exist is 404', async () => {
    const r = await apiFailure(core.createNamespacedServiceAccount({ namespace: 'missing', body: { metadata: { name: 'sa' } } }));
    assert.equal(r.code, 404);
    assert.equal(r.status.message, 'namespaces "missing" not found');
  });

  test('PUT with a stale resourceVersion is 409 Conflict; with the current one it succeeds', async () => {
    const cm = await core.createNamespacedConfigMap({ namespace: 'crud', body: { metadata: { name: 'stale' }, data: { v: '1' } } });
    const fresh = await core.replaceNamespacedConfigMap({ name: 'stale', namespace: 'crud', body: { ...cm, data: { v: '2' } } });
    assert.notEqual(fresh.metadata!.resourceVersion, cm.metadata!.resourceVersion);
    const r = await apiFailure(core.replaceNamespacedConfigMap({ name: 'stale', namespace: 'crud', body: { ...cm, data: { v: '3' } } }));
    assert.equal(r.code, 409);
    assert.equal(r.status.reason, 'Conflict');
    assert.match(String(r.status.message), /the object has been modified/);
  });

  test('an update that changes nothing does not bump the resourceVersion', async () => {
    const cm = await core.createNamespacedConfigMap({ namespace: 'crud', body: { metadata: { name: 'same' }, data: { v: '1' } } });
    const again = await core.replaceNamespacedConfigMap({ name: 'same', namespace: 'crud', body: cm });
    assert.equal(again.metadata!.resourceVersion, cm.metadata!.resourceVersion);
  });

  test('generation is bumped on spec changes only, not on metadata or status', async () => {
    const d = await apps.createNamespacedDeployment({ namespace: 'crud', body: deployment('web') });
    assert.equal(d.metadata!.generation, 1);
    const labelled = await apps.replaceNamespacedDeployment({
      name: 'web',
      namespace: 'crud',
      body: { ...d, metadata: { ...d.metadata, labels: { app: 'web', x: 'y' } } },
    });
    assert.equal(labelled.metadata!.generation, 1);
    const scaled = await apps.replaceNamespacedDeployment({
      name: 'web',
      namespace: 'crud',
      body: { ...labelled, spec: { ...labelled.spec!, replicas: 3 } },
    });
    assert.equal(scaled.metadata!.generation, 2);
    const status = await apps.replaceNamespacedDeploymentStatus({
      name: 'web',
      namespace: 'crud',
      body: { ...scaled, status: { replicas: 3, readyReplicas: 3 } },
    });
    assert.equal(status.metadata!.generation, 2);
    assert.equal(status.status!.readyReplicas, 3);
  });

  test('the main endpoint ignores status; /status ignores spec', async () => {
    const d = await apps.createNamespacedDeployment({ namespace: 'crud', body: { ...deployment('split'), status: { replicas: 9 } } });
    assert.equal(d.status, undefined);
    const s = await apps.replaceNamespacedDeploymentStatus({
      name: 'split',
      namespace: 'crud',
      body: { ...d, spec: { ...d.spec!, replicas: 5 }, status: { replicas: 1 } },
    });
    assert.equal(s.spec!.replicas, 1);
    assert.equal(s.status!.replicas, 1);
    const m = await apps.replaceNamespacedDeployment({ name: 'split', namespace: 'crud', body: { ...s, status: { replicas: 7 } } });
    assert.equal(m.status!.replicas, 1);
  });

  test('label selectors: equality and set-based; field selectors: metadata.name and spec.nodeName', async () => {
    const mk = (name: string, labels: Record<string, string>, nodeName: string) =>
      core.createNamespacedPod({
        namespace: 'crud',
        body: { metadata: { name, labels }, spec: { nodeName, containers: [{ name: 'c', image: 'i' }] } },
      });
    await mk('p1', { tier: 'web', env: 'prod' }, 'n1');
    await mk('p2', { tier: 'db', env: 'prod' }, 'n2');
    await mk('p3', { tier: 'web' }, 'n2');
    const names = async (opts: { labelSelector?: string; fieldSelector?: string }) =>
      (await core.listNamespacedPod({ namespace: 'crud', ...opts })).items.map((p) => p.metadata!.name).sort();
    assert.deepEqual(await names({ labelSelector: 'tier=web' }), ['p1', 'p3']);
    assert.deepEqual(await names({ labelSelector: 'tier!=web' }), ['p2']);
    assert.deepEqual(await names({ labelSelector: 'tier in (web,db),env' }), ['p1', 'p2']);
    assert.deepEqual(await names({ labelSelector: 'tier notin (db),!env' }), ['p3']);
    assert.deepEqual(await names({ fieldSelector: 'spec.nodeName=n2' }), ['p2', 'p3']);
    assert.deepEqual(await names({ fieldSelector: 'metadata.name=p1' }), ['p1']);
    const bad = await apiFailure(core.listNamespacedPod({ namespace: 'crud', fieldSelector: 'spec.bogus=x' }));
    assert.equal(bad.code, 400);
  });

  test('list carries metadata.resourceVersion; limit and continue page through', async () => {
    for (const n of ['l1', 'l2', 'l3'])
      await core.createNamespacedConfigMap({ namespace: 'crud', body: { metadata: { name: n, labels: { page: 'yes' } } } });
    const first = await core.listNamespacedConfigMap({ namespace: 'crud', labelSelector: 'page', limit: 2 });
    assert.equal(first.metadata!.resourceVersion, String(api.store.resourceVersion()));
    assert.deepEqual(
      first.items.map((i) => i.metadata!.name),
      ['l1', 'l2'],
    );
    assert.ok(first.metadata!._continue);
    const second = await core.listNamespacedConfigMap({ namespace: 'crud', labelSelector: 'page', limit: 2, _continue: first.metadata!._continue });
    assert.deepEqual(
      second.items.map((i) => i.metadata!.name),
      ['l3'],
    );
    assert.equal(second.metadata!._continue, undefined);
  });

  test('cluster-scoped kinds: nodes are served without a namespace', async () => {
    await core.createNode({ body: { metadata: { name: 'node-a', labels: { role: 'worker' } }, status: { capacity: { cpu: '4' } } } });
    const nodes = await core.listNode({ labelSelector: 'role=worker' });
    assert.deepEqual(
      nodes.items.map((n) => n.metadata!.name),
      ['node-a'],
    );
    assert.equal(nodes.items[0].status!.capacity!.cpu, '4');
  });

  test('write requests are counted by verb, and only real changes bump the RV', async () => {
    api.writes.reset();
    const cm = await core.createNamespacedConfigMap({ namespace: 'crud', body: { metadata: { name: 'count' }, data: { a: '1' } } });
    await core.replaceNamespacedConfigMap({ name: 'count', namespace: 'crud', body: cm });
    await core.deleteNamespacedConfigMap({ name: 'count', namespace: 'crud' });
    assert.equal(api.writes.requests.create, 1);
    assert.equal(api.writes.requests.update, 1);
    assert.equal(api.writes.requests.delete, 1);
    assert.equal(api.writes.total(), 3);
    assert.equal(api.writes.changes, 2);
  });

  test('an injected failure is answered as a Status', async () => {
    const off = api.hooks.onRequest((r) =>
      r.verb === 'create' && r.plural === 'configmaps' ? { code: 500, reason: 'InternalError', message: 'boom' } : undefined,
    );
    const r = await apiFailure(core.createNamespacedConfigMap({ namespace: 'crud', body: { metadata: { name: 'boom' } } }));
    off();
    assert.equal(r.code, 500);
    assert.equal(r.status.message, 'boom');
    await core.createNamespacedConfigMap({ namespace: 'crud', body: { metadata: { name: 'boom' } } });
  });

  test('merge and JSON patch; a failing JSON patch test op is 422', async () => {
    await core.createNamespacedConfigMap({ namespace: 'crud', body: { metadata: { name: 'p' }, data: { a: '1', b: '2' } } });
    const { PatchStrategy, setHeaderOptions } = await import('@kubernetes/client-node');
    const merged = await core.patchNamespacedConfigMap(
      { name: 'p', namespace: 'crud', body: { data: { a: null, c: '3' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    assert.deepEqual(merged.data, { b: '2', c: '3' });
    const jp = await core.patchNamespacedConfigMap(
      { name: 'p', namespace: 'crud', body: [{ op: 'replace', path: '/data/b', value: '9' }] },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    assert.equal(jp.data!.b, '9');
    const r = await apiFailure(
      core.patchNamespacedConfigMap(
        { name: 'p', namespace: 'crud', body: [{ op: 'test', path: '/data/b', value: 'nope' }] },
        setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
      ),
    );
    assert.equal(r.code, 422);
  });
});
