import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { backoffDelayMs, EndpointBackoff } from './backoff.js';
import { createMlserverPredictor } from './mlserver.js';
import { ErrPCPredictor } from '../errors.js';

const status = { cpuUsage: 0.1, logicalProcessors: 4, ambientTemp: 22, staticPressureDiff: 0 };
const node = { name: 'n1', labels: {} };

test('backoffDelayMs doubles from the base up to the cap', () => {
  const p = { baseMs: 1000, maxMs: 60_000 };
  assert.deepEqual(
    [1, 2, 3, 6, 7, 50].map((f) => backoffDelayMs(f, p)),
    [1000, 2000, 4000, 32_000, 60_000, 60_000],
  );
});

test('a failing MLServer endpoint is backed off per endpoint: nodes sharing it wait, a success clears it', async (t) => {
  let healthy = false;
  let calls = 0;
  const srv = createServer((req, res) => {
    calls++;
    req.resume();
    req.on('end', () => {
      if (!healthy) {
        res.writeHead(500).end('model failed');
        return;
      }
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ outputs: [{ name: 'predict', shape: [1, 1], datatype: 'FP64', data: [100] }] }));
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => srv.close());
  const endpoint = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/v2/models/model1/versions/v0.1.0`;
  let clock = 0;
  const backoff = new EndpointBackoff({ baseMs: 1000, maxMs: 60_000 }, () => clock);
  const opts = { endpoint, insecureSkipVerify: false, timeoutMs: 2000, concurrency: 1, backoff };
  const nodeA = createMlserverPredictor(opts);
  const nodeB = createMlserverPredictor(opts);
  const signal = () => AbortSignal.timeout(5000);

  await assert.rejects(nodeA.predict([0, 500, 1000], status, node, signal()), /500/);
  assert.equal(calls, 1, 'the first failure stops the row');
  await assert.rejects(
    nodeB.predict([0], status, node, signal()),
    (e) => ErrPCPredictor.is(e) && /failed 1 time\(s\).*next try in 1 s/.test(e.message),
  );
  assert.equal(calls, 1, 'another node of the same endpoint does not call it while it backs off');
  clock += 1000;
  await assert.rejects(nodeA.predict([0], status, node, signal()), /500/);
  assert.equal(calls, 2);
  clock += 1999;
  await assert.rejects(nodeA.predict([0], status, node, signal()), (e) => ErrPCPredictor.is(e) && /failed 2 time\(s\)/.test(e.message));
  assert.equal(calls, 2, 'the second delay is twice the first');
  healthy = true;
  clock += 1;
  assert.deepEqual(await nodeB.predict([0, 500], status, node, signal()), [100, 100]);
  assert.deepEqual(await nodeA.predict([0], status, node, signal()), [100]);
  assert.equal(calls, 5);
});

test('a call the caller aborted does not back the endpoint off', async () => {
  const backoff = new EndpointBackoff({ baseMs: 1000, maxMs: 1000 }, () => 0);
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(backoff.call('http://e', ac.signal, () => Promise.reject(new Error('aborted'))));
  assert.equal(await backoff.call('http://e', new AbortController().signal, async () => 7), 7);
});
