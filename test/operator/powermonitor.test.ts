import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, createPowerMonitor, type Harness } from './harness.js';

const PM = { apiVersion: 'powerplane.io/v1alpha1', kind: 'PowerMonitor' } as const;

describe('PowerMonitor controller on the fake API server', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.stop());

  test('create installs everything, labelled and owned; second reconcile writes nothing', async () => {
    await createPowerMonitor(h.kube);
    await h.settle();
    const ds = h.api.store.get('apps/v1', 'DaemonSet', 'powerplane-agent', 'powerplane');
    assert.ok(ds, 'agent DaemonSet exists');
    assert.equal(ds.metadata.labels?.['app.kubernetes.io/managed-by'], 'powerplane-operator');
    assert.equal(ds.metadata.ownerReferences?.[0].kind, 'PowerMonitor');
    assert.ok(h.api.store.get('v1', 'Namespace', 'powerplane'));
    assert.ok(h.api.store.get('rbac.authorization.k8s.io/v1', 'ClusterRole', 'powerplane-agent'));
    assert.ok(h.api.store.get('v1', 'ConfigMap', 'powerplane-agent-config', 'powerplane'));
    const pm = h.api.store.get(PM.apiVersion, PM.kind, 'powerplane')!;
    assert.deepEqual(pm.metadata.finalizers, ['powerplane.io/finalizer']);
    const conds = (pm.status as { conditions: Array<{ type: string; status: string; reason: string; observedGeneration: number }> }).conditions;
    const reconciled = conds.find((c) => c.type === 'Reconciled')!;
    assert.equal(reconciled.status, 'True');
    assert.equal(reconciled.observedGeneration, pm.metadata.generation);
    assert.equal(conds.find((c) => c.type === 'Available')!.reason, 'DaemonSetOutOfSync', 'no DaemonSet controller has observed it yet');
    const integrations = (pm.status as { integrations: Record<string, string> }).integrations;
    assert.equal(integrations.serviceMonitor, 'CRDMissing', 'no ServiceMonitor CRD: install proceeds without it');

    h.api.writes.reset();
    h.manager.enqueue();
    await h.settle();
    assert.equal(h.api.writes.total(), 0, `second reconcile wrote ${JSON.stringify(h.api.writes.requests)}`);
  });
});
