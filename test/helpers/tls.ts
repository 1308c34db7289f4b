/**
 * A throw-away PKI for TLS tests, made with the openssl CLI: a CA, a server certificate for
 * 127.0.0.1/localhost, a client certificate signed by the CA (SAN prometheus.monitoring.svc), another
 * one (SAN other.example), a second server certificate (CN renewed), and a self-signed client certificate no CA vouches for.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The files of {@link makeTestPki}: `<name>.crt` / `<name>.key` for ca, server, renewed, client, other, rogue. */
export interface TestPki {
  dir: string;
  /** Path of `<name>.crt` or `<name>.key`. */
  path(file: string): string;
  /** Content of `<name>.crt` or `<name>.key`. */
  pem(file: string): string;
}

/** Creates the PKI in a fresh temporary directory (certificates valid for 2 days). */
export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'pp-pki-'));
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const key = (name: string) => ssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', name);
  key('ca.key');
  ssl('req', '-x509', '-key', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=powerplane test CA', '-days', '2');
  const issue = (name: string, cn: string, ext: string) => {
    key(`${name}.key`);
    ssl('req', '-new', '-key', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
    writeFileSync(join(dir, `${name}.ext`), ext);
    ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`);
  };
  issue('server', 'localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  issue('client', 'prometheus', 'subjectAltName=DNS:prometheus.monitoring.svc\nextendedKeyUsage=clientAuth\n');
  issue('other', 'other', 'subjectAltName=DNS:other.example\nextendedKeyUsage=clientAuth\n');
  issue('renewed', 'renewed', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  key('rogue.key');
  ssl('req', '-x509', '-key', 'rogue.key', '-out', 'rogue.crt', '-subj', '/CN=rogue', '-days', '2', '-addext', 'extendedKeyUsage=clientAuth');
  return { dir, path: (f) => join(dir, f), pem: (f) => readFileSync(join(dir, f), 'utf8') };
}
