import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AppsV1Api, CoreV1Api, CustomObjectsApi, KubernetesObjectApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { widgetCrd } from './fixtures.js';
import { startFakeApiServer, type FakeApiServer } from './index.js';
import { apiFailure } from '../helpers/kube.js';

const SSA = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);
const W = { group: 'example.com', version: 'v1', namespace: 'default', plural: 'widgets' };

describe('fake API server: server-side apply', () => {
  let api: FakeApiServer;
  let custom: CustomObjectsApi;
  const apply = (name: string, spec: Record<string, unknown>, fieldManager: string, force?: boolean) =>
    custom.patchNamespacedCustomObject(
      { ...W, name, body: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name }, spec }, fieldManager, force },
      SSA,
    );
  before(async () => {
    api = await startFakeApiServer();
    custom = api.kubeConfig.makeApiClient(CustomObjectsApi);
    await custom.createClusterCustomObject({ group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', body: widgetCrd() });
  });
  after(() => api.stop());

  test('apply creates, records the manager in managedFields, and a repeated apply writes nothing', async () => {
    const created = await apply('a', { size: 2, color: 'red' }, 'op');
    const mf = created.metadata.managedFields as Array<Record<string, any>>;
    assert.equal(mf.length, 1);
    assert.deepEqual([mf[0].manager, mf[0].operation], ['op', 'Apply']);
    assert.deepEqual(mf[0].fieldsV1, { 'f:spec': { 'f:color': {}, 'f:size': {} } });
    const rv = api.store.resourceVersion();
    const changes = api.writes.changes;
    const again = await apply('a', { size: 2, color: 'red' }, 'op');
    assert.equal(again.metadata.resourceVersion, created.metadata.resourceVersion);
    assert.equal(api.store.resourceVersion(), rv);
    assert.equal(api.writes.changes, changes, 'no real write');
    assert.ok(api.writes.requests.apply >= 2, 'but the request is counted');
  });

  test('a second manager changing an owned field gets 409 listing the field; force takes ownership', async () => {
    await apply('b', { size: 2, color: 'red' }, 'op');
    const r = await apiFailure(apply('b', { size: 5 }, 'intruder'));
    assert.equal(r.code, 409);
    assert.equal(r.status.reason, 'Conflict');
    assert.match(r.status.message, /conflict with "op".*\.spec\.size/);
    assert.deepEqual(
      r.status.details.causes.map((c: any) => c.field),
      ['.spec.size'],
    );
    const forced = await apply('b', { size: 5 }, 'intruder', true);
    assert.equal(forced.spec.size, 5);
    const owners = Object.fromEntries((forced.metadata.managedFields as any[]).map((e) => [e.manager, e.fieldsV1]));
    assert.deepEqual(owners.op, { 'f:spec': { 'f:color': {} } });
    assert.deepEqual(owners.intruder, { 'f:spec': { 'f:size': {} } });
  });

  test('applying the same value another manager owns shares ownership without conflict', async () => {
    await apply('c', { size: 3 }, 'op');
    const shared = await apply('c', { size: 3 }, 'other');
    assert.equal((shared.metadata.managedFields as any[]).length, 2);
  });

  test('fields a manager stops applying are removed unless another manager owns them', async () => {
    await apply('d', { size: 2, color: 'blue', tags: ['x'] }, 'op');
    await apply('d', { tags: ['x', 'y'] }, 'other');
    const after = await apply('d', { size: 2 }, 'op');
    assert.equal(after.spec.color, undefined, 'color removed');
    assert.deepEqual(after.spec.tags, ['x', 'y'], 'tags kept: other still owns them');
  });

  test('a non-apply update owns what it changed, and apply then conflicts with it', async () => {
    await apply('e', { size: 2 }, 'op');
    await custom.patchNamespacedCustomObject(
      { ...W, name: 'e', body: { spec: { size: 4 } }, fieldManager: 'kubectl-edit' },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const r = await apiFailure(apply('e', { size: 2 }, 'op'));
    assert.equal(r.code, 409);
    assert.match(r.status.message, /kubectl-edit/);
  });

  test('apply to the status subresource only touches status', async () => {
    await apply('f', { size: 2 }, 'op');
    const st = await custom.patchNamespacedCustomObjectStatus(
      {
        ...W,
        name: 'f',
        body: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'f' }, spec: { size: 9 }, status: { ready: true } },
        fieldManager: 'op',
        force: true,
      },
      SSA,
    );
    assert.equal(st.status.ready, true);
    assert.equal(st.spec.size, 2);
    assert.ok((st.metadata.managedFields as any[]).some((e) => e.subresource === 'status'));
  });

  test('a finalizer added by apply and dropped by a later apply releases an object being deleted', async () => {
    const withFinalizer = {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'fin', finalizers: ['example.com/cleanup'] },
      spec: { size: 1 },
    };
    await custom.patchNamespacedCustomObject({ ...W, name: 'fin', body: withFinalizer, fieldManager: 'op' }, SSA);
    await custom.deleteNamespacedCustomObject({ ...W, name: 'fin' });
    const held = await custom.getNamespacedCustomObject({ ...W, name: 'fin' });
    assert.ok(held.metadata.deletionTimestamp);
    await custom.patchNamespacedCustomObject({ ...W, name: 'fin', body: { ...withFinalizer, metadata: { name: 'fin' } }, fieldManager: 'op' }, SSA);
    assert.equal(api.store.get('example.com/v1', 'Widget', 'fin', 'default'), undefined);
  });

  test('apply requires a fieldManager', async () => {
    const r = await apiFailure(
      custom.patchNamespacedCustomObject({ ...W, name: 'g', body: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'g' } } }, SSA),
    );
    assert.equal(r.code, 422);
  });

  test('built-in kinds: containers merge by name; KubernetesObjectApi.patch with SSA does discovery', async () => {
    const objects = KubernetesObjectApi.makeApiClient(api.kubeConfig);
    const dep = (containers: Array<{ name: string; image: string }>) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers } } },
    });
    await objects.patch(dep([{ name: 'app', image: 'a:1' }]), undefined, undefined, 'op', true, PatchStrategy.ServerSideApply);
    await objects.patch(dep([{ name: 'sidecar', image: 's:1' }]), undefined, undefined, 'injector', true, PatchStrategy.ServerSideApply);
    const apps = api.kubeConfig.makeApiClient(AppsV1Api);
    const got = await apps.readNamespacedDeployment({ name: 'web', namespace: 'default' });
    assert.deepEqual(got.spec!.template.spec!.containers.map((c) => c.name).sort(), ['app', 'sidecar']);
    await objects.patch(dep([{ name: 'app', image: 'a:2' }]), undefined, undefined, 'op', true, PatchStrategy.ServerSideApply);
    const after = await apps.readNamespacedDeployment({ name: 'web', namespace: 'default' });
    assert.deepEqual(after.spec!.template.spec!.containers.map((c) => `${c.name}=${c.image}`).sort(), ['app=a:2', 'sidecar=s:1']);
    assert.equal(after.metadata!.generation, 3);
  });

  test('metadata: labels from two managers merge; a label one manager drops is removed', async () => {
    const core = api.kubeConfig.makeApiClient(CoreV1Api);
    const cm = (labels: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'lab', namespace: 'default', labels } });
    const objects = KubernetesObjectApi.makeApiClient(api.kubeConfig);
    await objects.patch(cm({ a: '1', b: '2' }), undefined, undefined, 'one', false, PatchStrategy.ServerSideApply);
    await objects.patch(cm({ c: '3' }), undefined, undefined, 'two', false, PatchStrategy.ServerSideApply);
    await objects.patch(cm({ a: '1' }), undefined, undefined, 'one', false, PatchStrategy.ServerSideApply);
    const got = await core.readNamespacedConfigMap({ name: 'lab', namespace: 'default' });
    assert.deepEqual(got.metadata!.labels, { a: '1', c: '3' });
  });
});
