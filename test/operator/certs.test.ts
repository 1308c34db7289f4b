import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeKube } from '../helpers/kube.js';
import { silentLogger } from '../../src/core/logger.js';
import { loadOrCreateCertificates } from '../../src/operator/webhook/certs.js';
import { certificatesUsable } from '../../src/operator/webhook/x509.js';

test('webhook certificates live in one Secret: replicas racing agree, a changed host renews only the serving certificate', async () => {
  const { api, kube } = await startFakeKube({ seed: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ops' } }] });
  try {
    const opts = { namespace: 'ops', secretName: 'cert', hosts: ['svc.ops.svc'], log: silentLogger() };
    const [a, b] = await Promise.all([loadOrCreateCertificates(kube, opts), loadOrCreateCertificates(kube, opts)]);
    assert.equal(a.serving.certPem, b.serving.certPem, 'both replicas serve the certificate stored first');
    const again = await loadOrCreateCertificates(kube, opts);
    assert.equal(again.serving.certPem, a.serving.certPem, 'a usable certificate is reused');
    const moved = await loadOrCreateCertificates(kube, { ...opts, hosts: ['other.ops.svc'] });
    assert.notEqual(moved.serving.certPem, a.serving.certPem);
    assert.equal(moved.ca.certPem, a.ca.certPem, 'the CA (and so the caBundle) stays');
    assert.ok(certificatesUsable(moved, ['other.ops.svc']));
    const secret = api.store.get('v1', 'Secret', 'cert', 'ops')!;
    assert.equal(secret.type, 'kubernetes.io/tls');
  } finally {
    await api.stop();
  }
});
