import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ApiextensionsV1Api, CustomObjectsApi, KubernetesObjectApi } from '@kubernetes/client-node';
import { widgetCrd } from './fixtures.js';
import { startFakeApiServer, type FakeApiServer } from './index.js';
import { apiFailure } from '../helpers/kube.js';

describe('fake API server: discovery and custom resources', () => {
  let api: FakeApiServer;
  let crds: ApiextensionsV1Api;
  let custom: CustomObjectsApi;
  const createCrd = (body: object) =>
    custom.createClusterCustomObject({ group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', body });
  before(async () => {
    api = await startFakeApiServer();
    crds = api.kubeConfig.makeApiClient(ApiextensionsV1Api);
    custom = api.kubeConfig.makeApiClient(CustomObjectsApi);
  });
  after(() => api.stop());

  test('discovery serves /api, /api/v1, /apis and group versions', async () => {
    const get = async (path: string) => {
      const r = await api.fetch(path);
      return { code: r.status, body: (await r.json()) as Record<string, any> };
    };
    assert.deepEqual((await get('/api')).body.versions, ['v1']);
    const v1 = (await get('/api/v1')).body;
    assert.equal(v1.kind, 'APIResourceList');
    const pods = v1.resources.find((r: any) => r.name === 'pods');
    assert.deepEqual([pods.kind, pods.namespaced], ['Pod', true]);
    assert.ok(v1.resources.some((r: any) => r.name === 'pods/status'));
    const groups = (await get('/apis')).body.groups.map((g: any) => g.name);
    for (const g of ['apps', 'rbac.authorization.k8s.io', 'apiextensions.k8s.io', 'coordination.k8s.io', 'admissionregistration.k8s.io'])
      assert.ok(groups.includes(g), g);
    assert.ok(!groups.includes('monitoring.coreos.com'), 'monitoring.coreos.com is served only when its CRDs exist');
    assert.equal((await get('/apis/monitoring.coreos.com/v1')).code, 404);
    assert.equal((await get('/version')).body.major, '1');
  });

  test('a CRD registers its resource (Established), objects work through KubernetesObjectApi, deletion unregisters', async () => {
    const created = await createCrd(widgetCrd());
    assert.equal(created.metadata.name, 'widgets.example.com');
    const crd = await crds.readCustomResourceDefinition({ name: 'widgets.example.com' });
    assert.ok(crd.status!.conditions!.some((c) => c.type === 'Established' && c.status === 'True'));
    const disc = (await (await api.fetch(`/apis/example.com/v1`)).json()) as { resources: Array<{ name: string; namespaced: boolean }> };
    assert.deepEqual(
      disc.resources.map((r) => r.name),
      ['widgets', 'widgets/status'],
    );

    const objects = KubernetesObjectApi.makeApiClient(api.kubeConfig);
    await objects.create({
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w1', namespace: 'default' },
      spec: { color: 'red' },
    } as never);
    const w = (await objects.read({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1', namespace: 'default' } })) as unknown as {
      spec: { size: number; color: string };
      metadata: { generation: number };
    };
    assert.deepEqual(w.spec, { size: 1, color: 'red' }, 'schema default applied');
    assert.equal(w.metadata.generation, 1);
    const listed = await objects.list('example.com/v1', 'Widget', 'default');
    assert.equal(listed.items.length, 1);

    const watch = await api.fetch(`/apis/example.com/v1/widgets?watch=true`);
    const reader = (watch.body as ReadableStream<Uint8Array>).getReader();
    await crds.deleteCustomResourceDefinition({ name: 'widgets.example.com' });
    let text = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) text += new TextDecoder().decode(r.value);
    assert.deepEqual(
      text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).type),
      ['ADDED', 'DELETED'],
      'objects go, then the watch ends',
    );
    assert.equal((await api.fetch(`/apis/example.com/v1`)).status, 404);
    assert.equal(api.store.list('apiextensions.k8s.io/v1', 'CustomResourceDefinition').length, 0);
  });

  test('custom resources: schema validation (422), pruning, status subresource, generation', async () => {
    await createCrd(widgetCrd());
    const base = { group: 'example.com', version: 'v1', namespace: 'default', plural: 'widgets' };
    const bad = await apiFailure(
      custom.createNamespacedCustomObject({
        ...base,
        body: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'bad' }, spec: { size: 0, color: 'green' } },
      }),
    );
    assert.equal(bad.code, 422);
    assert.equal(bad.status.reason, 'Invalid');
    const fields = (bad.status.details as { causes: Array<{ field: string }> }).causes.map((c) => c.field).sort();
    assert.deepEqual(fields, ['spec.color', 'spec.size']);

    const w = await custom.createNamespacedCustomObject({
      ...base,
      body: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 2, unknown: 'x' }, status: { ready: true } },
    });
    assert.deepEqual(w.spec, { size: 2 }, 'unknown field pruned');
    assert.equal(w.status, undefined, 'status is not set through the main resource');

    const st = await custom.replaceNamespacedCustomObjectStatus({ ...base, name: 'w', body: { ...w, spec: { size: 9 }, status: { ready: true } } });
    assert.equal(st.status.ready, true);
    assert.equal(st.spec.size, 2, '/status ignores spec');
    assert.equal(st.metadata.generation, 1, 'status does not bump generation');

    const noRv = await apiFailure(
      custom.replaceNamespacedCustomObject({
        ...base,
        name: 'w',
        body: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 3 } },
      }),
    );
    assert.equal(noRv.code, 422, 'custom resources need a resourceVersion on update');
    const up = await custom.replaceNamespacedCustomObject({ ...base, name: 'w', body: { ...st, spec: { size: 3 }, status: { ready: false } } });
    assert.equal(up.metadata.generation, 2);
    assert.equal(up.status.ready, true, 'main endpoint ignores status');
  });

  test('cluster-scoped custom resources', async () => {
    const crd = widgetCrd('Cluster');
    crd.metadata.name = 'gadgets.example.org';
    crd.spec.group = 'example.org';
    crd.spec.names = { plural: 'gadgets', kind: 'Gadget' };
    await createCrd(crd);
    await custom.createClusterCustomObject({
      group: 'example.org',
      version: 'v1',
      plural: 'gadgets',
      body: { apiVersion: 'example.org/v1', kind: 'Gadget', metadata: { name: 'g' } },
    });
    const got = await custom.getClusterCustomObject({ group: 'example.org', version: 'v1', plural: 'gadgets', name: 'g' });
    assert.equal(got.metadata.name, 'g');
    assert.equal(got.metadata.namespace, undefined);
  });

  test('a CRD whose name does not match plural.group is invalid', async () => {
    const crd = widgetCrd();
    crd.metadata.name = 'wrong.example.com';
    const r = await apiFailure(createCrd(crd));
    assert.equal(r.code, 422);
  });
});
