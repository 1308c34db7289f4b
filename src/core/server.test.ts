import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { createServer, parseListenAddress, type RequestAuthenticator } from './server.js';
import { silentLogger } from './logger.js';
import { ERR_NOT_FOUND, ERR_INVALID_FLAG, ERR_UNAUTHORIZED, ERR_ADDRESS_IN_USE } from './errors.js';
import type { Component } from './component.js';

test('mounts components, health and readiness, JSON errors', async () => {
  let ready = false;
  const events: string[] = [];
  const comp: Component = {
    name: 'demo',
    routes(app) {
      app.get('/demo', async () => ({ ok: true }));
      app.get('/missing', async () => {
        throw ERR_NOT_FOUND('no such thing', { field: 'name' });
      });
      app.post('/typed', async () => ({ ok: true }));
    },
    async start() {
      events.push('start');
    },
    async stop() {
      events.push('stop');
    },
    isReady: () => ready,
  };
  const server = await createServer({ log: silentLogger(), components: [comp] });
  const url = await server.listen('127.0.0.1:0');
  try {
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    assert.equal((await fetch(`${url}/readyz`)).status, 503);
    ready = true;
    assert.equal((await fetch(`${url}/readyz`)).status, 200);
    assert.deepEqual(await (await fetch(`${url}/demo`)).json(), { ok: true });
    const miss = await fetch(`${url}/missing`);
    assert.equal(miss.status, 404);
    assert.deepEqual(await miss.json(), { code: 'PP_NOT_FOUND', message: 'no such thing', field: 'name' });
    const none = await fetch(`${url}/nope`);
    assert.equal(none.status, 404);
    // fastify's own 4xx errors answer with the catalog's code, fastify's kept as the cause
    const malformed = await fetch(`${url}/typed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"n":' });
    assert.equal(malformed.status, 400);
    const body = (await malformed.json()) as { code: string; field: string; cause: string };
    assert.equal(body.code, 'PP_BAD_REQUEST');
    assert.equal(body.field, 'body');
    assert.match(body.cause, /^FST_ERR_/);
  } finally {
    await server.close();
  }
  assert.deepEqual(events, ['start', 'stop']);
});

test('a route with a fastify schema is refused when the server starts (handlers check their input)', async () => {
  const comp: Component = {
    name: 'schema',
    routes(app) {
      app.post('/typed', { schema: { body: { type: 'object' } } }, async () => ({ ok: true }));
    },
  };
  const server = await createServer({ log: silentLogger(), components: [comp] });
  await assert.rejects(server.listen('127.0.0.1:0'), /take no fastify schema/);
  await server.close();
});

test('listen addresses', () => {
  assert.deepEqual(parseListenAddress('127.0.0.1:28282'), { host: '127.0.0.1', port: 28282 });
  assert.deepEqual(parseListenAddress(':9443'), { host: '0.0.0.0', port: 9443 });
  assert.deepEqual(parseListenAddress('[::1]:80'), { host: '::1', port: 80 });
  assert.throws(
    () => parseListenAddress('nope'),
    (e) => ERR_INVALID_FLAG.is(e),
  );
  assert.throws(
    () => parseListenAddress('a:99999'),
    (e) => ERR_INVALID_FLAG.is(e),
  );
});

/** One request over node:http (which, unlike fetch, lets a test set Host and Origin as a browser would). */
function send(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string | Buffer,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        method,
        path,
        headers: { ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}), ...headers },
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

const writable: Component = {
  name: 'writable',
  routes(app) {
    app.post('/things', async (req) => ({ got: req.body }));
    app.delete('/things', async () => ({ deleted: true }));
    app.get('/things', async () => ({ things: [] }));
    app.get('/slow', async () => {
      await new Promise((r) => setTimeout(r, 1200));
      return { waited: 1200 };
    });
  },
};

test('cross-site writes: simple content types 415, foreign Origin 403, rebinding Host 421; same-origin JSON passes', async () => {
  const server = await createServer({ log: silentLogger(), components: [writable], limits: { allowedHosts: ['box.example'] } });
  const url = await server.listen('127.0.0.1:0');
  const host = new URL(url).host;
  try {
    // The request a page on another site sends with fetch(..., {mode: 'no-cors'}) or a <form>.
    const csrf = await send(
      url,
      'POST',
      '/things',
      { host, origin: 'https://evil.example', 'content-type': 'text/plain;charset=UTF-8', 'sec-fetch-site': 'cross-site' },
      'a,b\n1,2\n',
    );
    assert.deepEqual([csrf.status, csrf.json.code, csrf.json.field], [403, 'PP_FORBIDDEN_ORIGIN', 'origin']);
    for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const r = await send(url, 'POST', '/things', { host, 'content-type': ct }, 'x=1');
      assert.deepEqual([r.status, r.json.code, r.json.field], [415, 'PP_UNSUPPORTED_MEDIA_TYPE', 'content-type'], ct);
      assert.match(String(r.json.message), new RegExp(ct.split(';')[0]));
    }
    assert.equal((await send(url, 'POST', '/things', { host, 'content-type': 'application/xml' }, '<x/>')).status, 415);
    assert.equal((await send(url, 'DELETE', '/things', { host, origin: 'http://127.0.0.1:1' })).status, 403);
    const ok = await send(url, 'POST', '/things', { host, origin: url, 'content-type': 'application/json' }, '{"a":1}');
    assert.deepEqual([ok.status, ok.json], [200, { got: { a: 1 } }]);
    assert.equal((await send(url, 'DELETE', '/things', { host })).status, 200);
    // DNS rebinding: a name that resolves to 127.0.0.1 but is not this server's, for reads and writes.
    for (const method of ['GET', 'DELETE']) {
      const r = await send(url, method, '/things', { host: `rebind.evil.example:${new URL(url).port}` });
      assert.deepEqual([r.status, r.json.code, r.json.field], [421, 'PP_HOST_NOT_ALLOWED', 'host'], method);
    }
    assert.equal((await send(url, 'GET', '/things', { host: `localhost:${new URL(url).port}` })).status, 200);
    assert.equal((await send(url, 'GET', '/things', { host: 'box.example' })).status, 200);
  } finally {
    await server.close();
  }
});

test('JSON nesting deeper than 64 levels is a 400 naming the body; proto poisoning is refused', async () => {
  const server = await createServer({ log: silentLogger(), components: [writable] });
  const url = await server.listen('127.0.0.1:0');
  try {
    const deep = await send(url, 'POST', '/things', { 'content-type': 'application/json' }, '['.repeat(65) + ']'.repeat(65));
    assert.deepEqual([deep.status, deep.json.code, deep.json.field], [400, 'PP_BAD_REQUEST', 'body']);
    assert.equal((await send(url, 'POST', '/things', { 'content-type': 'application/json' }, '['.repeat(64) + ']'.repeat(64))).status, 200);
    assert.equal((await send(url, 'POST', '/things', { 'content-type': 'application/json' }, '{"__proto__":{"x":1}}')).status, 400);
    const big = await send(url, 'POST', '/things', { 'content-type': 'application/json' }, JSON.stringify({ pad: 'x'.repeat(1 << 20) }));
    assert.deepEqual([big.status, big.json.code], [413, 'PP_PAYLOAD_TOO_LARGE']);
  } finally {
    await server.close();
  }
});

test('authentication runs before the body is read: a 401 arrives while the body is still unsent', { timeout: 20_000 }, async () => {
  const auth: RequestAuthenticator = (req) => {
    if (req.headers.authorization !== 'Bearer right') throw ERR_UNAUTHORIZED('wrong token', { field: 'authorization' });
  };
  const server = await createServer({ log: silentLogger(), components: [writable], authenticate: auth, bodyLimit: 16 << 20 });
  const url = await server.listen('127.0.0.1:0');
  try {
    const u = new URL(url);
    // 15 MiB of nesting declared; only the first MiB is sent, and the rest never is.
    const declared = 15 << 20;
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: u.hostname,
          port: u.port,
          method: 'POST',
          path: '/things',
          headers: { 'content-type': 'application/json', 'content-length': String(declared), authorization: 'Bearer wrong' },
        },
        (res) => {
          resolve(res.statusCode ?? 0);
          req.destroy();
        },
      );
      req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e)));
      req.write('['.repeat(1 << 20));
    });
    assert.equal(status, 401);
    assert.equal((await fetch(`${url}/healthz`)).status, 200, 'the server stays responsive; probes need no credentials');
    assert.equal((await fetch(`${url}/things`)).status, 401);
    assert.equal((await fetch(`${url}/things`, { headers: { authorization: 'Bearer right' } })).status, 200);
  } finally {
    await server.close();
  }
});

test('a request whose body never arrives is closed after the request timeout; the connection cap holds', { timeout: 20_000 }, async () => {
  const server = await createServer({
    log: silentLogger(),
    components: [writable],
    limits: { requestTimeoutMs: 400, headersTimeoutMs: 300, maxConnections: 3 },
  });
  const url = await server.listen('127.0.0.1:0');
  const port = Number(new URL(url).port);
  const open = (): Promise<Socket> =>
    new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(s));
      s.on('error', reject);
    });
  const closed = (s: Socket): Promise<string> =>
    new Promise((resolve) => {
      let data = '';
      s.on('data', (d) => (data += d));
      s.on('error', () => {});
      s.on('close', () => resolve(data));
    });
  try {
    const slow = await open();
    const slowClosed = closed(slow);
    slow.write('POST /things HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":');
    assert.match(await slowClosed, /^HTTP\/1\.1 408/);
    const silent = await open();
    await closed(silent); // no headers at all: closed after the headers timeout
    // The timeouts bound receiving a request, not answering it: a long response (an event stream) is not cut.
    const slowAnswer = await fetch(`${url}/slow`);
    assert.deepEqual([slowAnswer.status, await slowAnswer.json()], [200, { waited: 1200 }]);
  } finally {
    await server.close();
  }
  const capped = await createServer({ log: silentLogger(), components: [writable], limits: { maxConnections: 2 } });
  const cappedUrl = await capped.listen('127.0.0.1:0');
  const cport = Number(new URL(cappedUrl).port);
  const openC = (): Promise<Socket> =>
    new Promise((resolve, reject) => {
      const s = connect(cport, '127.0.0.1', () => resolve(s));
      s.on('error', reject);
    });
  try {
    const held = [await openC(), await openC()];
    const third = await openC();
    const thirdData = await closed(third); // over the cap: closed by the server without an answer
    assert.equal(thirdData, '');
    held[0].destroy();
    await new Promise((r) => setTimeout(r, 50));
    const r = await send(cappedUrl, 'GET', '/healthz');
    assert.equal(r.status, 200);
    held[1].destroy();
  } finally {
    await capped.close();
  }
});

test('a taken port is one line naming the address and the flag', async () => {
  const first = await createServer({ log: silentLogger(), components: [] });
  const url = await first.listen('127.0.0.1:0');
  const second = await createServer({ log: silentLogger(), components: [] });
  try {
    const address = `127.0.0.1:${new URL(url).port}`;
    await assert.rejects(second.listen(address, { flag: '--health.listen-address' }), (e: unknown) => {
      assert.ok(ERR_ADDRESS_IN_USE.is(e));
      assert.equal(
        e.message,
        `${address} is already in use: stop the other process or choose another address with --health.listen-address=HOST:PORT`,
      );
      assert.ok(!e.message.includes('\n'));
      return true;
    });
  } finally {
    await first.close();
  }
});

test("listens on every address given (Kepler's repeated --web.listen-address): two loopback ports serve the same routes; close frees both", async () => {
  let hits = 0;
  const comp: Component = {
    name: 'demo',
    routes(app) {
      app.get('/demo', async () => ({ hits: ++hits }));
    },
  };
  const server = await createServer({ log: silentLogger(), components: [comp] });
  const first = await server.listen(['127.0.0.1:0', '127.0.0.1:0']);
  const urls = server.urls();
  assert.equal(urls.length, 2);
  assert.equal(first, urls[0]);
  assert.notEqual(urls[0], urls[1]);
  try {
    assert.deepEqual(await (await fetch(`${urls[0]}/demo`)).json(), { hits: 1 });
    assert.deepEqual(await (await fetch(`${urls[1]}/demo`)).json(), { hits: 2 });
    const cross = await fetch(`${urls[1]}/demo`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
    assert.equal(cross.status, 415, 'the guards run on the second address too');
  } finally {
    await server.close();
  }
  await assert.rejects(fetch(`${urls[1]}/demo`));
  await assert.rejects(fetch(`${urls[0]}/demo`));
});

test('a taken second address closes the first and names the taken one', async () => {
  const blocker = await createServer({ log: silentLogger(), components: [] });
  const taken = await blocker.listen('127.0.0.1:0');
  const takenAddress = taken.replace('http://', '');
  try {
    const server = await createServer({ log: silentLogger(), components: [] });
    await assert.rejects(server.listen(['127.0.0.1:0', takenAddress]), (e) => ERR_ADDRESS_IN_USE.is(e) && e.details.address === takenAddress);
    assert.deepEqual(server.urls().length, 1);
    await assert.rejects(fetch(`${server.urls()[0]}/healthz`));
  } finally {
    await blocker.close();
  }
});
