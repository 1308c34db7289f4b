/**
 * @module operator/webhook/cert-manager
 * Webhook certificates from cert-manager, when its CRDs are served: the operator applies a
 * self-signed Issuer and a Certificate in its namespace (server-side apply), waits for
 * cert-manager to write the Secret, and uses the Secret's `ca.crt` as the webhook `caBundle`.
 * cert-manager renews the certificate; the operator's periodic refresh picks the new one up.
 */
import { isIP } from 'node:net';
import type { KubeClient } from '../../kube/client.js';
import type { KubeObject } from '../../kube/types.js';
import { componentLabels, FIELD_MANAGER } from '../components/labels.js';
import { ERR_OPERATOR_CERT } from '../errors.js';
import type { WebhookCertificates } from './x509.js';

/** Names of the cert-manager objects and the Secret cert-manager writes. */
export const CERT_MANAGER_NAMES = {
  issuer: 'powerplane-operator-selfsigned',
  certificate: 'powerplane-operator-webhook',
  secret: 'powerplane-operator-webhook-tls',
} as const;

/** The Issuer and Certificate for `hosts` (DNS names and IP addresses). Pure. */
export function buildCertManagerObjects(namespace: string, hosts: readonly string[]): KubeObject[] {
  const labels = componentLabels('webhook', 'powerplane-operator');
  return [
    { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name: CERT_MANAGER_NAMES.issuer, namespace, labels }, spec: { selfSigned: {} } },
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: CERT_MANAGER_NAMES.certificate, namespace, labels },
      spec: {
        secretName: CERT_MANAGER_NAMES.secret,
        commonName: hosts[0],
        dnsNames: hosts.filter((h) => !isIP(h)),
        ipAddresses: hosts.filter((h) => isIP(h)),
        duration: '8760h',
        renewBefore: '720h',
        privateKey: { algorithm: 'ECDSA', size: 256 },
        issuerRef: { name: CERT_MANAGER_NAMES.issuer, kind: 'Issuer' },
      },
    },
  ];
}

/** Certificates from a cert-manager Secret (`tls.crt`, `tls.key`, `ca.crt`); the CA key stays with cert-manager. */
export function certificatesFromCertManagerSecret(secret: KubeObject | undefined): WebhookCertificates | undefined {
  const data = secret?.data as Record<string, string> | undefined;
  if (!data?.['tls.crt'] || !data['tls.key']) return undefined;
  const dec = (v: string) => Buffer.from(v, 'base64').toString('utf8');
  const cert = dec(data['tls.crt']);
  // A self-signed certificate is its own CA; ca.crt is set by cert-manager for CA-backed issuers.
  return { serving: { certPem: cert, keyPem: dec(data['tls.key']) }, ca: { certPem: data['ca.crt'] ? dec(data['ca.crt']) : cert, keyPem: '' } };
}

/** Applies the Issuer and Certificate and waits (up to `timeoutMs`) for cert-manager's Secret. */
export async function certManagerCertificates(
  kube: Pick<KubeClient, 'apply' | 'getOrUndefined'>,
  opts: { namespace: string; hosts: readonly string[]; timeoutMs?: number; pollMs?: number },
): Promise<WebhookCertificates> {
  for (const o of buildCertManagerObjects(opts.namespace, opts.hosts)) await kube.apply(o, { fieldManager: FIELD_MANAGER, force: true });
  const end = Date.now() + (opts.timeoutMs ?? 120_000);
  for (;;) {
    const certs = certificatesFromCertManagerSecret(
      await kube.getOrUndefined({ apiVersion: 'v1', kind: 'Secret' }, CERT_MANAGER_NAMES.secret, opts.namespace),
    );
    if (certs) return certs;
    if (Date.now() > end)
      throw ERR_OPERATOR_CERT(`cert-manager did not write Secret ${opts.namespace}/${CERT_MANAGER_NAMES.secret} in time; is cert-manager running?`);
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 1000));
  }
}
