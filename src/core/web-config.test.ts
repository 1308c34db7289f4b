import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { defaultConfig } from './config.js';
import { ERR_MALFORMED_FILE } from './errors.js';
import { silentLogger } from './logger.js';
import { createServer } from './server.js';
import { parseWebConfig, webServerOptions } from './web-config.js';
import type { Component } from './component.js';
import { makeTestPki, type TestPki } from '../../test/helpers/tls.js';

let pki: TestPki;
let dir: string;
const pem = (name: string) => pki.pem(name);

before(() => {
  pki = makeTestPki();
  dir = pki.dir;
});

/** The subject CN of the certificate a server presents. */
function servedCn(url: string): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: '/healthz', ca: pem('ca.crt'), agent: false }, (res) => {
      resolve(String((res.socket as import('node:tls').TLSSocket).getPeerCertificate().subject.CN));
      res.resume();
    });
    req.on('error', reject);
    req.end();
  });
}

const metrics: Component = { name: 'demo', routes: (app) => void app.get('/metrics', async () => 'up 1\n') };

/** Starts a server from a web config file's text, as every command does with --web.config-file. */
async function serve(yaml: string) {
  const file = join(dir, `web-${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(file, yaml);
  const config = defaultConfig({ 'web.configFile': file });
  const web = await webServerOptions(config);
  const server = await createServer({ log: silentLogger(), components: [metrics], ...web });
  const url = await server.listen('127.0.0.1:0');
  web.watch(server, silentLogger(), 50);
  return { server, url, file };
}

/** Polls `check` until it is true (the file watch polls every 50 ms), failing after 20 s. */
async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One HTTPS request trusting the test CA, optionally with a client certificate and basic auth. */
function get(
  url: string,
  opts: { user?: string; password?: string; client?: string; path?: string } = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const u = new URL(opts.path ?? '/metrics', url);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> =
      opts.user !== undefined ? { authorization: `Basic ${Buffer.from(`${opts.user}:${opts.password}`).toString('base64')}` } : {};
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        ca: pem('ca.crt'),
        headers,
        ...(opts.client ? { cert: pem(`${opts.client}.crt`), key: pem(`${opts.client}.key`) } : {}),
      },
      (res) => {
        let body = '';
        res
          .setEncoding('utf8')
          .on('data', (c: string) => (body += c))
          .on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

test('TLS and basic auth from an exporter-toolkit web config: real HTTPS, bcrypt users, probes open, headers', async () => {
  const hash = bcrypt.hashSync('s3cret', 4).replace(/^\$2b\$/, '$2y$'); // htpasswd writes $2y$
  const { server, url } = await serve(`tls_server_config:
  cert_file: ${join(dir, 'server.crt')}
  key_file: ${join(dir, 'server.key')}
http_server_config:
  headers:
    X-Frame-Options: deny
basic_auth_users:
  prometheus: ${hash}
`);
  try {
    assert.match(url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const none = await get(url);
    assert.equal(none.status, 401);
    assert.equal(none.headers['www-authenticate'], 'Basic realm="powerplane"');
    assert.equal(JSON.parse(none.body).code, 'PP_UNAUTHORIZED');
    assert.equal((await get(url, { user: 'prometheus', password: 'wrong' })).status, 401);
    assert.equal((await get(url, { user: 'nobody', password: 's3cret' })).status, 401);
    for (let i = 0; i < 2; i++) {
      const ok = await get(url, { user: 'prometheus', password: 's3cret' }); // the second one from the cache
      assert.deepEqual([ok.status, ok.body, ok.headers['x-frame-options']], [200, 'up 1\n', 'deny']);
    }
    assert.equal((await get(url, { path: '/healthz' })).status, 200, 'probes need no credentials');
    await assert.rejects(fetch(url.replace('https:', 'http:') + '/metrics'), 'plain HTTP is not served');
  } finally {
    await server.close();
  }
});

test('client certificates: RequireAndVerifyClientCert with client_allowed_sans refuses missing, untrusted and unlisted certificates', async () => {
  const { server, url } = await serve(`tls_server_config:
  cert_file: ${join(dir, 'server.crt')}
  key_file: ${join(dir, 'server.key')}
  client_auth_type: RequireAndVerifyClientCert
  client_ca_file: ${join(dir, 'ca.crt')}
  client_allowed_sans: [prometheus.monitoring.svc]
  min_version: TLS13
`);
  try {
    assert.equal((await get(url, { client: 'client' })).status, 200);
    await assert.rejects(get(url), 'no client certificate: the handshake fails');
    await assert.rejects(get(url, { client: 'rogue' }), 'a certificate from another CA: the handshake fails');
    const other = await get(url, { client: 'other' });
    assert.equal(other.status, 401, 'trusted, but its SAN is not listed');
  } finally {
    await server.close();
  }
  const optional = await serve(`tls_server_config:
  cert_file: ${join(dir, 'server.crt')}
  key_file: ${join(dir, 'server.key')}
  client_auth_type: VerifyClientCertIfGiven
  client_ca_file: ${join(dir, 'ca.crt')}
`);
  try {
    assert.equal((await get(optional.url)).status, 200);
    assert.equal((await get(optional.url, { client: 'client' })).status, 200);
    assert.equal((await get(optional.url, { client: 'rogue' })).status, 401);
  } finally {
    await optional.server.close();
  }
});

test('changes of the web config and of its certificate files apply while running, as with the exporter-toolkit', { timeout: 60_000 }, async () => {
  const tls = `tls_server_config:\n  cert_file: ${join(dir, 'live.crt')}\n  key_file: ${join(dir, 'live.key')}\n`;
  writeFileSync(join(dir, 'live.crt'), pem('server.crt'));
  writeFileSync(join(dir, 'live.key'), pem('server.key'));
  const { server, url, file } = await serve(`${tls}basic_auth_users:\n  alice: ${bcrypt.hashSync('a-pass', 4)}\n`);
  try {
    assert.equal((await get(url, { user: 'alice', password: 'a-pass' })).status, 200);
    assert.equal(await servedCn(url), 'localhost');
    writeFileSync(file, `${tls}basic_auth_users:\n  bob: ${bcrypt.hashSync('b-pass', 4)}\n`);
    await eventually('bob may log in', async () => (await get(url, { user: 'bob', password: 'b-pass' })).status === 200);
    assert.equal((await get(url, { user: 'alice', password: 'a-pass' })).status, 401, 'a removed user is refused at once, cache or not');
    // A renewed certificate (another one of the CA, with the same names) is served to new connections.
    writeFileSync(join(dir, 'live.key'), pem('renewed.key'));
    writeFileSync(join(dir, 'live.crt'), pem('renewed.crt'));
    await eventually('the renewed certificate is served', async () => (await servedCn(url)) === 'renewed');
    // An invalid file changes nothing.
    writeFileSync(file, 'basic_auth_users: [oops]\n');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await get(url, { user: 'bob', password: 'b-pass' })).status, 200);
  } finally {
    await server.close();
  }
});

test('web config problems name the file and the key; settings powerplane cannot honour are refused, not ignored', () => {
  const problem = (root: unknown) => {
    try {
      parseWebConfig(root, '/etc/web.yml');
    } catch (e) {
      assert.ok(ERR_MALFORMED_FILE.is(e));
      return `${e.details.key}: ${e.message}`;
    }
    return 'accepted';
  };
  const tls = { cert_file: join(dir, 'server.crt'), key_file: join(dir, 'server.key') };
  assert.match(
    problem({ tls_server_config: { ...tls, cipher_suites: ['TLS_AES_128_GCM_SHA256'] } }),
    /^tls_server_config\.cipher_suites: \/etc\/web\.yml: .*not supported/,
  );
  assert.match(problem({ rate_limit: { interval: '1s', burst: 2 } }), /^rate_limit: .*not supported/);
  assert.match(
    problem({ tls_server_config: { ...tls, client_auth_type: 'Sometimes' } }),
    /^tls_server_config\.client_auth_type: .*RequireAndVerifyClientCert/,
  );
  assert.match(
    problem({ tls_server_config: { ...tls, client_auth_type: 'RequireAndVerifyClientCert' } }),
    /^tls_server_config\.client_ca_file: .*required/,
  );
  assert.match(problem({ tls_server_config: { ...tls, client_allowed_sans: ['x'] } }), /^tls_server_config\.client_allowed_sans: /);
  assert.match(problem({ tls_server_config: { key_file: tls.key_file } }), /^tls_server_config\.cert_file: .*required/);
  assert.match(problem({ tls_server_config: { ...tls, cert_file: join(dir, 'missing.crt') } }), /^tls_server_config\.cert_file: .*ENOENT/);
  assert.match(problem({ basic_auth_users: { alice: 'plaintext' } }), /^basic_auth_users\.alice: .*bcrypt/);
  assert.match(problem({ basic_auth_user: {} }), /^basic_auth_user: .*unknown key/);
  assert.equal(
    problem({ http_server_config: { http2: false }, basic_auth_users: { alice: '$2y$10$mDwo.lAisC94iLAyP81MCesa29IzH37oigHC/42V2pdJlUprsJPze' } }),
    'accepted',
  );
});
