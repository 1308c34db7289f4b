import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, parseListenAddress } from './server.js';
import { silentLogger } from './logger.js';
import { ERR_NOT_FOUND, ERR_INVALID_FLAG } from './errors.js';
import type { Component } from './component.js';

test('mounts components, health and readiness, JSON errors', async () => {
  let ready = false;
  const events: string[] = [];
  const comp: Component = {
    name: 'demo',
    routes(app) {
      app.get('/demo', async () => ({ ok: true }));
      app.get('/missing', async () => { throw ERR_NOT_FOUND('no such thing', { field: 'name' }); });
      app.post('/typed', { schema: { body: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } } } }, async () => ({ ok: true }));
    },
    async start() { events.push('start'); },
    async stop() { events.push('stop'); },
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
    const bad = await fetch(`${url}/typed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"n":"x"}' });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { field: string }).field, 'n');
    const none = await fetch(`${url}/nope`);
    assert.equal(none.status, 404);
  } finally {
    await server.close();
  }
  assert.deepEqual(events, ['start', 'stop']);
});

test('listen addresses', () => {
  assert.deepEqual(parseListenAddress('127.0.0.1:28282'), { host: '127.0.0.1', port: 28282 });
  assert.deepEqual(parseListenAddress(':9443'), { host: '0.0.0.0', port: 9443 });
  assert.deepEqual(parseListenAddress('[::1]:80'), { host: '::1', port: 80 });
  assert.throws(() => parseListenAddress('nope'), (e) => ERR_INVALID_FLAG.is(e));
  assert.throws(() => parseListenAddress('a:99999'), (e) => ERR_INVALID_FLAG.is(e));
});
