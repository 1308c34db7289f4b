import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AppsV1Api, CoreV1Api, PatchStrategy, RbacAuthorizationV1Api, setHeaderOptions, type V1OwnerReference } from '@kubernetes/client-node';
import { startFakeApiServer, type FakeApiServer } from './index.js';

const MERGE = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

function ownerRef(kind: string, apiVersion: string, name: string, uid: string): V1OwnerReference {
  return { apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: true };
}

describe('fake API server: finalizers, garbage collection, namespace deletion', () => {
  let api: FakeApiServer;
  let core: CoreV1Api;
  let rbac: RbacAuthorizationV1Api;
  let apps: AppsV1Api;
  before(async () => {
    api = await startFakeApiServer();
    core = api.kubeConfig.makeApiClient(CoreV1Api);
    rbac = api.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
    apps = api.kubeConfig.makeApiClient(AppsV1Api);
    await core.createNamespace({ body: { metadata: { name: 'life' } } });
  });
  after(() => api.stop());

  test('delete with finalizers sets deletionTimestamp and keeps the object until they are removed', async () => {
    await core.createNamespacedConfigMap({ namespace: 'life', body: { metadata: { name: 'fin', finalizers: ['example.com/hold'] } } });
    await core.deleteNamespacedConfigMap({ name: 'fin', namespace: 'life' });
    const held = await core.readNamespacedConfigMap({ name: 'fin', namespace: 'life' });
    assert.ok(held.metadata!.deletionTimestamp, 'deletionTimestamp set');
    assert.deepEqual(held.metadata!.finalizers, ['example.com/hold']);
    await assert.rejects(
      core.patchNamespacedConfigMap({ name: 'fin', namespace: 'life', body: { metadata: { finalizers: ['example.com/hold', 'new'] } } }, MERGE),
      (err: { code?: number }) => err.code === 422,
    );
    await core.patchNamespacedConfigMap({ name: 'fin', namespace: 'life', body: { metadata: { finalizers: null } } }, MERGE);
    assert.equal(api.store.get('v1', 'ConfigMap', 'fin', 'life'), undefined, 'deleted once the last finalizer is gone');
  });

  test('background GC deletes namespaced and cluster-scoped dependents of a cluster-scoped owner', async () => {
    const owner = await rbac.createClusterRole({ body: { metadata: { name: 'owner' }, rules: [] } });
    const ref = ownerRef('ClusterRole', 'rbac.authorization.k8s.io/v1', 'owner', owner.metadata!.uid!);
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: 'dep-binding', ownerReferences: [ref] },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'owner' },
        subjects: [],
      },
    });
    await core.createNamespacedConfigMap({ namespace: 'life', body: { metadata: { name: 'dep-cm', ownerReferences: [ref] } } });
    const cm2 = await core.createNamespacedConfigMap({ namespace: 'life', body: { metadata: { name: 'grandchild-owner', ownerReferences: [ref] } } });
    await core.createNamespacedSecret({
      namespace: 'life',
      body: { metadata: { name: 'grandchild', ownerReferences: [ownerRef('ConfigMap', 'v1', 'grandchild-owner', cm2.metadata!.uid!)] } },
    });
    await core.createNamespacedConfigMap({ namespace: 'life', body: { metadata: { name: 'unrelated' } } });
    await rbac.deleteClusterRole({ name: 'owner' });
    assert.equal(api.store.get('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'dep-binding'), undefined);
    assert.equal(api.store.get('v1', 'ConfigMap', 'dep-cm', 'life'), undefined);
    assert.equal(api.store.get('v1', 'Secret', 'grandchild', 'life'), undefined, 'GC cascades');
    assert.ok(api.store.get('v1', 'ConfigMap', 'unrelated', 'life'));
  });

  test('a dependent with another live owner survives', async () => {
    const a = await core.createNamespacedConfigMap({ namespace: 'life', body: { metadata: { name: 'owner-a' } } });
    const b = await core.createNamespacedConfigMap({ namespace: 'life', body: { metadata: { name: 'owner-b' } } });
    await core.createNamespacedSecret({
      namespace: 'life',
      body: {
        metadata: {
          name: 'shared',
          ownerReferences: [
            ownerRef('ConfigMap', 'v1', 'owner-a', a.metadata!.uid!),
            { ...ownerRef('ConfigMap', 'v1', 'owner-b', b.metadata!.uid!), controller: false },
          ],
        },
      },
    });
    await core.deleteNamespacedConfigMap({ name: 'owner-a', namespace: 'life' });
    assert.ok(api.store.get('v1', 'Secret', 'shared', 'life'));
    await core.deleteNamespacedConfigMap({ name: 'owner-b', namespace: 'life' });
    assert.equal(api.store.get('v1', 'Secret', 'shared', 'life'), undefined);
  });

  test('Orphan propagation keeps dependents and strips the owner reference; Foreground deletes dependents first', async () => {
    const o = await core.createNamespacedConfigMap({ namespace: 'life', body: { metadata: { name: 'orphaner' } } });
    await core.createNamespacedSecret({
      namespace: 'life',
      body: { metadata: { name: 'orphan', ownerReferences: [ownerRef('ConfigMap', 'v1', 'orphaner', o.metadata!.uid!)] } },
    });
    await core.deleteNamespacedConfigMap({ name: 'orphaner', namespace: 'life', propagationPolicy: 'Orphan' });
    const orphan = api.store.get('v1', 'Secret', 'orphan', 'life');
    assert.ok(orphan);
    assert.equal(orphan.metadata.ownerReferences, undefined);

    const d = await apps.createNamespacedDeployment({
      namespace: 'life',
      body: {
        metadata: { name: 'fg' },
        spec: {
          selector: { matchLabels: { a: 'b' } },
          template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
        },
      },
    });
    await core.createNamespacedConfigMap({
      namespace: 'life',
      body: { metadata: { name: 'fg-child', finalizers: ['hold'], ownerReferences: [ownerRef('Deployment', 'apps/v1', 'fg', d.metadata!.uid!)] } },
    });
    await apps.deleteNamespacedDeployment({ name: 'fg', namespace: 'life', propagationPolicy: 'Foreground' });
    const waiting = api.store.get('apps/v1', 'Deployment', 'fg', 'life');
    assert.ok(waiting?.metadata.deletionTimestamp);
    assert.ok(waiting.metadata.finalizers?.includes('foregroundDeletion'));
    assert.ok(api.store.get('v1', 'ConfigMap', 'fg-child', 'life')?.metadata.deletionTimestamp, 'child is being deleted');
    await core.patchNamespacedConfigMap({ name: 'fg-child', namespace: 'life', body: { metadata: { finalizers: null } } }, MERGE);
    assert.equal(api.store.get('v1', 'ConfigMap', 'fg-child', 'life'), undefined);
    assert.equal(api.store.get('apps/v1', 'Deployment', 'fg', 'life'), undefined, 'owner goes once its dependents are gone');
  });

  test('deleting a namespace deletes its contents, then the namespace; creating in a terminating one is 403', async () => {
    await core.createNamespace({ body: { metadata: { name: 'doomed' } } });
    await core.createNamespacedConfigMap({ namespace: 'doomed', body: { metadata: { name: 'a' } } });
    await core.createNamespacedConfigMap({ namespace: 'doomed', body: { metadata: { name: 'held', finalizers: ['hold'] } } });
    await core.deleteNamespace({ name: 'doomed' });
    const ns = await core.readNamespace({ name: 'doomed' });
    assert.equal(ns.status!.phase, 'Terminating');
    assert.equal(api.store.get('v1', 'ConfigMap', 'a', 'doomed'), undefined);
    await assert.rejects(
      core.createNamespacedConfigMap({ namespace: 'doomed', body: { metadata: { name: 'late' } } }),
      (err: { code?: number }) => err.code === 403,
    );
    await core.patchNamespacedConfigMap({ name: 'held', namespace: 'doomed', body: { metadata: { finalizers: null } } }, MERGE);
    assert.equal(api.store.get('v1', 'Namespace', 'doomed'), undefined);
  });

  test('delete preconditions: a stale resourceVersion is 409', async () => {
    const cm = await core.createNamespacedConfigMap({ namespace: 'life', body: { metadata: { name: 'pre' }, data: { a: '1' } } });
    await core.replaceNamespacedConfigMap({ name: 'pre', namespace: 'life', body: { ...cm, data: { a: '2' } } });
    await assert.rejects(
      core.deleteNamespacedConfigMap({ name: 'pre', namespace: 'life', body: { preconditions: { resourceVersion: cm.metadata!.resourceVersion } } }),
      (err: { code?: number }) => err.code === 409,
    );
  });
});
