/**
 * @module fake-apiserver/tls
 * The fake API server's PKI, made with the `openssl` command once per test process and kept in a
 * temporary directory (removed at exit): a CA, a serving certificate for 127.0.0.1/localhost, a
 * client certificate for the admin user (`O=system:masters`, as kubeadm's admin.conf) and one from
 * a foreign CA (a client certificate the server must not trust). ECDSA P-256 keys: fast to make.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpensslPki, type PemPair } from '../helpers/tls.js';

export type { PemPair };

/** The fake API server's certificates. */
export interface FakePki {
  /** The CA every client must trust (PEM and file). */
  ca: PemPair;
  /** The server's certificate (SANs 127.0.0.1, ::1, localhost). */
  server: PemPair;
  /** Client certificate of the admin user: CN `fake-admin`, O `system:masters`. */
  admin: PemPair;
  /** A client certificate signed by another CA: the server answers 401. */
  foreign: PemPair;
  /** The directory holding the files. */
  dir: string;
}

let cached: FakePki | undefined;

/** The fake API server's PKI: made on first use in this process, then reused. */
export function fakePki(): FakePki {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'fake-apiserver-pki-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const leaf = 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n';
  const pki = new OpensslPki(dir, 3650)
    .ca('ca', '/CN=fake-apiserver-ca')
    .issue('server', 'ca', '/CN=fake-apiserver', `${leaf}extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\n`)
    .issue('admin', 'ca', '/O=system:masters/CN=fake-admin', `${leaf}extendedKeyUsage=clientAuth\n`)
    .ca('other-ca', '/CN=someone-else')
    .issue('foreign', 'other-ca', '/O=system:masters/CN=intruder', `${leaf}extendedKeyUsage=clientAuth\n`);
  cached = { ca: pki.pair('ca'), server: pki.pair('server'), admin: pki.pair('admin'), foreign: pki.pair('foreign'), dir };
  return cached;
}
