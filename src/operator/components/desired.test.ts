import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { buildDesiredState, type BuildContext } from './desired.js';
import { resolveSpec } from './spec.js';
import { modelStoreVolume } from './workloads.js';
import { dedupeRules } from './install.js';
import { CONFIG_HASH_ANNOTATION } from './agent.js';
import { agentConfig } from './agent-config.js';
import { configFileValues } from '../../core/config-keys.js';
import { loadConfig } from '../../core/config.js';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const owner = { apiVersion: 'powerplane.io/v1alpha1', kind: 'PowerMonitor', name: 'powerplane', uid: 'u-1' };
const none: BuildContext = {
  image: 'img:1',
  crds: { serviceMonitor: false, prometheusRule: false, scc: false, machineConfig: false },
  dashboards: [],
};
const all: BuildContext = {
  image: 'img:1',
  crds: { serviceMonitor: true, prometheusRule: true, scc: true, machineConfig: true },
  dashboards: [{ name: 'd', json: '{}' }],
};

test('every object is labelled managed-by/part-of/component and owned by the PowerMonitor', () => {
  const { objects } = buildDesiredState(
    resolveSpec({ modelServer: { enabled: true }, estimator: { enabled: true }, openshift: { scc: true, machineConfig: { enabled: true } } }),
    owner,
    all,
  );
  for (const o of objects) {
    const l = o.metadata.labels ?? {};
    assert.equal(l['app.kubernetes.io/managed-by'], 'powerplane-operator', `${o.kind}/${o.metadata.name}`);
    assert.equal(l['app.kubernetes.io/part-of'], 'powerplane');
    assert.ok(l['app.kubernetes.io/component']);
    assert.deepEqual(o.metadata.ownerReferences, [{ ...owner, controller: true, blockOwnerDeletion: true }]);
  }
  assert.equal(objects[0].kind, 'Namespace', 'the namespace is applied first');
});

test('the agent DaemonSet: hostPID, read-only host mounts, not privileged, only SYS_PTRACE, read-only root, NODE_NAME', () => {
  const ds = buildDesiredState(resolveSpec({}), owner, none).objects.find((o) => o.kind === 'DaemonSet')!;
  const pod = (ds.spec as any).template.spec;
  const c = pod.containers[0];
  assert.equal(pod.hostPID, true);
  assert.deepEqual(c.securityContext.capabilities, { drop: ['ALL'], add: ['SYS_PTRACE'] });
  assert.equal(c.securityContext.privileged, false);
  assert.equal(c.securityContext.readOnlyRootFilesystem, true);
  assert.equal(c.securityContext.allowPrivilegeEscalation, false);
  assert.ok(c.args.includes('--host.sysfs=/host/sys') && c.args.includes('--host.procfs=/host/proc'));
  for (const m of ['/host/sys', '/host/proc']) assert.equal(c.volumeMounts.find((v: any) => v.mountPath === m).readOnly, true);
  assert.deepEqual(c.env[0], { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } });
  assert.equal(c.env.find((e: any) => e.name === 'NODE_OPTIONS')?.value, '--max-semi-space-size=2', 'small young generation for a bounded RSS');
  assert.equal(c.livenessProbe.httpGet.path, '/healthz');
  assert.equal(c.readinessProbe.httpGet.path, '/readyz');
  assert.deepEqual(pod.nodeSelector, { 'kubernetes.io/os': 'linux' });
  assert.deepEqual(pod.tolerations, [{ operator: 'Exists' }]);
  const ns = buildDesiredState(resolveSpec({}), owner, none).objects[0];
  assert.equal(ns.metadata.labels!['pod-security.kubernetes.io/enforce'], 'privileged');
});

test('collect/export changes change the ConfigMap only; agent changes change the pod template hash', () => {
  const hash = (spec: object) =>
    (buildDesiredState(resolveSpec(spec), owner, none).objects.find((o) => o.kind === 'DaemonSet')!.spec as any).template.metadata.annotations[
      CONFIG_HASH_ANNOTATION
    ];
  const cm = (spec: object) =>
    (buildDesiredState(resolveSpec(spec), owner, none).objects.find((o) => o.kind === 'ConfigMap')!.data as Record<string, string>)['config.yaml'];
  assert.equal(hash({}), hash({ export: { levels: ['node'] }, collect: { gpu: false } }));
  assert.notEqual(cm({}), cm({ export: { levels: ['node'] } }));
  assert.notEqual(hash({}), hash({ agent: { meters: ['model'] } }));
});

test('the agent config file loads with the core config loader, keys and values intact', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pp-agentcfg-'));
  try {
    const file = join(dir, 'config.yaml');
    const spec = resolveSpec({
      collect: { gpu: false, pods: true },
      export: { levels: ['node', 'pod'], idlePolicy: 'cpu-share' },
      agent: { interval: '10s', podSource: 'apiserver' },
    });
    const cm = buildDesiredState(spec, owner, none).objects.find((o) => o.kind === 'ConfigMap')!;
    writeFileSync(file, (cm.data as Record<string, string>)['config.yaml']);
    const { config, warnings } = loadConfig({ file });
    assert.deepEqual(warnings, []);
    assert.equal(config.monitor.interval, 10_000);
    assert.deepEqual(config.metrics, ['node', 'pod']);
    assert.equal(config.gpu.enable, false);
    assert.equal(config.kube.enable, true);
    assert.equal(config.kube.podInformer.mode, 'apiserver');
    assert.equal(config.attribution.idlePolicy, 'cpu-share');
    assert.equal(config.host.sysfs, '/host/sys');
    assert.deepEqual(parse((cm.data as Record<string, string>)['config.yaml']), configFileValues(agentConfig(spec)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('optional integrations: auto follows the CRDs, off never installs, on without CRD is reported', () => {
  const kinds = (spec: object, ctx: BuildContext) => buildDesiredState(resolveSpec(spec), owner, ctx).objects.map((o) => o.kind);
  assert.ok(!kinds({}, none).includes('ServiceMonitor'));
  assert.ok(kinds({}, all).includes('ServiceMonitor') && kinds({}, all).includes('PrometheusRule'));
  assert.ok(!kinds({ prometheus: { serviceMonitor: 'off', rules: 'off' } }, all).includes('ServiceMonitor'));
  assert.ok(!kinds({}, all).includes('SecurityContextConstraints'), 'OpenShift objects only when asked');
  const on = buildDesiredState(resolveSpec({ prometheus: { serviceMonitor: 'on' } }), owner, none);
  assert.equal(on.integrations.serviceMonitor, 'CRDMissing');
  assert.equal(on.missing.length, 1);
  assert.ok(kinds({}, all).includes('ConfigMap'));
  const dash = buildDesiredState(resolveSpec({ grafana: { namespace: 'monitoring' } }), owner, all).objects.find(
    (o) => o.metadata.name === 'powerplane-dashboard-d',
  )!;
  assert.equal(dash.metadata.namespace, 'monitoring');
  assert.equal(dash.metadata.labels!.grafana_dashboard, '1');
});

test('model store volumes by storage type', () => {
  assert.deepEqual(modelStoreVolume({ type: 'emptyDir' }), { name: 'models', emptyDir: {} });
  assert.deepEqual(modelStoreVolume({ type: 'hostPath', path: '/data' }), { name: 'models', hostPath: { path: '/data', type: 'DirectoryOrCreate' } });
  assert.deepEqual(modelStoreVolume({ type: 'nfs', server: 'nfs.local', path: '/exports' }), {
    name: 'models',
    nfs: { server: 'nfs.local', path: '/exports' },
  });
  assert.deepEqual(modelStoreVolume({ type: 'pvc', claimName: 'models' }), { name: 'models', persistentVolumeClaim: { claimName: 'models' } });
});

test('spec.agent.gpu: a GPU agent DaemonSet on GPU nodes (NVIDIA env, runtime class or read-only driver mount, same privileges); the plain agent avoids them', () => {
  const daemonSets = (spec: Parameters<typeof resolveSpec>[0]) =>
    buildDesiredState(resolveSpec(spec), owner, none).objects.filter((o) => o.kind === 'DaemonSet');
  assert.deepEqual(
    daemonSets({}).map((d) => d.metadata.name),
    ['powerplane-agent'],
    'off by default',
  );

  const [plain, gpu] = daemonSets({ agent: { meters: ['rapl', 'model'], gpu: { enabled: true, runtimeClassName: 'nvidia' } } });
  assert.equal(gpu.metadata.name, 'powerplane-agent-gpu');
  const p = (plain.spec as any).template.spec;
  const g = (gpu.spec as any).template.spec;
  assert.deepEqual(g.nodeSelector, { 'kubernetes.io/os': 'linux', 'nvidia.com/gpu.present': 'true' });
  assert.deepEqual(p.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms, [
    { matchExpressions: [{ key: 'nvidia.com/gpu.present', operator: 'NotIn', values: ['true'] }] },
  ]);
  assert.equal(g.runtimeClassName, 'nvidia');
  assert.equal(p.runtimeClassName, undefined);
  const c = g.containers[0];
  assert.deepEqual(
    c.env.filter((e: any) => e.name.startsWith('NVIDIA_')),
    [
      { name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' },
      { name: 'NVIDIA_DRIVER_CAPABILITIES', value: 'utility' },
    ],
  );
  assert.ok(c.args.includes('--meter=rapl,model,gpu'));
  assert.ok(!c.args.some((a: string) => a.startsWith('--gpu.nvml-library')), 'the runtime puts the library on the loader path');
  assert.deepEqual(c.securityContext, p.containers[0].securityContext, 'no privileges beyond the plain agent');
  // the two DaemonSets' selectors do not overlap; the Service selects both
  const sel = (d: any) => d.spec.selector.matchLabels;
  const podLabels = (d: any) => d.spec.template.metadata.labels;
  const matches = (s: Record<string, string>, l: Record<string, string>) => Object.entries(s).every(([k, v]) => l[k] === v);
  assert.equal(matches(sel(plain), podLabels(gpu)), false);
  assert.equal(matches(sel(gpu), podLabels(plain)), false);
  const svc = buildDesiredState(resolveSpec({ agent: { gpu: { enabled: true } } }), owner, none).objects.find(
    (o) => o.kind === 'Service' && o.metadata.name === 'powerplane-agent',
  )!;
  assert.ok(matches((svc.spec as any).selector, podLabels(plain)) && matches((svc.spec as any).selector, podLabels(gpu)));

  // driverRoot: the host's library directory read-only, loaded by path; a custom GPU node label
  const [, mounted] = daemonSets({
    agent: { gpu: { enabled: true, driverRoot: '/run/nvidia/driver/usr/lib64', nodeSelector: { 'example.com/accelerator': 'h200' } } },
  });
  const m = (mounted.spec as any).template.spec;
  assert.deepEqual(
    m.volumes.find((v: any) => v.name === 'nvidia-driver'),
    { name: 'nvidia-driver', hostPath: { path: '/run/nvidia/driver/usr/lib64', type: 'Directory' } },
  );
  assert.deepEqual(
    m.containers[0].volumeMounts.find((v: any) => v.name === 'nvidia-driver'),
    { name: 'nvidia-driver', mountPath: '/host/nvidia-driver', readOnly: true },
  );
  assert.ok(m.containers[0].args.includes('--gpu.nvml-library=/host/nvidia-driver/libnvidia-ml.so.1'));
  assert.deepEqual(m.nodeSelector, { 'kubernetes.io/os': 'linux', 'example.com/accelerator': 'h200' });
  assert.equal(m.runtimeClassName, undefined);
});

test("the estimator may list and watch pods (the scheduler extender's pod watch) and nothing more on pods", () => {
  const { objects } = buildDesiredState(resolveSpec({ estimator: { enabled: true } }), owner, none);
  const role = objects.find((o) => o.kind === 'ClusterRole' && o.metadata.name === 'powerplane-estimator') as unknown as {
    rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[];
  };
  assert.ok(role, 'the estimator ClusterRole');
  const onPods = role.rules.filter((r) => r.apiGroups.includes('') && r.resources.some((x) => x === 'pods' || x.startsWith('pods/')));
  assert.deepEqual(
    onPods.map((r) => [r.resources, r.verbs]),
    [[['pods'], ['list', 'watch']]],
  );
});

test('the operator ClusterRole drops a rule an earlier one already grants, and keeps narrower-by-name ones apart', () => {
  const rules = dedupeRules([
    { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch'] },
    { apiGroups: [''], resources: ['secrets'], verbs: ['delete'], resourceNames: ['token'] },
    { apiGroups: [''], resources: ['secrets'], verbs: ['delete'] },
    { apiGroups: [''], resources: ['pods', 'nodes'], verbs: ['get'] },
  ]);
  assert.deepEqual(
    rules.map((r) => [r.resources, r.verbs, r.resourceNames]),
    [
      [['pods'], ['get', 'list', 'watch'], undefined],
      [['secrets'], ['delete'], ['token']],
      [['secrets'], ['delete'], undefined],
      [['pods', 'nodes'], ['get'], undefined],
    ],
  );
});
