/**
 * Throw-away PKIs for TLS tests, made with the openssl CLI (ECDSA P-256 keys: fast to make).
 * {@link OpensslPki} is the one builder (CAs, issued and self-signed certificates in a directory);
 * {@link makeTestPki} is the agent's web-config PKI, and the fake API server builds its own with it
 * (test/fake-apiserver/tls.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A PEM certificate and key, with the files they were written to. */
export interface PemPair {
  cert: string;
  key: string;
  certFile: string;
  keyFile: string;
}

/** Certificates and keys as `<name>.crt` / `<name>.key` files in one directory. */
export class OpensslPki {
  /** @param dir the directory the files are written to (made by the caller) */
  constructor(
    readonly dir: string,
    private readonly days = 2,
  ) {}

  private ssl(...args: string[]): void {
    execFileSync('openssl', args, { cwd: this.dir, stdio: ['ignore', 'ignore', 'pipe'] });
  }

  private key(name: string): void {
    this.ssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`);
  }

  /** A self-signed certificate `name` with `subject` (e.g. `/CN=x`) and the given `-addext` extensions. */
  selfSigned(name: string, subject: string, addext: string[] = []): this {
    this.key(name);
    this.ssl(
      'req',
      '-x509',
      '-new',
      '-key',
      `${name}.key`,
      '-out',
      `${name}.crt`,
      '-days',
      String(this.days),
      '-subj',
      subject,
      ...addext.flatMap((e) => ['-addext', e]),
    );
    return this;
  }

  /** A CA certificate `name` (basic constraints CA:TRUE, may sign certificates). */
  ca(name: string, subject: string): this {
    return this.selfSigned(name, subject, ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign']);
  }

  /** A certificate `name` for `subject`, signed by CA `ca`, with an openssl extension file's text `ext`. */
  issue(name: string, ca: string, subject: string, ext: string): this {
    this.key(name);
    this.ssl('req', '-new', '-key', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
    writeFileSync(join(this.dir, `${name}.ext`), ext);
    this.ssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.crt`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
      '-days',
      String(this.days),
      '-out',
      `${name}.crt`,
      '-extfile',
      `${name}.ext`,
    );
    return this;
  }

  /** Path of a file (`<name>.crt`, `<name>.key`). */
  path(file: string): string {
    return join(this.dir, file);
  }

  /** Content of a file (`<name>.crt`, `<name>.key`). */
  pem(file: string): string {
    return readFileSync(this.path(file), 'utf8');
  }

  /** Certificate and key of `name`, with their files. */
  pair(name: string): PemPair {
    return { cert: this.pem(`${name}.crt`), key: this.pem(`${name}.key`), certFile: this.path(`${name}.crt`), keyFile: this.path(`${name}.key`) };
  }
}

/** The files of {@link makeTestPki}: `<name>.crt` / `<name>.key` for ca, server, renewed, client, other, rogue. */
export type TestPki = Pick<OpensslPki, 'dir' | 'path' | 'pem'>;

/**
 * A CA, a server certificate for 127.0.0.1/localhost, a client certificate signed by the CA (SAN
 * prometheus.monitoring.svc), another one (SAN other.example), a second server certificate (CN renewed),
 * and a self-signed client certificate no CA vouches for; in a fresh temporary directory, valid 2 days.
 */
export function makeTestPki(): TestPki {
  return new OpensslPki(mkdtempSync(join(tmpdir(), 'pp-pki-')))
    .ca('ca', '/CN=powerplane test CA')
    .issue('server', 'ca', '/CN=localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n')
    .issue('client', 'ca', '/CN=prometheus', 'subjectAltName=DNS:prometheus.monitoring.svc\nextendedKeyUsage=clientAuth\n')
    .issue('other', 'ca', '/CN=other', 'subjectAltName=DNS:other.example\nextendedKeyUsage=clientAuth\n')
    .issue('renewed', 'ca', '/CN=renewed', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n')
    .selfSigned('rogue', '/CN=rogue', ['extendedKeyUsage=clientAuth']);
}
