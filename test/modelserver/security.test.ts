/**
 * Hardening of the model server as `powerplane up` and `powerplane model-server` run it (real HTTP on
 * loopback): the cross-site request a browser page sends, DNS rebinding, auth before the body,
 * nesting limits, training sources limited to configured Prometheus URLs, and no open non-loopback server.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type PowerplaneServer } from '../../src/core/server.js';
import { defaultConfig } from '../../src/core/config.js';
import { silentLogger } from '../../src/core/logger.js';
import { webServerOptions } from '../../src/core/web-config.js';
import { createModelServerComponent } from '../../src/modelserver/component.js';
import { runPowerplane } from '../helpers/cli.js';

const TOKEN = 'the-right-token';
const CSV = 'cpu_busy_ratio,package_watts\n' + Array.from({ length: 40 }, (_v, i) => `${i / 40},${20 + i}`).join('\n') + '\n';

async function start(overrides: Record<string, unknown> = {}): Promise<{ server: PowerplaneServer; base: string; host: string }> {
  const config = defaultConfig({ 'modelServer.storeDir': mkdtempSync(join(tmpdir(), 'pp-sec-')), ...overrides });
  const server = await createServer({
    log: silentLogger(),
    components: [await createModelServerComponent({ config, log: silentLogger() })],
    ...(await webServerOptions(config)),
  });
  const base = await server.listen('127.0.0.1:0');
  return { server, base, host: new URL(base).host };
}

/** A request with the headers exactly as given (Host and Origin included, as a browser sets them). */
function send(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        method,
        path,
        headers: body === undefined ? headers : { 'content-length': String(Buffer.byteLength(body)), ...headers },
      },
      (res) => {
        let text = '';
        res
          .setEncoding('utf8')
          .on('data', (c: string) => (text += c))
          .on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : {} }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

test('the CSRF request a page on another site sends (text/plain CSV to /api/v1/train) is refused and queues nothing', async () => {
  const { server, base, host } = await start(); // as `up` runs it: no token
  try {
    // What Chromium sends for fetch('http://127.0.0.1:28282/api/v1/train?features=…', {method: 'POST', mode: 'no-cors', body: csv}) from https://evil.example.
    const browser = {
      host,
      origin: 'https://evil.example',
      referer: 'https://evil.example/',
      'content-type': 'text/plain;charset=UTF-8',
      accept: '*/*',
      'sec-fetch-site': 'cross-site',
      'sec-fetch-mode': 'no-cors',
      'sec-fetch-dest': 'empty',
      'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    };
    const r = await send(base, 'POST', '/api/v1/train?features=cpu_busy_ratio&trainers=linear&name=pwned', browser, CSV);
    assert.deepEqual([r.status, r.json.code, r.json.field], [403, 'PP_FORBIDDEN_ORIGIN', 'origin']);
    // The same body from a <form enctype="text/plain"> whose Origin was dropped still is not accepted.
    const { origin: _o, ...noOrigin } = browser;
    const form = await send(base, 'POST', '/api/v1/train?features=cpu_busy_ratio&trainers=linear&name=pwned', noOrigin, CSV);
    assert.deepEqual([form.status, form.json.code], [415, 'PP_UNSUPPORTED_MEDIA_TYPE']);
    for (const [method, path] of [
      ['DELETE', '/api/v1/models/default/rapl-sysfs/AbsPower/x/y'],
      ['PUT', '/api/v1/models/default/rapl-sysfs/AbsPower/x/y'],
    ]) {
      const w = await send(base, method, path, { ...browser, 'content-type': 'application/zip' }, 'PK');
      assert.equal(w.status, 403, `${method} ${path}`);
    }
    assert.deepEqual(await (await fetch(`${base}/api/v1/jobs`)).json(), { jobs: [] });
    // The dashboard (same origin) still trains from an upload.
    const own = await send(
      base,
      'POST',
      '/api/v1/train?features=cpu_busy_ratio&trainers=linear&folds=2&name=mine',
      { host, origin: base, 'content-type': 'text/csv' },
      CSV,
    );
    assert.equal(own.status, 202, JSON.stringify(own.json));
  } finally {
    await server.close();
  }
});

test('DNS rebinding: reads and writes under a foreign Host name are 421; configured names pass', async () => {
  const { server, base, host } = await start({ 'web.allowedHosts': ['models.example.org'] });
  const port = new URL(base).port;
  try {
    for (const [method, path] of [
      ['GET', '/api/v1/models'],
      ['DELETE', '/api/v1/models/default/rapl-sysfs/AbsPower/x/y'],
    ]) {
      const r = await send(base, method, path, { host: `attacker-rebinds-to-127.example:${port}` });
      assert.deepEqual([r.status, r.json.code, r.json.field], [421, 'PP_HOST_NOT_ALLOWED', 'host'], `${method} ${path}`);
    }
    const v2 = await send(base, 'GET', '/v2/health/ready', { host: `attacker-rebinds-to-127.example:${port}` });
    assert.equal(v2.status, 421); // in the v2 protocol's {error} shape
    assert.match(String(v2.json.error), /attacker-rebinds-to-127\.example/);
    assert.equal((await send(base, 'GET', '/api/v1/models', { host })).status, 200);
    assert.equal((await send(base, 'GET', '/api/v1/models', { host: `localhost:${port}` })).status, 200);
    assert.equal((await send(base, 'GET', '/api/v1/models', { host: `models.example.org:${port}` })).status, 200);
  } finally {
    await server.close();
  }
});

test('a 15 MiB deeply nested body: 401 before it is read with a wrong token, 400 naming the body with the right one', {
  timeout: 60_000,
}, async () => {
  const { server, base } = await start({ 'modelServer.token': TOKEN });
  const u = new URL(base);
  const nested = '['.repeat(15 << 19) + ']'.repeat(15 << 19); // 15 MiB
  try {
    const early = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: u.hostname,
          port: u.port,
          method: 'POST',
          path: '/api/v1/train',
          headers: { 'content-type': 'application/json', 'content-length': String(nested.length), authorization: 'Bearer wrong' },
        },
        (res) => {
          resolve(res.statusCode ?? 0);
          req.destroy();
        },
      );
      req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e)));
      req.write(nested.slice(0, 1 << 20)); // the remaining 14 MiB are never sent: only a check before reading can answer
    });
    assert.equal(early, 401);
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    const deep = await send(base, 'POST', '/api/v1/train', { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, nested);
    assert.deepEqual([deep.status, deep.json.code, deep.json.field], [400, 'PP_BAD_REQUEST', 'body']);
    // The limit holds on every route, e.g. the Kepler model selection any client may call.
    const kepler = await send(base, 'POST', '/model', { 'content-type': 'application/json' }, '{"a":'.repeat(100) + '1' + '}'.repeat(100));
    assert.deepEqual([kepler.status, kepler.json.field], [400, 'body']);
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
  } finally {
    await server.close();
  }
});

test('training reads only the configured Prometheus URLs; any other source.url is a 400 naming it', async () => {
  const allowed = 'http://127.0.0.1:9/prom/';
  const { server, base } = await start({ 'modelServer.prometheusUrls': [allowed] });
  const post = (url: string) =>
    fetch(`${base}/api/v1/train`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ source: { type: 'prometheus', url }, features: 'CPUBusy', trainers: ['linear'] }),
    });
  try {
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://127.0.0.1:10250/', 'file:///etc/passwd']) {
      const r = await post(url);
      const body = (await r.json()) as Record<string, unknown>;
      assert.deepEqual([r.status, body.field], [400, 'source.url'], url);
      assert.match(String(body.message), /modelServer\.prometheusUrls/);
    }
    assert.equal((await post('http://127.0.0.1:9/prom')).status, 202); // configured (trailing slash aside): queued
  } finally {
    await server.close();
  }
  const off = await start();
  try {
    const r = await fetch(`${off.base}/api/v1/train`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ source: { type: 'prometheus', url: allowed }, features: 'CPUBusy' }),
    });
    assert.deepEqual([r.status, ((await r.json()) as { field: string }).field], [400, 'source.url']);
  } finally {
    await off.server.close();
  }
});

test('model-server refuses a non-loopback address without a token, naming the flags (exit 2, nothing bound)', async () => {
  const store = mkdtempSync(join(tmpdir(), 'pp-sec-cli-'));
  const r = await runPowerplane(['model-server', '--web.listen-address=0.0.0.0:0', `--model-server.store-dir=${store}`]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^error: the model server would listen on 0\.0\.0\.0:0 with no token.*--model-server\.token-file.*--web\.insecure-no-auth/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  const missing = await runPowerplane([
    'model-server',
    '--web.listen-address=127.0.0.1:0',
    `--model-server.store-dir=${store}`,
    `--model-server.token-file=${join(store, 'nope')}`,
  ]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /token file .*nope/);
});
