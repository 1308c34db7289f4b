/**
 * @module operator/webhook/certs
 * The webhook's CA and serving certificate, kept in a Secret in the operator namespace so every
 * replica serves the same certificate: read it; if it is missing, unusable, about to expire or does
 * not cover the hosts, issue a new serving certificate (from the same CA while the CA is usable,
 * else from a new CA). A missing Secret is created (a replica that loses the race
 * gets 409 AlreadyExists and reads the winner's); an unusable one is replaced with the
 * resourceVersion read as a precondition.
 */
import type { Logger } from '../../core/logger.js';
import type { KubeClient } from '../../kube/client.js';
import type { V1Secret } from '@kubernetes/client-node';
import type { KubeObject } from '../../kube/types.js';
import { isAlreadyExists, isConflict } from '../../kube/errors.js';
import { componentLabels, FIELD_MANAGER } from '../components/labels.js';
import { createWebhookCertificates, certificatesUsable, caUsable, issueServingCertificate, type WebhookCertificates } from './x509.js';
import { ERR_OPERATOR_CERT } from '../errors.js';

const SECRET = { apiVersion: 'v1', kind: 'Secret' } as const;

const b64 = (s: string) => Buffer.from(s).toString('base64');
const unb64 = (s: unknown) => (typeof s === 'string' ? Buffer.from(s, 'base64').toString('utf8') : '');

/** Reads certificates from a Secret's data. */
export function certificatesFromSecret(secret: KubeObject<V1Secret> | undefined): WebhookCertificates | undefined {
  const data = secret?.data;
  if (!data?.['tls.crt'] || !data['tls.key'] || !data['ca.crt'] || !data['ca.key']) return undefined;
  return {
    serving: { certPem: unb64(data['tls.crt']), keyPem: unb64(data['tls.key']) },
    ca: { certPem: unb64(data['ca.crt']), keyPem: unb64(data['ca.key']) },
  };
}

function secretFor(name: string, namespace: string, certs: WebhookCertificates, resourceVersion?: string): KubeObject<V1Secret> {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace, labels: componentLabels('webhook', 'powerplane-operator'), ...(resourceVersion ? { resourceVersion } : {}) },
    type: 'kubernetes.io/tls',
    data: {
      'tls.crt': b64(certs.serving.certPem),
      'tls.key': b64(certs.serving.keyPem),
      'ca.crt': b64(certs.ca.certPem),
      'ca.key': b64(certs.ca.keyPem),
    },
  };
}

/** Returns usable certificates for `hosts` from the Secret, making (and storing) new ones when needed. */
export async function loadOrCreateCertificates(
  kube: Pick<KubeClient, 'getOrUndefined' | 'create' | 'replace'>,
  opts: { namespace: string; secretName: string; hosts: readonly string[]; log: Logger },
): Promise<WebhookCertificates> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const secret = await kube.getOrUndefined<KubeObject<V1Secret>>(SECRET, opts.secretName, opts.namespace);
    const existing = certificatesFromSecret(secret);
    if (existing && certificatesUsable(existing, opts.hosts)) return existing;
    // Keep a usable CA (every caBundle and every replica keeps trusting it); renew only the serving certificate.
    const fresh =
      existing && caUsable(existing.ca)
        ? { ca: existing.ca, serving: issueServingCertificate(existing.ca, { hosts: opts.hosts }) }
        : createWebhookCertificates({ hosts: opts.hosts });
    try {
      if (secret) await kube.replace(secretFor(opts.secretName, opts.namespace, fresh, secret.metadata.resourceVersion), FIELD_MANAGER);
      else await kube.create(secretFor(opts.secretName, opts.namespace, fresh), FIELD_MANAGER);
      opts.log.info(
        { secret: `${opts.namespace}/${opts.secretName}`, hosts: opts.hosts, newCa: fresh.ca !== existing?.ca },
        'issued a new webhook serving certificate',
      );
      return fresh;
    } catch (err) {
      if (!isAlreadyExists(err) && !isConflict(err)) throw err;
      // Another replica wrote first: use its certificates.
    }
  }
  throw ERR_OPERATOR_CERT(`could not store the webhook certificate in Secret ${opts.namespace}/${opts.secretName}`);
}
