import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startFakeKube } from '../helpers/kube.js';
import { buildWebhookConfigurations } from '../../src/operator/webhook/configurations.js';
import { registerWebhooks } from '../../src/operator/webhook/register.js';
import { createWebhookCertificates } from '../../src/operator/webhook/x509.js';
import { KubeError } from '../../src/kube/errors.js';

const SERVICE = { service: { namespace: 'powerplane-system', name: 'powerplane-operator-webhook', port: 443 } };
const URL_TARGET = { url: 'https://127.0.0.1:9443' };

function endpoints(obj: Record<string, unknown> | undefined): string[] {
  return ((obj?.webhooks ?? []) as Array<{ clientConfig: Record<string, unknown> }>).map((h) =>
    Object.keys(h.clientConfig)
      .filter((k) => k === 'url' || k === 'service')
      .sort()
      .join('+'),
  );
}

test('the registered webhook configurations carry exactly one of url or service, whoever applied them first', async () => {
  const { api, kube, stop } = await startFakeKube();
  try {
    const ca = createWebhookCertificates({ hosts: ['127.0.0.1'] }).ca.certPem;
    // `powerplane render | kubectl apply --server-side`: the service form, owned by kubectl.
    for (const cfg of buildWebhookConfigurations(SERVICE)) await kube.apply(cfg, { fieldManager: 'kubectl' });
    // The fake server refuses both, as the real one: a naive apply of the url form next to kubectl's service fails.
    const [validating] = buildWebhookConfigurations(URL_TARGET);
    await assert.rejects(
      kube.apply(validating, { fieldManager: 'powerplane-operator', force: true }),
      (e) => e instanceof KubeError && e.httpStatus === 422 && /exactly one of url or service is required/.test(e.message),
    );

    await registerWebhooks(kube, URL_TARGET, ca);
    for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
      const stored = api.store.get('admissionregistration.k8s.io/v1', kind, 'powerplane-operator');
      assert.ok(endpoints(stored).length > 0);
      assert.deepEqual(new Set(endpoints(stored)), new Set(['url']), `${kind}: url only`);
      assert.ok(
        (stored!.webhooks as Array<{ clientConfig: { url: string; caBundle: string } }>).every(
          (h) => h.clientConfig.url.startsWith(URL_TARGET.url) && h.clientConfig.caBundle,
        ),
      );
    }
    // Back in the cluster (service mode), and again idempotently.
    await registerWebhooks(kube, SERVICE, ca);
    await registerWebhooks(kube, SERVICE, ca);
    for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
      assert.deepEqual(
        new Set(endpoints(api.store.get('admissionregistration.k8s.io/v1', kind, 'powerplane-operator'))),
        new Set(['service']),
        `${kind}: service only`,
      );
    }
    // kubectl re-applies render's objects (a client-side apply: a merge patch by another manager), then the operator runs with --webhook-url.
    for (const cfg of buildWebhookConfigurations(SERVICE))
      await kube.mergePatch(cfg, cfg.metadata.name!, undefined, { webhooks: cfg.webhooks }, 'kubectl-client-side-apply');
    await registerWebhooks(kube, URL_TARGET, ca);
    assert.deepEqual(
      new Set(endpoints(api.store.get('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', 'powerplane-operator'))),
      new Set(['url']),
    );
  } finally {
    await stop();
  }
});
