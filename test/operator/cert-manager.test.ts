import { test } from 'node:test';
import assert from 'node:assert/strict';
import { permissiveCrd, startFakeKube } from '../helpers/kube.js';
import { certManagerCertificates, buildCertManagerObjects, CERT_MANAGER_NAMES } from '../../src/operator/webhook/cert-manager.js';
import { createWebhookCertificates } from '../../src/operator/webhook/x509.js';

const crd = (kind: string) => permissiveCrd('cert-manager.io', kind);

test('with cert-manager: an Issuer and a Certificate are applied and the Secret cert-manager writes is used', async () => {
  const { api, kube } = await startFakeKube({
    seed: [crd('Issuer'), crd('Certificate'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ops' } }],
  });
  try {
    const pending = certManagerCertificates(kube, { namespace: 'ops', hosts: ['svc.ops.svc', '10.0.0.1'], pollMs: 20, timeoutMs: 10_000 });
    // Play cert-manager: once the Certificate exists, write its Secret.
    for (let i = 0; i < 200 && !api.store.get('cert-manager.io/v1', 'Certificate', CERT_MANAGER_NAMES.certificate, 'ops'); i++)
      await new Promise((r) => setTimeout(r, 20));
    const cert = api.store.get('cert-manager.io/v1', 'Certificate', CERT_MANAGER_NAMES.certificate, 'ops')!;
    assert.deepEqual((cert.spec as { dnsNames: string[]; ipAddresses: string[] }).dnsNames, ['svc.ops.svc']);
    assert.deepEqual((cert.spec as { ipAddresses: string[] }).ipAddresses, ['10.0.0.1']);
    assert.ok(api.store.get('cert-manager.io/v1', 'Issuer', CERT_MANAGER_NAMES.issuer, 'ops'));
    const made = createWebhookCertificates({ hosts: ['svc.ops.svc'] });
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    api.store.seed({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: CERT_MANAGER_NAMES.secret, namespace: 'ops' },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': b64(made.serving.certPem), 'tls.key': b64(made.serving.keyPem), 'ca.crt': b64(made.ca.certPem) },
    });
    const certs = await pending;
    assert.equal(certs.serving.certPem, made.serving.certPem);
    assert.equal(certs.ca.certPem, made.ca.certPem);
  } finally {
    await api.stop();
  }
});

test('cert-manager objects: self-signed Issuer, ECDSA Certificate renewed 30 days before expiry', () => {
  const [issuer, cert] = buildCertManagerObjects('ops', ['a.ops.svc']);
  assert.deepEqual(issuer.spec, { selfSigned: {} });
  assert.equal((cert.spec as { renewBefore: string }).renewBefore, '720h');
  assert.deepEqual((cert.spec as { issuerRef: unknown }).issuerRef, { name: CERT_MANAGER_NAMES.issuer, kind: 'Issuer' });
});
