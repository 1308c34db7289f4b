/**
 * @module operator/webhook/x509
 * A self-signed CA and a serving certificate for the admission webhook, built with node:crypto
 * alone: ECDSA P-256 keys from `generateKeyPairSync`, an X.509 v3 TBSCertificate encoded in DER
 * (der.ts) and signed with `crypto.sign`. The serving certificate carries the Service DNS names
 * (or the URL host) as subjectAltNames, serverAuth extended key usage and the CA's key identifier.
 */
import { generateKeyPairSync, createHash, randomBytes, sign, createPublicKey, createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import {
  sequence,
  set,
  oid,
  utf8String,
  integer,
  integerFromBytes,
  explicit,
  implicitPrimitive,
  time,
  bitString,
  octetString,
  boolean,
  tlv,
} from './der.js';
import { ERR_OPERATOR_CERT } from '../errors.js';

/** A PEM key pair and certificate. */
export interface CertificatePem {
  certPem: string;
  keyPem: string;
}

/** The CA and serving certificate the webhook uses. */
export interface WebhookCertificates {
  ca: CertificatePem;
  serving: CertificatePem;
}

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  serverAuth: '1.3.6.1.5.5.7.3.1',
};

const DAY_MS = 86_400_000;

function name(cn: string): Buffer {
  return sequence(set(sequence(oid(OID.organization), utf8String('powerplane'))), set(sequence(oid(OID.commonName), utf8String(cn))));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? sequence(oid(id), boolean(true), octetString(value)) : sequence(oid(id), octetString(value));
}

/** Subject key identifier: SHA-1 of the subjectPublicKey bits (RFC 5280 §4.2.1.2 method 1). */
function keyId(spkiDer: Buffer): Buffer {
  // SubjectPublicKeyInfo = SEQUENCE { AlgorithmIdentifier, BIT STRING }; the key is the last bytes after the BIT STRING header.
  const ecPointLength = 65; // uncompressed P-256 point
  return createHash('sha1')
    .update(spkiDer.subarray(spkiDer.length - ecPointLength))
    .digest();
}

function sanExtension(hosts: readonly string[]): Buffer {
  const names = hosts.map((h) => {
    const ipVersion = isIP(h);
    if (ipVersion === 4) return implicitPrimitive(7, Buffer.from(h.split('.').map(Number)));
    if (ipVersion === 6) return implicitPrimitive(7, ipv6Bytes(h));
    return implicitPrimitive(2, Buffer.from(h, 'ascii'));
  });
  return sequence(...names);
}

function ipv6Bytes(addr: string): Buffer {
  const [head, tail = ''] = addr.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = addr.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return Buffer.concat(groups.map((g) => Buffer.from([parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff])));
}

interface CertInput {
  subject: string;
  issuer: string;
  publicKey: KeyObject;
  signingKey: KeyObject;
  issuerKeyId: Buffer;
  notBefore: Date;
  notAfter: Date;
  isCa: boolean;
  hosts: readonly string[];
}

function buildCertificate(i: CertInput): string {
  const spki = i.publicKey.export({ type: 'spki', format: 'der' });
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  const algorithm = sequence(oid(OID.ecdsaWithSha256));
  const exts: Buffer[] = [
    extension(OID.basicConstraints, true, i.isCa ? sequence(boolean(true)) : sequence()),
    // keyUsage bits: CA keyCertSign(5)+cRLSign(6) = 0x06 (7 bits → 1 unused); leaf digitalSignature(0)+keyEncipherment(2) = 0xa0 (5 unused).
    extension(OID.keyUsage, true, i.isCa ? tlv(0x03, Buffer.from([0x01, 0x06])) : tlv(0x03, Buffer.from([0x05, 0xa0]))),
    extension(OID.subjectKeyIdentifier, false, octetString(keyId(spki))),
    extension(OID.authorityKeyIdentifier, false, sequence(implicitPrimitive(0, i.issuerKeyId))),
  ];
  if (!i.isCa) {
    exts.push(extension(OID.extKeyUsage, false, sequence(oid(OID.serverAuth))));
    exts.push(extension(OID.subjectAltName, false, sanExtension(i.hosts)));
  }
  const tbs = sequence(
    explicit(0, integer(2)),
    integerFromBytes(serial),
    algorithm,
    name(i.issuer),
    sequence(time(i.notBefore), time(i.notAfter)),
    name(i.subject),
    spki,
    explicit(3, sequence(...exts)),
  );
  const signature = sign('sha256', tbs, i.signingKey);
  return toPem('CERTIFICATE', sequence(tbs, algorithm, bitString(signature)));
}

function toPem(label: string, der: Buffer): string {
  const b64 = der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

function newKey(): { publicKey: KeyObject; privateKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
}

/** Options of {@link createWebhookCertificates}. */
export interface CertOptions {
  /** DNS names or IP addresses the serving certificate is valid for (the first is its CN). */
  hosts: readonly string[];
  /** Validity of the serving certificate in days (default 365); the CA gets ten times as long. */
  days?: number;
  now?: Date;
}

/** Creates a self-signed CA and a serving certificate signed by it. */
export function createWebhookCertificates(opts: CertOptions): WebhookCertificates {
  const now = opts.now ?? new Date();
  const days = opts.days ?? 365;
  const ca = newKey();
  const caKeyId = keyId(ca.publicKey.export({ type: 'spki', format: 'der' }));
  const caCert = buildCertificate({
    subject: 'powerplane-webhook-ca',
    issuer: 'powerplane-webhook-ca',
    publicKey: ca.publicKey,
    signingKey: ca.privateKey,
    issuerKeyId: caKeyId,
    notBefore: new Date(now.getTime() - 5 * 60_000),
    notAfter: new Date(now.getTime() + 10 * days * DAY_MS),
    isCa: true,
    hosts: [],
  });
  const caPem = { certPem: caCert, keyPem: ca.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
  return { ca: caPem, serving: issueServingCertificate(caPem, opts) };
}

/** Issues a serving certificate for `opts.hosts` signed by an existing CA (the CA, and so every caBundle, stays). */
export function issueServingCertificate(ca: CertificatePem, opts: CertOptions): CertificatePem {
  if (opts.hosts.length === 0) throw ERR_OPERATOR_CERT('a serving certificate needs at least one host name');
  const now = opts.now ?? new Date();
  const caKey = createPrivateKey(ca.keyPem);
  const caKeyId = keyId(createPublicKey(caKey).export({ type: 'spki', format: 'der' }));
  const leaf = newKey();
  const certPem = buildCertificate({
    subject: opts.hosts[0],
    issuer: 'powerplane-webhook-ca',
    publicKey: leaf.publicKey,
    signingKey: caKey,
    issuerKeyId: caKeyId,
    notBefore: new Date(now.getTime() - 5 * 60_000),
    notAfter: new Date(now.getTime() + (opts.days ?? 365) * DAY_MS),
    isCa: false,
    hosts: opts.hosts,
  });
  return { certPem, keyPem: leaf.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
}

/** True when the CA parses, matches its key, and has more than `minDays` left at `now`. */
export function caUsable(ca: CertificatePem, now = new Date(), minDays = 30): boolean {
  try {
    const cert = new X509Certificate(ca.certPem);
    return cert.ca && createPublicKey(ca.keyPem).equals(cert.publicKey) && new Date(cert.validTo).getTime() - now.getTime() > minDays * DAY_MS;
  } catch {
    return false;
  }
}

/**
 * True when `certs` can still be used for `hosts` at `now`: the serving certificate parses, is
 * signed by the CA, matches its key, covers every host and has more than `minDays` left.
 */
export function certificatesUsable(certs: WebhookCertificates, hosts: readonly string[], now = new Date(), minDays = 30): boolean {
  try {
    const ca = new X509Certificate(certs.ca.certPem);
    const leaf = new X509Certificate(certs.serving.certPem);
    if (!leaf.verify(ca.publicKey) || !leaf.checkPrivateKey(createPrivateKey(certs.serving.keyPem))) return false;
    if (!caUsable(certs.ca, now, minDays)) return false;
    if (new Date(leaf.validTo).getTime() - now.getTime() < minDays * DAY_MS) return false;
    return hosts.every((h) => (isIP(h) ? leaf.checkIP(h) !== undefined : leaf.checkHost(h) !== undefined));
  } catch {
    return false;
  }
}

/** DNS names of an in-cluster Service, as the API server addresses a webhook Service. */
export function serviceHosts(name: string, namespace: string): string[] {
  return [`${name}.${namespace}.svc`, `${name}.${namespace}.svc.cluster.local`, `${name}.${namespace}`, name];
}
