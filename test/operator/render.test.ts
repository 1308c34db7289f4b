import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { validateK8sObject, KIND_SCHEMAS } from './k8s-schemas.js';
import { everyObject } from './objects.js';
import { REPO_ROOT } from '../helpers/shared-data.js';
import type { KubeObject } from '../../src/kube/types.js';

function runRender(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'render', ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('powerplane render prints YAML documents that validate against the Kubernetes schemas of their kinds', () => {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'render', '--namespace', 'pp-test', '--image', 'example.org/pp:1'],
    { cwd: REPO_ROOT, encoding: 'utf8' },
  );
  const docs = parseAllDocuments(out).map((d) => d.toJS() as KubeObject);
  const kinds = docs.map((d) => d.kind);
  for (const k of [
    'CustomResourceDefinition',
    'Namespace',
    'ServiceAccount',
    'ClusterRole',
    'ClusterRoleBinding',
    'Role',
    'RoleBinding',
    'Deployment',
    'Service',
    'ValidatingWebhookConfiguration',
    'MutatingWebhookConfiguration',
  ]) {
    assert.ok(kinds.includes(k), `render prints a ${k}`);
  }
  assert.ok(kinds.indexOf('CustomResourceDefinition') < kinds.indexOf('Namespace'), 'CRDs first');
  for (const d of docs) assert.deepEqual(validateK8sObject(d), [], `${d.kind}/${d.metadata.name}`);
  const deployment = docs.find((d) => d.kind === 'Deployment')!;
  assert.equal(deployment.metadata.namespace, 'pp-test');
  assert.match(JSON.stringify(deployment), /example\.org\/pp:1/);
});

test('render --crds-only prints only the four CRDs; bad flags exit 2 naming the flag', () => {
  const only = parseAllDocuments(runRender(['--crds-only']).stdout).map((d) => d.toJS() as KubeObject);
  assert.deepEqual(
    only.map((d) => d.kind),
    ['CustomResourceDefinition', 'CustomResourceDefinition', 'CustomResourceDefinition', 'CustomResourceDefinition'],
  );
  const bad = runRender(['--namespace', 'Not_A_Label']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--namespace/);
});

test('every object a full PowerMonitor installs validates (kinds the validator knows)', () => {
  const objs = everyObject().filter((o) => o.kind in KIND_SCHEMAS);
  assert.ok(objs.length > 20);
  for (const o of objs) assert.deepEqual(validateK8sObject(o), [], `${o.kind}/${o.metadata.name}`);
});

test('the validator catches unknown fields, wrong types, bad enums and missing required fields', () => {
  const errs = validateK8sObject({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'x', labells: {} },
    spec: {
      selector: {},
      template: { spec: { containers: [{ name: 'c', imagePullPolicy: 'Sometimes', ports: [{ containerPort: '80' }] }], hostPid: true } },
    },
  } as unknown as KubeObject).join('\n');
  assert.match(errs, /metadata\.labells: unknown field/);
  assert.match(errs, /imagePullPolicy: "Sometimes" is not one of/);
  assert.match(errs, /containerPort: expected integer/);
  assert.match(errs, /hostPid: unknown field/);
  assert.match(
    validateK8sObject({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'x' } } as KubeObject).join(),
    /roleRef: required/,
  );
});

test('RBAC has no wildcards in any rendered or built role', () => {
  const roles = everyObject().filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role');
  assert.ok(roles.length >= 4);
  for (const r of roles) {
    const rules = r.rules as Array<Record<string, string[] | undefined>>;
    assert.ok(rules.length > 0);
    for (const rule of rules) {
      for (const field of ['apiGroups', 'resources', 'verbs', 'resourceNames', 'nonResourceURLs']) {
        for (const v of rule[field] ?? []) assert.ok(!v.includes('*'), `${r.kind}/${r.metadata.name} ${field} contains a wildcard: ${v}`);
      }
      assert.equal(rule.nonResourceURLs, undefined);
    }
  }
});

test('render --scheduler adds the secondary scheduler: Deployment of kube-scheduler, least-privilege RBAC, a KubeSchedulerConfiguration with the estimator as ignorable extender', () => {
  const r = runRender([
    '--namespace',
    'pp-test',
    '--scheduler',
    '--scheduler-version',
    'v1.30.4',
    '--scheduler-policy',
    'temperature',
    '--scheduler-estimator-url',
    'http://est.pp.svc:5656',
  ]);
  assert.equal(r.status, 0, r.stderr);
  const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as KubeObject);
  for (const d of docs) assert.deepEqual(validateK8sObject(d), [], `${d.kind}/${d.metadata.name}`);
  const sched = docs.filter((d) => d.metadata.name === 'powerplane-scheduler');
  assert.deepEqual(sched.map((d) => d.kind).sort(), ['ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'Deployment', 'ServiceAccount']);
  const dep = sched.find((d) => d.kind === 'Deployment') as KubeObject & {
    spec: {
      replicas: number;
      strategy: { type: string };
      template: { spec: { serviceAccountName: string; containers: { image: string; args: string[] }[] } };
    };
  };
  assert.equal(dep.metadata.namespace, 'pp-test');
  assert.equal(dep.spec.template.spec.containers[0].image, 'registry.k8s.io/kube-scheduler:v1.30.4');
  assert.deepEqual([dep.spec.replicas, dep.spec.strategy.type, dep.spec.template.spec.serviceAccountName], [1, 'Recreate', 'powerplane-scheduler']);
  const cm = sched.find((d) => d.kind === 'ConfigMap') as KubeObject & { data: Record<string, string> };
  const config = parseAllDocuments(cm.data['config.yaml'])[0].toJS() as KubeObject & {
    profiles: { schedulerName: string }[];
    extenders: Record<string, unknown>[];
  };
  assert.deepEqual(validateK8sObject(config), []);
  assert.deepEqual(config.profiles, [{ schedulerName: 'powerplane-scheduler' }]);
  assert.deepEqual(config.extenders, [
    {
      urlPrefix: 'http://est.pp.svc:5656/scheduler',
      filterVerb: 'filter?policy=temperature',
      prioritizeVerb: 'prioritize?policy=temperature',
      weight: 5,
      enableHTTPS: false,
      httpTimeout: '1s',
      nodeCacheCapable: true,
      ignorable: true,
    },
  ]);
  assert.ok(dep.spec.template.spec.containers[0].args.includes('--config=/etc/powerplane-scheduler/config.yaml'));
  // RBAC: the ClusterRole grants what kube-scheduler needs and is bound to its ServiceAccount only
  const role = sched.find((d) => d.kind === 'ClusterRole') as KubeObject & { rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[] };
  const grants = (res: string, verb: string) => role.rules.some((x) => x.resources.includes(res) && x.verbs.includes(verb));
  assert.ok(grants('pods/binding', 'create') && grants('nodes', 'watch') && !grants('secrets', 'get') && !grants('leases', 'create'));
  const crb = sched.find((d) => d.kind === 'ClusterRoleBinding') as KubeObject & { subjects: unknown[] };
  assert.deepEqual(crb.subjects, [{ kind: 'ServiceAccount', name: 'powerplane-scheduler', namespace: 'pp-test' }]);
  // without --scheduler only the (unbound) ClusterRole is rendered, for the operator to bind
  const plain = parseAllDocuments(runRender([]).stdout)
    .map((d) => d.toJS() as KubeObject)
    .filter((d) => d.metadata.name === 'powerplane-scheduler');
  assert.deepEqual(
    plain.map((d) => d.kind),
    ['ClusterRole'],
  );
  for (const [flag, value] of [
    ['--scheduler-version', 'latest'],
    ['--scheduler-policy', 'greedy'],
    ['--scheduler-estimator-url', 'ftp://x'],
  ]) {
    const bad = runRender(['--scheduler', flag, value]);
    assert.equal(bad.status, 2, `${flag} ${value}`);
    assert.match(bad.stderr, new RegExp(flag));
  }
});

test('render warns on stderr (YAML on stdout intact) when the image is the unpublished default, and not with --image', () => {
  const dflt = runRender([]);
  assert.equal(dflt.status, 0, dflt.stderr);
  assert.match(dflt.stderr, /warning: ghcr\.io\/powerplane\/powerplane:\S+ is the default image name and is not published.*--image/);
  assert.ok(parseAllDocuments(dflt.stdout).length > 10);
  const own = runRender(['--image', 'registry.example.com/powerplane:1']);
  assert.equal(own.stderr, '');
  assert.equal(runRender(['--crds-only']).stderr, '');
});
