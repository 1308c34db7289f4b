import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, createPowerMonitor, prometheusOperatorCrds, type Harness } from './harness.js';

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

describe('PowerMonitor lifecycle', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ extraCrds: prometheusOperatorCrds() });
    await createPowerMonitor(h.kube, 'powerplane', { prometheus: { serviceMonitor: 'auto', rules: 'on' }, modelServer: { enabled: true } });
    await h.settle();
  });
  after(() => h.stop());

  const store = () => h.api.store;
  const ds = () => store().get('apps/v1', 'DaemonSet', 'powerplane-agent', 'powerplane')!;
  const template = () =>
    (ds().spec as { template: { metadata: { annotations: Record<string, string> }; spec: { containers: Array<{ image: string }> } } }).template;
  const pmStatus = () => store().get(PM.apiVersion, PM.kind, 'powerplane')!.status as Record<string, any>;

  test('with the Prometheus Operator CRDs, ServiceMonitor and PrometheusRule are installed', () => {
    assert.ok(store().get('monitoring.coreos.com/v1', 'ServiceMonitor', 'powerplane-agent', 'powerplane'));
    const rule = store().get('monitoring.coreos.com/v1', 'PrometheusRule', 'powerplane', 'powerplane')!;
    assert.match(
      JSON.stringify(rule.spec),
      /pod_namespace:kepler_pod_cpu_watts:sum/,
      'the namespace-watts recording rule of deploy/prometheus/powerplane-rules.yaml',
    );
    assert.deepEqual(pmStatus().integrations, {
      serviceMonitor: 'Installed',
      prometheusRule: 'Installed',
      scc: 'Disabled',
      machineConfig: 'Disabled',
    });
    assert.ok(store().get('apps/v1', 'Deployment', 'powerplane-model-server', 'powerplane'));
  });

  test('update: export changes reach the ConfigMap without rolling the pods; agent changes roll them', async () => {
    const hashBefore = template().metadata.annotations['powerplane.io/config-hash'];
    await h.kube.mergePatch(PM, 'powerplane', undefined, { spec: { export: { levels: ['node', 'pod'] } } });
    await h.settle();
    const cm = store().get('v1', 'ConfigMap', 'powerplane-agent-config', 'powerplane')!;
    assert.match((cm.data as Record<string, string>)['config.yaml'], /metrics:\n\s+- node\n\s+- pod\n/);
    assert.equal(template().metadata.annotations['powerplane.io/config-hash'], hashBefore, 'hot-reloaded sections do not roll the DaemonSet');
    await h.kube.mergePatch(PM, 'powerplane', undefined, { spec: { agent: { interval: '10s', meters: ['rapl', 'model'] } } });
    await h.settle();
    assert.match(
      (store().get('v1', 'ConfigMap', 'powerplane-agent-config', 'powerplane')!.data as Record<string, string>)['config.yaml'],
      /interval: 10s/,
    );
    assert.notEqual(template().metadata.annotations['powerplane.io/config-hash'], hashBefore);
    const reconciled = (pmStatus().conditions as Array<{ type: string; observedGeneration: number }>).find((c) => c.type === 'Reconciled')!;
    assert.equal(reconciled.observedGeneration, store().get(PM.apiVersion, PM.kind, 'powerplane')!.metadata.generation);
  });

  test('update: a changed agent port replaces the container and Service port entries, and the DaemonSet converges', async () => {
    await h.kube.mergePatch(PM, 'powerplane', undefined, { spec: { agent: { port: 28283 } } });
    await h.settle();
    const containers = (ds().spec as { template: { spec: { containers: Array<{ ports: unknown[] }> } } }).template.spec.containers;
    assert.deepEqual(containers[0].ports, [{ name: 'http', containerPort: 28283, protocol: 'TCP' }]);
    const managed = JSON.stringify(ds().metadata.managedFields);
    assert.doesNotMatch(managed, /28282/, 'the old port entry is owned by no one');
    const svc = store().get('v1', 'Service', 'powerplane-agent', 'powerplane')!;
    assert.deepEqual((svc.spec as { ports: unknown[] }).ports, [{ name: 'http', port: 28283, targetPort: 'http', protocol: 'TCP' }]);
    assert.match(
      (store().get('v1', 'ConfigMap', 'powerplane-agent-config', 'powerplane')!.data as Record<string, string>)['config.yaml'],
      /0\.0\.0\.0:28283/,
    );

    h.api.writes.reset();
    h.manager.enqueue();
    await h.settle();
    assert.equal(h.api.writes.total(), 0, `a further reconcile wrote ${JSON.stringify(h.api.writes.requests)}`);
  });

  test('disabling the model server prunes its Deployment and Service', async () => {
    await h.kube.mergePatch(PM, 'powerplane', undefined, { spec: { modelServer: { enabled: false } } });
    await h.settle();
    assert.equal(store().get('apps/v1', 'Deployment', 'powerplane-model-server', 'powerplane'), undefined);
    assert.equal(store().get('v1', 'Service', 'powerplane-model-server', 'powerplane'), undefined);
  });

  test('spec.agent.gpu.enabled adds the GPU agent DaemonSet (admitted by the CRD schema); disabling prunes it', async () => {
    await h.kube.mergePatch(PM, 'powerplane', undefined, { spec: { agent: { gpu: { enabled: true, runtimeClassName: 'nvidia' } } } });
    await h.settle();
    const gpu = store().get('apps/v1', 'DaemonSet', 'powerplane-agent-gpu', 'powerplane');
    assert.ok(gpu, 'GPU agent DaemonSet exists');
    assert.equal((gpu.spec as any).template.spec.runtimeClassName, 'nvidia');
    assert.ok((ds().spec as any).template.spec.affinity, 'the plain agent keeps off GPU nodes');
    await h.kube.mergePatch(PM, 'powerplane', undefined, { spec: { agent: { gpu: { enabled: false } } } });
    await h.settle();
    assert.equal(store().get('apps/v1', 'DaemonSet', 'powerplane-agent-gpu', 'powerplane'), undefined);
    assert.equal((ds().spec as any).template.spec.affinity, undefined);
  });

  test('children deleted by hand come back, cluster-scoped ones included', async () => {
    await h.kube.delete({ apiVersion: 'v1', kind: 'ConfigMap' }, 'powerplane-agent-config', 'powerplane');
    await h.kube.delete({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole' }, 'powerplane-agent');
    await h.settle();
    assert.ok(store().get('v1', 'ConfigMap', 'powerplane-agent-config', 'powerplane'));
    assert.ok(store().get('rbac.authorization.k8s.io/v1', 'ClusterRole', 'powerplane-agent'));
  });

  test('a conflicting writer is overruled: the operator takes its fields back', async () => {
    const live = ds();
    await h.kube.apply(
      {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: 'powerplane-agent', namespace: 'powerplane' },
        spec: {
          ...(live.spec as object),
          template: {
            ...template(),
            spec: { ...template().spec, containers: [{ ...template().spec.containers[0], image: 'evil.example.org/x:1' }] },
          },
        },
      },
      { fieldManager: 'someone-else', force: true },
    );
    await h.settle();
    assert.equal(template().spec.containers[0].image, 'example.org/powerplane:test');
  });

  test('a 409 on a write requeues with backoff and the reconcile then succeeds', async () => {
    let injected = 0;
    const unregister = h.api.hooks.onRequest((req) => {
      if (req.verb === 'apply' && req.plural === 'configmaps' && injected < 2) {
        injected++;
        return { code: 409, reason: 'Conflict', message: 'injected conflict' };
      }
      return undefined;
    });
    try {
      await h.kube.mergePatch(PM, 'powerplane', undefined, { spec: { export: { idlePolicy: 'cpu-share' } } });
      await h.settle();
      assert.equal(injected, 2);
      const cm = store().get('v1', 'ConfigMap', 'powerplane-agent-config', 'powerplane')!;
      assert.match((cm.data as Record<string, string>)['config.yaml'], /idlePolicy: cpu-share/);
      const reconciled = (pmStatus().conditions as Array<{ type: string; status: string }>).find((c) => c.type === 'Reconciled')!;
      assert.equal(reconciled.status, 'True');
    } finally {
      unregister();
    }
  });

  test('Available follows the DaemonSet status; PowerNodes aggregate into per-metric availability', async () => {
    const d = ds();
    await h.kube.patchStatus({ apiVersion: 'apps/v1', kind: 'DaemonSet' }, 'powerplane-agent', 'powerplane', {
      status: {
        observedGeneration: d.metadata.generation,
        desiredNumberScheduled: 2,
        currentNumberScheduled: 2,
        numberReady: 2,
        updatedNumberScheduled: 2,
        numberAvailable: 2,
        numberMisscheduled: 0,
      },
    });
    const node = (name: string, source: string, watts: number, metrics: Record<string, string>) => ({
      apiVersion: 'powerplane.io/v1alpha1',
      kind: 'PowerNode',
      metadata: { name },
    });
    for (const [name, source, watts, metrics] of [
      ['n1', 'measured', 100, { rapl: 'enabled', gpu: 'unavailable' }],
      ['n2', 'estimated', 50.5, { rapl: 'enabled', gpu: 'disabled' }],
    ] as const) {
      await h.kube.create(node(name, source, watts, metrics));
      await h.kube.applyStatus(
        {
          apiVersion: 'powerplane.io/v1alpha1',
          kind: 'PowerNode',
          metadata: { name },
          status: {
            nodeName: name,
            meter: source === 'measured' ? 'rapl' : 'model',
            source,
            zones: ['package'],
            watts,
            agentVersion: '0.1.0',
            lastUpdate: '2026-01-01T00:00:00Z',
            capabilities: { meters: [], platform: false, gpus: 0, metricLevels: ['node'] },
            metrics,
          },
        },
        { fieldManager: 'powerplane-agent', force: true },
      );
    }
    await h.settle();
    const s = pmStatus();
    assert.equal(
      (s.conditions as Array<{ type: string; status: string; reason: string }>).find((c) => c.type === 'Available')!.reason,
      'DaemonSetReady',
    );
    assert.equal(s.agent.numberReady, 2);
    assert.deepEqual(s.nodes, { total: 2, measured: 1, estimated: 1, watts: 150.5 });
    assert.deepEqual(s.metrics.rapl, { state: 'enabled', enabled: 2, disabled: 0, unavailable: 0 });
    assert.deepEqual(s.metrics.gpu, { state: 'partial', enabled: 0, disabled: 1, unavailable: 1 });
  });
});

describe('singleton rule, invalid spec, missing integration CRD', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.stop());

  test('a second PowerMonitor is ignored with a condition saying so, and installs nothing', async () => {
    await createPowerMonitor(h.kube, 'other', { namespace: 'elsewhere' });
    await h.settle();
    const other = h.api.store.get(PM.apiVersion, PM.kind, 'other')!;
    const c = (other.status as { conditions: Array<{ type: string; status: string; reason: string; message: string }> }).conditions.find(
      (x) => x.type === 'Reconciled',
    )!;
    assert.deepEqual([c.status, c.reason], ['False', 'Ignored']);
    assert.match(c.message, /only the PowerMonitor named powerplane is reconciled/);
    assert.equal(other.metadata.finalizers, undefined);
    assert.equal(h.api.store.get('v1', 'Namespace', 'elsewhere'), undefined);
  });

  test('prometheus on without the CRD: Reconciled=False/IntegrationUnavailable, the rest is installed', async () => {
    await createPowerMonitor(h.kube, 'powerplane', { prometheus: { serviceMonitor: 'on' } });
    await h.settle();
    const pm = h.api.store.get(PM.apiVersion, PM.kind, 'powerplane')!;
    const c = (pm.status as { conditions: Array<{ type: string; status: string; reason: string; message: string }> }).conditions.find(
      (x) => x.type === 'Reconciled',
    )!;
    assert.deepEqual([c.status, c.reason], ['False', 'IntegrationUnavailable']);
    assert.match(c.message, /ServiceMonitor/);
    assert.ok(h.api.store.get('apps/v1', 'DaemonSet', 'powerplane-agent', 'powerplane'));
  });

  test('an invalid spec that bypassed the webhook gets Reconciled=False/InvalidSpec and changes nothing', async () => {
    const before = h.api.store.get('apps/v1', 'DaemonSet', 'powerplane-agent', 'powerplane')!.metadata.resourceVersion;
    await h.kube.mergePatch(PM, 'powerplane', undefined, { spec: { modelServer: { enabled: true, storage: { type: 'nfs' } } } });
    await h.settle();
    const pm = h.api.store.get(PM.apiVersion, PM.kind, 'powerplane')!;
    const c = (pm.status as { conditions: Array<{ type: string; status: string; reason: string; message: string }> }).conditions.find(
      (x) => x.type === 'Reconciled',
    )!;
    assert.deepEqual([c.status, c.reason], ['False', 'InvalidSpec']);
    assert.match(c.message, /spec\.modelServer\.storage\.server/);
    assert.equal(h.api.store.get('apps/v1', 'Deployment', 'powerplane-model-server', 'powerplane'), undefined);
    assert.equal(h.api.store.get('apps/v1', 'DaemonSet', 'powerplane-agent', 'powerplane')!.metadata.resourceVersion, before);
  });
});

describe('deletion', () => {
  test('deleting the PowerMonitor removes every object it made, cluster-scoped ones included', async () => {
    const h = await startHarness({ extraCrds: prometheusOperatorCrds(), dashboards: [{ name: 'overview', json: '{}' }] });
    try {
      await createPowerMonitor(h.kube, 'powerplane', { modelServer: { enabled: true }, estimator: { enabled: true } });
      await h.settle();
      const managed = () => {
        const out: string[] = [];
        for (const [v, k] of [
          ['v1', 'Namespace'],
          ['v1', 'ConfigMap'],
          ['v1', 'Service'],
          ['v1', 'ServiceAccount'],
          ['apps/v1', 'DaemonSet'],
          ['apps/v1', 'Deployment'],
          ['rbac.authorization.k8s.io/v1', 'ClusterRole'],
          ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
          ['monitoring.coreos.com/v1', 'ServiceMonitor'],
          ['monitoring.coreos.com/v1', 'PrometheusRule'],
        ]) {
          for (const o of h.api.store.list(v, k))
            if (o.metadata.labels?.['app.kubernetes.io/managed-by'] === 'powerplane-operator')
              out.push(`${k}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
        }
        return out;
      };
      const made = managed();
      assert.ok(made.length >= 15, made.join(' '));
      assert.ok(made.includes('ConfigMap/powerplane/powerplane-dashboard-overview'));
      await h.kube.delete(PM, 'powerplane');
      await h.settle();
      assert.deepEqual(managed(), []);
      assert.equal(h.api.store.get(PM.apiVersion, PM.kind, 'powerplane'), undefined, 'the finalizer was removed and the PowerMonitor is gone');
    } finally {
      await h.stop();
    }
  });
});

describe('an existing namespace', () => {
  test('is used as it is: not labelled, not owned, not deleted with the PowerMonitor', async () => {
    const h = await startHarness();
    try {
      h.api.store.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'monitoring', labels: { team: 'obs' } } });
      await createPowerMonitor(h.kube, 'powerplane', { namespace: 'monitoring' });
      await h.settle();
      assert.ok(h.api.store.get('apps/v1', 'DaemonSet', 'powerplane-agent', 'monitoring'));
      const ns = h.api.store.get('v1', 'Namespace', 'monitoring')!;
      assert.equal(ns.metadata.labels?.team, 'obs');
      assert.equal(ns.metadata.labels?.['app.kubernetes.io/managed-by'], undefined);
      assert.equal(ns.metadata.ownerReferences, undefined);
      await h.kube.delete(PM, 'powerplane');
      await h.settle();
      assert.ok(h.api.store.get('v1', 'Namespace', 'monitoring'), 'still there');
      assert.equal(h.api.store.get('apps/v1', 'DaemonSet', 'powerplane-agent', 'monitoring'), undefined);
    } finally {
      await h.stop();
    }
  });
});

describe('agent secrets', () => {
  test('mounted read-only; a missing Secret is reported; a changed Secret rolls the pods', async () => {
    const h = await startHarness();
    try {
      await createPowerMonitor(h.kube, 'powerplane', { agent: { secrets: [{ name: 'redfish', mountPath: '/etc/redfish' }] } });
      await h.settle();
      const pm = () => h.api.store.get(PM.apiVersion, PM.kind, 'powerplane')!;
      const reconciled = () =>
        (pm().status as { conditions: Array<{ type: string; status: string; reason: string }> }).conditions.find((c) => c.type === 'Reconciled')!;
      assert.deepEqual([reconciled().status, reconciled().reason], ['False', 'SecretNotFound']);
      h.api.store.seed({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'powerplane', labels: { 'app.kubernetes.io/managed-by': 'powerplane-operator' } },
      });
      await h.kube.create({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'redfish', namespace: 'powerplane' },
        stringData: { password: 'a' },
      });
      h.manager.enqueue();
      await h.settle();
      assert.equal(reconciled().reason, 'ReconcileSuccess');
      const pod = () => (h.api.store.get('apps/v1', 'DaemonSet', 'powerplane-agent', 'powerplane')!.spec as any).template;
      assert.deepEqual(
        pod().spec.volumes.find((v: { name: string }) => v.name === 'secret-0'),
        { name: 'secret-0', secret: { secretName: 'redfish', defaultMode: 0o400 } },
      );
      assert.equal(pod().spec.containers[0].volumeMounts.find((m: { name: string }) => m.name === 'secret-0').readOnly, true);
      const before = pod().metadata.annotations['powerplane.io/secret-hash'];
      assert.ok(before);
      await h.kube.mergePatch({ apiVersion: 'v1', kind: 'Secret' }, 'redfish', 'powerplane', { stringData: { password: 'b' } });
      h.manager.enqueue();
      await h.settle();
      assert.notEqual(pod().metadata.annotations['powerplane.io/secret-hash'], before);
    } finally {
      await h.stop();
    }
  });
});

describe('PowerMonitor spec.scheduler', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    await createPowerMonitor(h.kube, 'powerplane', { estimator: { enabled: true }, scheduler: { enabled: true, policy: 'spread' } });
    await h.settle();
  });
  after(() => h.stop());

  test("installs kube-scheduler at the cluster's version with the estimator as extender; disabling removes it", async () => {
    const dep = h.api.store.get('apps/v1', 'Deployment', 'powerplane-scheduler', 'powerplane')!;
    assert.ok(dep, 'scheduler Deployment exists');
    const spec = dep.spec as { template: { spec: { containers: { image: string }[] } } };
    // the fake API server reports v1.31.0-powerplane-fake
    assert.equal(spec.template.spec.containers[0].image, 'registry.k8s.io/kube-scheduler:v1.31.0');
    const cm = h.api.store.get('v1', 'ConfigMap', 'powerplane-scheduler', 'powerplane')!;
    assert.match(
      (cm.data as Record<string, string>)['config.yaml'],
      /urlPrefix: http:\/\/powerplane-estimator\.powerplane\.svc:5656\/scheduler\n\s+filterVerb: filter\?policy=spread/,
    );
    const crb = h.api.store.get('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'powerplane-scheduler')!;
    assert.equal((crb.roleRef as { name: string }).name, 'powerplane-scheduler');
    assert.equal(crb.metadata.ownerReferences?.[0].kind, 'PowerMonitor');

    await h.kube.mergePatch(PM, 'powerplane', undefined, { spec: { scheduler: { enabled: false } } });
    await h.settle();
    assert.equal(h.api.store.get('apps/v1', 'Deployment', 'powerplane-scheduler', 'powerplane'), undefined);
    assert.equal(h.api.store.get('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'powerplane-scheduler'), undefined);
  });
});
