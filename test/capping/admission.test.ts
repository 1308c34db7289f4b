import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '../../src/core/logger.js';
import { createServer } from '../../src/core/server.js';
import type { KubeObject } from '../../src/kube/types.js';
import { createWebhookComponent } from '../../src/operator/webhook/component.js';
import { buildWebhookConfigurations } from '../../src/operator/webhook/configurations.js';
import { loadOrCreateCertificates } from '../../src/operator/webhook/certs.js';
import { PodAdmission, UPDATES_ANNOTATION } from '../../src/operator/capping/admission.js';
import { Notifier } from '../../src/operator/capping/notify.js';
import { deploymentWithPods, podOf } from './fixtures.js';
import { startFakeKube } from '../helpers/kube.js';
import { scaledObjectCrd } from './third-party-crds.js';

interface Received {
  path: string;
  body: unknown;
}

async function receiver(): Promise<{ url: string; got: Received[]; close(): Promise<void> }> {
  const got: Received[] = [];
  const server = createHttpServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      got.push({ path: req.url ?? '', body: JSON.parse(text) });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, got, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A fake API server that calls the operator's webhook server over HTTPS (trusting its CA). */
async function setup() {
  const ns = (name: string, labels: Record<string, string> = {}) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } },
  });
  const { api, kube } = await startFakeKube({
    crds: true,
    seed: [
      scaledObjectCrd(),
      ns('llm', { 'powerplane.io/capping': 'enabled' }),
      ns('plain'),
      ns('powerplane-system'),
      ...deploymentWithPods('llm', 'llama', 1),
      ...deploymentWithPods('plain', 'llama', 1),
    ],
  });
  const certs = await loadOrCreateCertificates(kube, {
    namespace: 'powerplane-system',
    secretName: 'cert',
    hosts: ['127.0.0.1'],
    log: silentLogger(),
  });
  const notifier = new Notifier({ kube, log: silentLogger() });
  const pods = new PodAdmission({ kube, notifier, log: silentLogger() });
  const server = await createServer({
    log: silentLogger(),
    components: [createWebhookComponent({ pods })],
    https: { key: certs.serving.keyPem, cert: certs.serving.certPem },
  });
  const url = await server.listen('127.0.0.1:0');
  for (const cfg of buildWebhookConfigurations({ url }, Buffer.from(certs.ca.certPem).toString('base64')))
    await kube.apply(cfg, { fieldManager: 'test', force: true });
  const am = await receiver();
  return {
    api,
    kube,
    url,
    ca: certs.ca.certPem,
    am,
    notifier,
    async policy(spec: Record<string, unknown>, status: Record<string, unknown>) {
      await kube.create({
        apiVersion: 'powerplane.io/v1alpha1',
        kind: 'PowerCapPolicy',
        metadata: { name: 'cap', namespace: 'llm' },
        spec: { targets: [{ kind: 'Deployment', name: 'llama' }], budget: { watts: 100 }, ...spec },
      });
      await kube.applyStatus(
        { apiVersion: 'powerplane.io/v1alpha1', kind: 'PowerCapPolicy', metadata: { name: 'cap', namespace: 'llm' }, status } as KubeObject,
        { fieldManager: 'powerplane-operator', force: true },
      );
    },
    newPod(namespace: string, name: string) {
      const p = podOf(namespace, name, { app: 'llama' }, { kind: 'ReplicaSet', name: 'llama-5d4f8', uid: 'uid-rs-llama' }) as KubeObject;
      delete (p as { status?: unknown }).status;
      return kube.create(p);
    },
    async stop() {
      await am.close();
      await server.close();
      await api.stop();
    },
  };
}

const overBudget = (recommendation: Record<string, unknown>) => ({
  budgetWatts: 100,
  currentWatts: 150,
  conditions: [{ type: 'OverBudget', status: 'True', reason: 'AboveBudget', message: 'over', lastTransitionTime: '2026-01-01T00:00:00Z' }],
  targets: [{ kind: 'Deployment', name: 'llama', state: 'Ok', minReplicas: 1, reason: 'test', recommendation }],
});

test('Enforce + SetRequests: a new pod gets the recommended requests and limits through real HTTPS, recorded in an annotation', async (t) => {
  const s = await setup();
  t.after(() => s.stop());
  await s.policy(
    { mode: 'Enforce', actions: ['LimitReplicas', 'SetRequests'] },
    overBudget({ maxReplicas: 1, requests: { cpu: '500m' }, limits: { cpu: '1' } }),
  );
  const pod = await s.newPod('llm', 'llama-new');
  const c = (pod.spec as { containers: Array<{ resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }> }).containers[0];
  assert.deepEqual(c.resources, { requests: { cpu: '500m' }, limits: { cpu: '1' } });
  assert.match(pod.metadata.annotations?.[UPDATES_ANNOTATION] ?? '', /PowerCapPolicy llm\/cap: container 0 \(main\): cpu request, cpu limit/);
  // A namespace without the label is never sent to the plug-in.
  const plain = await s.newPod('plain', 'llama-plain');
  assert.equal((plain.spec as { containers: Array<{ resources?: unknown }> }).containers[0].resources, undefined);
  assert.equal(plain.metadata.annotations, undefined);
});

test('Migrate: replacement pods prefer the nodes with headroom', async (t) => {
  const s = await setup();
  t.after(() => s.stop());
  await s.policy(
    { mode: 'Enforce', actions: ['Migrate'] },
    overBudget({ maxReplicas: 1, migrate: ['llama-5d4f8-p0'], preferredNodes: ['n3', 'n4'] }),
  );
  const pod = await s.newPod('llm', 'llama-moved');
  const terms = (
    pod.spec as {
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: Array<{ weight: number; preference: { matchExpressions: Array<{ values: string[] }> } }>;
        };
      };
    }
  ).affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution;
  assert.deepEqual(
    terms.map((x) => x.preference.matchExpressions[0].values[0]),
    ['n3', 'n4'],
  );
  assert.ok(terms[0].weight > terms[1].weight);
});

test('DryRun over budget: the pod is admitted unchanged and the passive actuators are alerted (Event, Alertmanager v2, JSON webhook)', async (t) => {
  const s = await setup();
  t.after(() => s.stop());
  await s.policy(
    { mode: 'DryRun', actions: ['LimitReplicas', 'SetRequests', 'Alert'], notify: { alertmanagerUrl: s.am.url, webhookUrl: `${s.am.url}/hook` } },
    overBudget({ maxReplicas: 1, requests: { cpu: '500m' } }),
  );
  const pod = await s.newPod('llm', 'llama-dry');
  assert.equal((pod.spec as { containers: Array<{ resources?: unknown }> }).containers[0].resources, undefined, 'DryRun changes nothing');
  const alerts = s.am.got.find((g) => g.path === '/api/v2/alerts');
  assert.ok(alerts, 'Alertmanager got POST /api/v2/alerts');
  const a = (alerts.body as Array<{ labels: Record<string, string>; annotations: Record<string, string>; startsAt: string }>)[0];
  assert.equal(a.labels.alertname, 'PowerCapOverBudget');
  assert.equal(a.labels.powercappolicy, 'cap');
  assert.equal(a.labels.namespace, 'llm');
  assert.ok(!Number.isNaN(Date.parse(a.startsAt)));
  const hook = s.am.got.find((g) => g.path === '/hook')?.body as { policy: string; reason: string; currentWatts: number };
  assert.equal(hook.policy, 'llm/cap');
  assert.equal(hook.currentWatts, 150);
  const events = (await s.kube.list({ apiVersion: 'v1', kind: 'Event' }, { namespace: 'llm' })).items as Array<
    KubeObject & { reason: string; involvedObject: { kind: string } }
  >;
  assert.ok(events.some((e) => e.reason === 'OverBudget' && e.involvedObject.kind === 'PowerCapPolicy'));
  // A dry-run pod creation has no side effects.
  const before = s.am.got.length;
  await s.kube.transport.request({
    method: 'POST',
    path: '/api/v1/namespaces/llm/pods',
    query: { dryRun: 'All' },
    body: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'dry',
        namespace: 'llm',
        labels: { app: 'llama' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'llama-5d4f8', uid: 'uid-rs-llama', controller: true }],
      },
      spec: { containers: [{ name: 'main', image: 'x' }] },
    },
  });
  assert.equal(s.am.got.length, before);
});

test('the validating webhook rejects a policy with two budget forms or release ≥ act, naming the field', async (t) => {
  const s = await setup();
  t.after(() => s.stop());
  await assert.rejects(
    s.kube.create({
      apiVersion: 'powerplane.io/v1alpha1',
      kind: 'PowerCapPolicy',
      metadata: { name: 'bad', namespace: 'llm' },
      spec: { targets: [{ kind: 'Deployment', name: 'x' }], budget: { watts: 100, percentOfAverage: { percent: 50 } } },
    }),
    /spec\.budget: exactly one of watts, percentOfPeak, percentOfAverage/,
  );
  await assert.rejects(
    s.kube.create({
      apiVersion: 'powerplane.io/v1alpha1',
      kind: 'PowerCapPolicy',
      metadata: { name: 'bad', namespace: 'llm' },
      spec: { targets: [{ kind: 'Deployment', name: 'x' }], budget: { watts: 100 }, thresholds: { act: 0.8, release: 0.9 } },
    }),
    /spec\.thresholds\.release/,
  );
  // The schema refuses an unknown kind.
  await assert.rejects(
    s.kube.create({
      apiVersion: 'powerplane.io/v1alpha1',
      kind: 'PowerCapPolicy',
      metadata: { name: 'bad', namespace: 'llm' },
      spec: { targets: [{ kind: 'Job', name: 'x' }], budget: { watts: 100 } },
    }),
    /kind/,
  );
});
