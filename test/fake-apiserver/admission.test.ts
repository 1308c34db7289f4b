import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ApiException, CoreV1Api } from '@kubernetes/client-node';
import { rulesMatch, selectorMatches } from './admission.js';
import { startFakeApiServer, type FakeApiServer } from './index.js';
import { builtinResources } from './registry.js';
import { OpensslPki } from '../helpers/tls.js';

const configmaps = builtinResources().find((d) => d.plural === 'configmaps')!;

test('rules match operations, groups, versions, resources, subresources and scope', () => {
  const rule = { operations: ['CREATE', 'UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'], scope: 'Namespaced' };
  assert.equal(rulesMatch([rule], { operation: 'CREATE', def: configmaps, subresource: '' }), true);
  assert.equal(rulesMatch([rule], { operation: 'DELETE', def: configmaps, subresource: '' }), false);
  assert.equal(rulesMatch([{ ...rule, resources: ['*'] }], { operation: 'UPDATE', def: configmaps, subresource: 'status' }), false);
  assert.equal(rulesMatch([{ ...rule, resources: ['*/*'] }], { operation: 'UPDATE', def: configmaps, subresource: 'status' }), true);
  assert.equal(rulesMatch([{ ...rule, scope: 'Cluster' }], { operation: 'CREATE', def: configmaps, subresource: '' }), false);
  assert.equal(selectorMatches({ matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['x'] }] }, {}), true);
  assert.equal(selectorMatches({ matchLabels: { a: 'b' } }, { a: 'c' }), false);
});

/** A self-signed certificate for 127.0.0.1 made with openssl. */
function selfSigned(dir: string): { key: string; cert: string } {
  const pki = new OpensslPki(dir, 1).selfSigned('webhook', '/CN=webhook', ['subjectAltName=IP:127.0.0.1']);
  return { key: pki.pem('webhook.key'), cert: pki.pem('webhook.crt') };
}

describe('fake API server: admission webhooks', () => {
  let api: FakeApiServer;
  let core: CoreV1Api;
  let hook: Server;
  let dir: string;
  let hookUrl = '';
  let cert = '';
  const reviews: Array<{ path: string; request: Record<string, any> }> = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'webhook-'));
    const tls = selfSigned(dir);
    cert = tls.cert;
    hook = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        const review = JSON.parse(body) as { request: Record<string, any> };
        reviews.push({ path: req.url ?? '', request: review.request });
        const obj = review.request.object;
        let response: Record<string, unknown> = { uid: review.request.uid, allowed: true };
        if (req.url === '/mutate' && !obj?.metadata?.labels?.mutated) {
          const ops = obj.metadata.labels
            ? [{ op: 'add', path: '/metadata/labels/mutated', value: 'yes' }]
            : [{ op: 'add', path: '/metadata/labels', value: { mutated: 'yes' } }];
          response = { ...response, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(ops)).toString('base64') };
        }
        if (req.url === '/validate' && obj?.data?.forbidden)
          response = { uid: review.request.uid, allowed: false, status: { code: 403, reason: 'Forbidden', message: 'forbidden key' } };
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response }));
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
    const address = hook.address();
    hookUrl = `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    api = await startFakeApiServer();
    core = api.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'hooked', labels: { webhooks: 'on' } } } });
    const caBundle = Buffer.from(cert).toString('base64');
    const rules = [{ operations: ['CREATE', 'UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'], scope: 'Namespaced' }];
    const nsSel = { matchLabels: { webhooks: 'on' } };
    await fetchJson('POST', '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations', {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: 'm' },
      webhooks: [
        {
          name: 'mutate.example.com',
          clientConfig: { url: `${hookUrl}/mutate`, caBundle },
          rules,
          namespaceSelector: nsSel,
          sideEffects: 'None',
          admissionReviewVersions: ['v1'],
        },
      ],
    });
    await fetchJson('POST', '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations', {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'v' },
      webhooks: [
        {
          name: 'validate.example.com',
          clientConfig: { url: `${hookUrl}/validate`, caBundle },
          rules,
          namespaceSelector: nsSel,
          sideEffects: 'None',
          admissionReviewVersions: ['v1'],
        },
        {
          name: 'down-but-ignored.example.com',
          failurePolicy: 'Ignore',
          clientConfig: { url: 'https://127.0.0.1:1/x', caBundle },
          rules,
          namespaceSelector: nsSel,
          sideEffects: 'None',
          admissionReviewVersions: ['v1'],
        },
      ],
    });
  });
  after(async () => {
    await api.stop();
    await new Promise<void>((r) => hook.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  async function fetchJson(method: string, path: string, body: unknown): Promise<Record<string, any>> {
    const r = await api.fetch(path, { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const json = (await r.json()) as Record<string, any>;
    assert.ok(r.ok, JSON.stringify(json));
    return json;
  }

  test('a mutating webhook patches the object; its change is stored', async () => {
    const cm = await core.createNamespacedConfigMap({ namespace: 'hooked', body: { metadata: { name: 'a' }, data: { k: 'v' } } });
    assert.equal(cm.metadata!.labels!.mutated, 'yes');
    const review = reviews.find((r) => r.path === '/mutate' && r.request.name === 'a')!;
    assert.equal(review.request.operation, 'CREATE');
    assert.deepEqual(review.request.kind, { group: '', version: 'v1', kind: 'ConfigMap' });
    assert.equal(review.request.namespace, 'hooked');
    assert.equal(api.store.get('v1', 'ConfigMap', 'a', 'hooked')!.metadata.labels!.mutated, 'yes');
  });

  test('a validating webhook denial is returned with its code and message; nothing is stored', async () => {
    try {
      await core.createNamespacedConfigMap({ namespace: 'hooked', body: { metadata: { name: 'bad' }, data: { forbidden: 'x' } } });
      assert.fail('expected a denial');
    } catch (err) {
      assert.ok(err instanceof ApiException);
      assert.equal(err.code, 403);
      assert.match(JSON.parse(err.body as string).message, /admission webhook "validate.example.com" denied the request: forbidden key/);
    }
    assert.equal(api.store.get('v1', 'ConfigMap', 'bad', 'hooked'), undefined);
  });

  test('updates are reviewed with the old object; namespaces outside the selector are not', async () => {
    const cm = await core.readNamespacedConfigMap({ name: 'a', namespace: 'hooked' });
    await core.replaceNamespacedConfigMap({ name: 'a', namespace: 'hooked', body: { ...cm, data: { k: 'w' } } });
    const update = reviews.find((r) => r.path === '/validate' && r.request.operation === 'UPDATE')!;
    assert.equal(update.request.oldObject.data.k, 'v');
    assert.equal(update.request.object.data.k, 'w');
    const before = reviews.length;
    const plain = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'untouched' } } });
    assert.equal(reviews.length, before);
    assert.equal(plain.metadata!.labels, undefined);
  });

  test('dryRun=All runs admission and stores nothing', async () => {
    const r = await api.fetch(`/api/v1/namespaces/hooked/configmaps?dryRun=All`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry' } }),
    });
    assert.equal(r.status, 201);
    const body = (await r.json()) as { metadata: { labels: Record<string, string> } };
    assert.equal(body.metadata.labels.mutated, 'yes');
    assert.equal(api.store.get('v1', 'ConfigMap', 'dry', 'hooked'), undefined);
  });

  test('a webhook that cannot be called with failurePolicy Fail rejects the request', async () => {
    const cfg = api.store.get('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'v')!;
    const webhooks = (cfg.webhooks as Array<Record<string, unknown>>).map((w) => ({ ...w, failurePolicy: 'Fail' }));
    await fetchJson('PUT', '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/v', { ...cfg, webhooks });
    const r = await api.fetch(`/api/v1/namespaces/hooked/configmaps`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }),
    });
    assert.equal(r.status, 500);
    assert.match(((await r.json()) as { message: string }).message, /failed calling webhook "down-but-ignored.example.com"/);
  });
});
