import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPowerMonitor, prometheusOperatorCrds, startHarness } from './harness.js';

type Ev = {
  type: string;
  reason: string;
  note: string;
  action: string;
  reportingController: string;
  regarding: { kind: string; name: string; uid?: string };
};

async function until<T>(what: string, check: () => T | undefined): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`timed out waiting for ${what}`);
}

test('Events on the PowerMonitor say what the operator did and failed to do', async () => {
  const h = await startHarness();
  try {
    const pm = await createPowerMonitor(h.kube);
    await h.settle();
    const events = () => h.api.store.list('events.k8s.io/v1', 'Event', 'default') as unknown as Ev[];
    const installed = events().filter((e) => e.reason === 'Installed');
    assert.equal(installed.length, 1, JSON.stringify(events()));
    assert.equal(installed[0].type, 'Normal');
    assert.match(installed[0].note, /^applied \d+ objects, deleted 0, 0 unchanged$/);
    assert.deepEqual(
      [installed[0].regarding.kind, installed[0].regarding.name, installed[0].regarding.uid],
      ['PowerMonitor', 'powerplane', pm.metadata.uid],
    );
    assert.equal(installed[0].reportingController, 'powerplane.io/operator');

    await h.kube.mergePatch({ apiVersion: 'powerplane.io/v1alpha1', kind: 'PowerMonitor' }, 'powerplane', undefined, {
      spec: { modelServer: { enabled: true, storage: { type: 'nfs' } } },
    });
    const invalid = await until('InvalidSpec event', () => events().find((e) => e.reason === 'InvalidSpec'));
    assert.equal(invalid.type, 'Warning');
    assert.match(invalid.note, /spec\.modelServer\.storage\.server: storage type nfs needs server and path/);
    const before = events().length;
    h.manager.enqueue();
    await h.settle();
    assert.equal(events().length, before, 'the same failure again is not recorded again');
  } finally {
    await h.stop();
  }
});

test('a watch on the optional CRDs: a Prometheus Operator installed or removed later is reconciled at once', async () => {
  const h = await startHarness({ manager: { resyncMs: 3_600_000 } });
  try {
    await createPowerMonitor(h.kube);
    await h.settle();
    const integrations = () =>
      (h.api.store.get('powerplane.io/v1alpha1', 'PowerMonitor', 'powerplane')?.status as { integrations?: Record<string, string> } | undefined)
        ?.integrations;
    assert.equal(integrations()?.serviceMonitor, 'CRDMissing');
    for (const crd of prometheusOperatorCrds()) await h.kube.create(crd as never);
    await until(
      'ServiceMonitor installed',
      () => integrations()?.serviceMonitor === 'Installed' && h.api.store.list('monitoring.coreos.com/v1', 'ServiceMonitor').length > 0,
    );
    assert.equal(integrations()?.prometheusRule, 'Installed');
    await h.kube.delete({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' }, 'servicemonitors.monitoring.coreos.com');
    await until('ServiceMonitor CRDMissing', () => integrations()?.serviceMonitor === 'CRDMissing');
  } finally {
    await h.stop();
  }
});
