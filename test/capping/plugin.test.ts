import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { capState, capTarget } from '../helpers/capping.js';
import { parseCatalog } from '../../src/capping/plugins/catalog.js';
import { BUILTIN_NAMES, createAlgorithm } from '../../src/capping/algorithms/registry.js';
import { runCappingStep } from '../../src/capping/algorithm/step.js';
import { emptyGuardMemory } from '../../src/capping/algorithm/guard.js';
import type { CappingState } from '../../src/capping/algorithm/types.js';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
const servers: Server[] = [];
after(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

/** A real HTTP plug-in on loopback; returns its URL and the bodies it received. */
async function plugin(handler: Handler): Promise<{ url: string; bodies: string[] }> {
  const bodies: string[] = [];
  const srv = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.method === 'POST') bodies.push(body);
      handler(req, body, res);
    });
  });
  servers.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/decide`, bodies };
}

const SCHEMA_DOC = JSON.stringify({ name: 'p', parameters: { type: 'object' } });

function algorithmFor(url: string, extra = '', parameters: Record<string, unknown> = {}, timeout = '2s') {
  const catalog = parseCatalog(
    `algorithms:\n  - name: p\n    version: 1.0.0\n    endpoint: ${url}\n    timeout: ${timeout}\n${extra}`,
    'catalog.yaml',
    BUILTIN_NAMES,
  );
  return createAlgorithm('p', parameters, catalog);
}

const state = (): CappingState =>
  capState([capTarget('a', { replicas: 6, currentLimit: 6, minReplicas: 2 }), capTarget('b', { replicas: 2 })], { currentWatts: 990 });

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};

test('a working plug-in receives the state with its parameters; its answer goes through the guard', async () => {
  const { url, bodies } = await plugin((_req, body, res) => {
    const s = JSON.parse(body) as CappingState;
    json(res, 200, { replicas: s.targets.map((t) => ({ target: t.id, maxReplicas: 0, reason: `plug-in says 0 (k=${String(s.parameters.k)})` })) });
  });
  const r = await runCappingStep(algorithmFor(url, '', { k: 7 }), state(), emptyGuardMemory());
  assert.equal(r.hold, undefined);
  const sent = JSON.parse(bodies[0]) as CappingState;
  assert.deepEqual(sent.parameters, { k: 7 });
  assert.equal(sent.targets.length, 2);
  // "scale to 0" is clamped to the floors by the guard
  assert.deepEqual(
    r.decisions.targets.map((d) => d.maxReplicas),
    [2, 1],
  );
  assert.match(r.decisions.targets[0].reason, /plug-in says 0 \(k=7\); raised to the floor 2/);
});

test('a slow plug-in: hold after the catalog timeout, nothing changes', async () => {
  const { url } = await plugin((_req, _body, res) => {
    setTimeout(() => json(res, 200, { replicas: [] }), 3000).unref();
  });
  const r = await runCappingStep(algorithmFor(url, '', {}, '300ms'), state(), emptyGuardMemory());
  assert.equal(r.hold?.code, 'AlgorithmTimeout');
  assert.match(r.hold?.reason ?? '', /did not answer within 300 ms/);
  assert.ok(r.decisions.targets.every((d) => d.change === 'none' && d.maxReplicas === d.previousLimit));
});

test('an erroring plug-in: hold with the HTTP status', async () => {
  const { url } = await plugin((_req, _body, res) => json(res, 500, { error: 'boom' }));
  const r = await runCappingStep(algorithmFor(url), state(), emptyGuardMemory());
  assert.equal(r.hold?.code, 'AlgorithmFailed');
  assert.match(r.hold?.reason ?? '', /HTTP 500/);
  assert.ok(r.decisions.targets.every((d) => d.change === 'none'));
});

test('a plug-in answering nonsense: hold, naming what is wrong', async () => {
  const answers: Array<[string | object, RegExp]> = [
    ['this is not json', /not JSON/],
    [{ replicas: 'lots' }, /invalid decisions: \/replicas/],
    [{ replicas: [{ target: 'Deployment/ns/a', maxReplicas: -3, reason: 'x' }] }, /invalid decisions: \/replicas\/0\/maxReplicas/],
    [{ replicas: [{ target: 'Deployment/ns/zzz', maxReplicas: 3, reason: 'x' }] }, /unknown target/],
    [
      {
        replicas: [
          { target: 'Deployment/ns/a', maxReplicas: 3, reason: 'x' },
          { target: 'Deployment/ns/a', maxReplicas: 4, reason: 'y' },
        ],
      },
      /appears twice/,
    ],
    [{ replicas: [], pods: [{ target: 'Deployment/ns/a', pod: 'not-a-pod', action: 'Evict', reason: 'x' }] }, /not a pod of/],
  ];
  for (const [answer, why] of answers) {
    const { url } = await plugin((_req, _body, res) => json(res, 200, answer));
    const r = await runCappingStep(algorithmFor(url), state(), emptyGuardMemory());
    assert.equal(r.hold?.code, 'AlgorithmInvalidAnswer', JSON.stringify(answer));
    assert.match(r.hold?.reason ?? '', why);
    assert.ok(r.decisions.targets.every((d) => d.change === 'none'));
  }
});

test('an unreachable plug-in: hold', async () => {
  const { url } = await plugin(() => undefined);
  const srv = servers.pop() as Server;
  await new Promise((r) => srv.close(r));
  const r = await runCappingStep(algorithmFor(url), state(), emptyGuardMemory());
  assert.equal(r.hold?.code, 'AlgorithmFailed');
  assert.match(r.hold?.reason ?? '', /ECONNREFUSED/);
});

test('a pinned sha256 of the published schema: a match decides, a mismatch holds', async () => {
  const { url } = await plugin((req, body, res) => {
    if (req.method === 'GET') return json(res, 200, SCHEMA_DOC);
    const s = JSON.parse(body) as CappingState;
    json(res, 200, { replicas: s.targets.map((t) => ({ target: t.id, maxReplicas: 3, reason: 'ok' })) });
  });
  const good = createHash('sha256').update(SCHEMA_DOC).digest('hex');
  const ok = await runCappingStep(algorithmFor(url, `    sha256: '${good}'\n`), state(), emptyGuardMemory());
  assert.equal(ok.hold, undefined);
  const bad = await runCappingStep(algorithmFor(url, `    sha256: '${'0'.repeat(64)}'\n`), state(), emptyGuardMemory());
  assert.equal(bad.hold?.code, 'AlgorithmInvalidAnswer');
  assert.match(bad.hold?.reason ?? '', new RegExp(`has sha256 ${good}, the catalog pins 0{64}`));
});

test('a plug-in that redirects is not followed', async () => {
  const { url } = await plugin((_req, _body, res) => {
    res.writeHead(307, { location: 'http://169.254.169.254/latest' });
    res.end();
  });
  const r = await runCappingStep(algorithmFor(url), state(), emptyGuardMemory());
  assert.equal(r.hold?.code, 'AlgorithmFailed');
});
