/**
 * @module fake-apiserver/tls
 * The fake API server's PKI, made with the `openssl` command once per test process and kept in a
 * temporary directory (removed at exit): a CA, a serving certificate for 127.0.0.1/localhost, a
 * client certificate for the admin user (`O=system:masters`, as kubeadm's admin.conf) and one from
 * a foreign CA (a client certificate the server must not trust). ECDSA P-256 keys: fast to make.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A PEM certificate and key, with the files they were written to. */
export interface PemPair {
  cert: string;
  key: string;
  certFile: string;
  keyFile: string;
}

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

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function newKey(cwd: string, name: string): void {
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`], cwd);
}

function selfSignedCa(cwd: string, name: string, cn: string): void {
  newKey(cwd, name);
  openssl(['req', '-x509', '-new', '-key', `${name}.key`, '-out', `${name}.crt`, '-days', '3650', '-subj', `/CN=${cn}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], cwd);
}

function issue(cwd: string, name: string, ca: string, subject: string, ext: string): void {
  newKey(cwd, name);
  openssl(['req', '-new', '-key', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], cwd);
  writeFileSync(join(cwd, `${name}.ext`), ext);
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-set_serial', `0x${Date.now().toString(16)}${name.length}`,
    '-days', '3650', '-out', `${name}.crt`, '-extfile', `${name}.ext`], cwd);
}

function pair(dir: string, name: string): PemPair {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), certFile, keyFile };
}

/** The fake API server's PKI: made on first use in this process, then reused. */
export function fakePki(): FakePki {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'fake-apiserver-pki-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const leaf = 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n';
  selfSignedCa(dir, 'ca', 'fake-apiserver-ca');
  issue(dir, 'server', 'ca', '/CN=fake-apiserver', `${leaf}extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\n`);
  issue(dir, 'admin', 'ca', '/O=system:masters/CN=fake-admin', `${leaf}extendedKeyUsage=clientAuth\n`);
  selfSignedCa(dir, 'other-ca', 'someone-else');
  issue(dir, 'foreign', 'other-ca', '/O=system:masters/CN=intruder', `${leaf}extendedKeyUsage=clientAuth\n`);
  cached = { ca: pair(dir, 'ca'), server: pair(dir, 'server'), admin: pair(dir, 'admin'), foreign: pair(dir, 'foreign'), dir };
  return cached;
}
