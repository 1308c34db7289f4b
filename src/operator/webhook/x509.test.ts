import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createWebhookCertificates, certificatesUsable, serviceHosts, issueServingCertificate, caUsable } from './x509.js';
import { integer, oid, derLength, time } from './der.js';

test('DER primitives encode as X.690 says', () => {
  assert.equal(integer(2).toString('hex'), '020102');
  assert.equal(integer(128).toString('hex'), '02020080');
  assert.equal(oid('1.2.840.10045.4.3.2').toString('hex'), '06082a8648ce3d040302');
  assert.equal(derLength(300).toString('hex'), '82012c');
  assert.equal(time(new Date('2030-01-02T03:04:05Z')).toString('ascii').slice(2), '300102030405Z');
  assert.equal(time(new Date('2051-01-02T03:04:05Z'))[0], 0x18);
});

test('the CA and serving certificate parse, chain, and carry the SANs', () => {
  const hosts = serviceHosts('powerplane-operator-webhook', 'powerplane-system');
  const certs = createWebhookCertificates({ hosts: [...hosts, '127.0.0.1'] });
  const ca = new X509Certificate(certs.ca.certPem);
  const leaf = new X509Certificate(certs.serving.certPem);
  assert.equal(ca.ca, true);
  assert.equal(leaf.ca, false);
  assert.ok(ca.verify(ca.publicKey), 'CA is self-signed');
  assert.ok(leaf.verify(ca.publicKey), 'leaf is signed by the CA');
  assert.ok(leaf.checkIssued(ca));
  assert.equal(leaf.checkHost('powerplane-operator-webhook.powerplane-system.svc'), 'powerplane-operator-webhook.powerplane-system.svc');
  assert.equal(leaf.checkIP('127.0.0.1'), '127.0.0.1');
  assert.equal(leaf.checkHost('evil.example.org'), undefined);
  assert.deepEqual(leaf.keyUsage, ['1.3.6.1.5.5.7.3.1']);
  assert.ok(certificatesUsable(certs, hosts));
  assert.ok(!certificatesUsable(certs, ['other.svc']), 'a host not covered makes them unusable');
  assert.ok(!certificatesUsable(certs, hosts, new Date(Date.now() + 340 * 86_400_000)), 'expiring within 30 days');
});

test('a node:https server with the serving certificate is trusted by a client that trusts only the CA', async () => {
  const certs = createWebhookCertificates({ hosts: ['localhost', '127.0.0.1'] });
  const server = createServer({ key: certs.serving.keyPem, cert: certs.serving.certPem }, (_req, res) => res.end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const get = (ca: string, servername?: string) =>
    new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/', ca, servername }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
      req.end();
    });
  try {
    assert.equal(await get(certs.ca.certPem), 'ok');
    assert.equal(await get(certs.ca.certPem, 'localhost'), 'ok');
    const other = createWebhookCertificates({ hosts: ['localhost'] });
    await assert.rejects(get(other.ca.certPem), /self.signed|unable to verify|certificate/i);
  } finally {
    server.close();
  }
});

test('a new serving certificate can be issued from the existing CA (caBundles stay valid)', () => {
  const certs = createWebhookCertificates({ hosts: ['a.svc'] });
  const renewed = issueServingCertificate(certs.ca, { hosts: ['b.svc'] });
  assert.ok(new X509Certificate(renewed.certPem).verify(new X509Certificate(certs.ca.certPem).publicKey));
  assert.ok(certificatesUsable({ ca: certs.ca, serving: renewed }, ['b.svc']));
  assert.ok(caUsable(certs.ca));
  assert.ok(!caUsable(certs.ca, new Date(Date.now() + 3640 * 86_400_000)), 'a CA about to expire is not reused');
});
