import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { freePort, runPowerplane, spawnPowerplane } from '../helpers/cli.js';
import { startFakeKube } from '../helpers/kube.js';
import { errorMessage } from '../../src/core/errors.js';

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function postJson(url: string, body: unknown, ca: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const data = JSON.stringify(body);
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        ca,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

test('powerplane operator --kubeconfig --webhook-url: reconciles, serves health, registers a TLS webhook with its CA', async () => {
  const { api, kube } = await startFakeKube({ crds: true, seed: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'powerplane-system' } }] });
  const webhookPort = await freePort();
  const healthPort = await freePort();
  const child = await spawnPowerplane([
    'operator',
    '--kubeconfig',
    api.kubeconfigPath,
    '--namespace',
    'powerplane-system',
    '--webhook.listen-address',
    `127.0.0.1:${webhookPort}`,
    '--webhook-url',
    `https://127.0.0.1:${webhookPort}`,
    '--health.listen-address',
    `127.0.0.1:${healthPort}`,
    '--leader-elect',
    '--log.format',
    'json',
  ]);
  try {
    await until('readyz', async () => (await fetch(`http://127.0.0.1:${healthPort}/readyz`).catch(() => undefined))?.ok || undefined);
    await until(
      'leader',
      async () => ((await (await fetch(`http://127.0.0.1:${healthPort}/api/v1/operator`)).json()) as { leading: boolean }).leading || undefined,
    );
    const vwc = await until('webhook configuration', () =>
      api.store.get('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'powerplane-operator'),
    );
    const hook = (vwc.webhooks as Array<{ clientConfig: { url: string; caBundle: string }; failurePolicy: string }>)[0];
    assert.equal(hook.failurePolicy, 'Ignore');
    assert.equal(hook.clientConfig.url, `https://127.0.0.1:${webhookPort}/validate-powermonitor`);
    const ca = Buffer.from(hook.clientConfig.caBundle, 'base64').toString();
    assert.match(ca, /BEGIN CERTIFICATE/);
    assert.ok(api.store.get('v1', 'Secret', 'powerplane-operator-webhook-cert', 'powerplane-system'), 'certificates kept in a Secret');
    assert.ok(api.store.get('coordination.k8s.io/v1', 'Lease', 'powerplane-operator-leader', 'powerplane-system'), 'leader Lease');

    const review = (name: string) => ({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: { uid: 'x1', operation: 'CREATE', name, object: { metadata: { name }, spec: {} } },
    });
    const denied = await postJson(hook.clientConfig.url, review('second'), ca);
    assert.equal(denied.status, 200);
    assert.equal(denied.body.response.allowed, false);
    assert.equal((await postJson(hook.clientConfig.url, review('powerplane'), ca)).body.response.allowed, true);
    const bad = await postJson(hook.clientConfig.url, { kind: 'Nope' }, ca);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, 'kind');

    // Through the API server: the validating webhook rejects a second name; the mutating one fills in defaults.
    await assert.rejects(
      kube.create({ apiVersion: 'powerplane.io/v1alpha1', kind: 'PowerMonitor', metadata: { name: 'second' }, spec: {} }),
      /only one PowerMonitor, named powerplane/,
    );
    await assert.rejects(
      kube.create({
        apiVersion: 'powerplane.io/v1alpha1',
        kind: 'Estimator',
        metadata: { name: 'e', namespace: 'default' },
        spec: { defaultNodeConfig: { powerConsumptionPredictor: { type: 'MLServer' } } },
      }),
      /MLServer needs an endpoint/,
    );
    await kube.create({ apiVersion: 'powerplane.io/v1alpha1', kind: 'PowerMonitor', metadata: { name: 'powerplane' } });
    await until('agent DaemonSet', () => api.store.get('apps/v1', 'DaemonSet', 'powerplane-agent', 'powerplane'));
    const pm = api.store.get('powerplane.io/v1alpha1', 'PowerMonitor', 'powerplane')!;
    assert.equal((pm.spec as { agent: { port: number } }).agent.port, 28282, 'defaults set at admission (webhook and schema)');
  } catch (err) {
    throw new Error(`${errorMessage(err)}\noperator log:\n${child.stderr()}`, { cause: err });
  } finally {
    await child.stop();
    await api.stop();
  }
  assert.doesNotMatch(child.stderr(), /"level":(50|60)/, child.stderr());
});

test('operator outside a cluster without --webhook-url does not register webhooks and says so; bad flags exit 2', async () => {
  const bad = await runPowerplane(['operator', '--webhook-url', 'http://x', '--kubeconfig', '/nonexistent']);
  assert.equal(bad.code, 2, bad.stderr);
  const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'powerplane-system' } };
  const bare = await startFakeKube({ seed: [namespace] });
  try {
    // Asynchronously: the fake API server answers from this process.
    const r = await runPowerplane(['operator', '--kubeconfig', bare.api.kubeconfigPath, '--health.listen-address', '127.0.0.1:0']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /CRD powermonitors\.powerplane\.io is not installed/);
  } finally {
    await bare.stop();
  }
  const { api } = await startFakeKube({ crds: true, seed: [namespace] });
  const healthPort = await freePort();
  const child = await spawnPowerplane([
    'operator',
    '--kubeconfig',
    api.kubeconfigPath,
    '--health.listen-address',
    `127.0.0.1:${healthPort}`,
    '--log.format',
    'json',
  ]);
  try {
    await until('log line', () => /admission webhooks are not registered/.test(child.stderr()) || undefined);
    assert.equal(api.store.get('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'powerplane-operator'), undefined);
    await until('readyz', async () => (await fetch(`http://127.0.0.1:${healthPort}/readyz`).catch(() => undefined))?.ok || undefined);
    // The API server goes away: a log line says so, and the leader is no longer ready (it is still alive).
    await api.stop();
    await until('unreachable log line', () => /Kubernetes API server unreachable/.test(child.stderr()) || undefined);
    await until('readyz 503', async () => (await fetch(`http://127.0.0.1:${healthPort}/readyz`)).status === 503 || undefined);
    assert.equal((await fetch(`http://127.0.0.1:${healthPort}/healthz`)).status, 200);
    const state = (await (await fetch(`http://127.0.0.1:${healthPort}/api/v1/operator`)).json()) as { apiServerReachable: boolean };
    assert.equal(state.apiServerReachable, false);
  } finally {
    await child.stop();
    await api.stop();
  }
});
