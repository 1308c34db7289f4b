import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { createServer } from '../core/server.js';
import { silentLogger } from '../core/logger.js';
import { loadConfig } from '../core/config.js';
import { createDashboardComponent } from './component.js';
import { ERR_BAD_REQUEST, ERR_INVALID_CONFIG } from '../core/errors.js';
import { workloadsQuery } from './routes.js';
import { createStubAgent, stubNode, stubWorkload } from '../../test/dashboard/stub-agent.js';

async function start(withAgent: boolean, flags: Record<string, string> = { 'dashboard.historyLength': '10', 'monitor.interval': '2s' }) {
  const { config } = loadConfig({ flags });
  const agent = createStubAgent();
  const comp = await createDashboardComponent({ config, log: silentLogger(), ...(withAgent ? { agent } : {}) });
  const server = await createServer({ log: silentLogger(), components: [comp] });
  const url = await server.listen('127.0.0.1:0');
  return { agent, server, url };
}

/** Reads server-sent events from `url` until `count` events arrived. */
function readEvents(url: string, count: number, onOpen: () => void): Promise<{ status: number; events: { event: string; data: unknown }[] }> {
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      let buf = '';
      const events: { event: string; data: unknown }[] = [];
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const ev = /^event: (.*)$/m.exec(block)?.[1];
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data: '))
            .map((l) => l.slice(6))
            .join('\n');
          if (ev) events.push({ event: ev, data: JSON.parse(data) });
          if (ev === 'hello') onOpen();
          if (events.length >= count) {
            req.destroy();
            resolve({ status: res.statusCode ?? 0, events });
          }
        }
      });
    });
    req.on('error', (err) => (err.message.includes('aborted') ? undefined : reject(err)));
    req.end();
  });
}

test('serves the page, its files and uPlot with security headers', async () => {
  const { server, url } = await start(true);
  try {
    const page = await fetch(`${url}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    const html = await page.text();
    assert.match(html, /role="tablist"/);
    for (const src of [...html.matchAll(/(?:src|href)="(\/dashboard\/[^"]+)"/g)].map((m) => m[1])) {
      assert.equal((await fetch(`${url}${src}`)).status, 200, src);
    }
    const app = await fetch(`${url}/dashboard/app.js`);
    assert.match(app.headers.get('content-type') ?? '', /text\/javascript/);
    const etag = app.headers.get('etag')!;
    assert.equal((await fetch(`${url}/dashboard/app.js`, { headers: { 'if-none-match': etag } })).status, 304);
    const uplot = await (await fetch(`${url}/dashboard/vendor/uPlot.esm.js`)).text();
    assert.match(uplot, /export \{ uPlot as default \}/);
    const icon = await fetch(`${url}/favicon.ico`);
    assert.equal(icon.status, 200, 'the favicon browsers ask for is served, not a 404');
    assert.equal(icon.headers.get('content-type'), 'image/svg+xml');
    const missing = await fetch(`${url}/dashboard/..%2f..%2fpackage.json`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { code: string }).code, 'PP_NOT_FOUND');
  } finally {
    await server.close();
  }
});

test('a history longer than an hour is served with its 1-minute averages marked as such', async () => {
  const { agent, server, url } = await start(true, { 'dashboard.historyLength': '1000', 'monitor.interval': '5s' });
  try {
    // 80 minutes of 5 s refreshes from a minute boundary; the package zone alternates 10 and 20 W.
    for (let i = 0; i < 960; i++)
      agent.refresh(stubNode(6_000_000 + i * 5000, i % 2 ? 20 : 10, 3), { process: [stubWorkload('process', '42', 'stress', 4)] });
    const node = (await (await fetch(`${url}/api/v1/history/node`)).json()) as {
      timestamps: number[];
      watts: number[];
      segments: { start: number; end: number; stepMs: number; averaged: boolean }[];
      gaps: number[];
    };
    const k = node.segments[0].end;
    assert.deepEqual(node.segments, [
      { start: 0, end: k, stepMs: 60_000, averaged: true },
      { start: k, end: node.timestamps.length, stepMs: 5000, averaged: false },
    ]);
    assert.equal(node.timestamps.length - k, 720, 'the last hour one point per refresh');
    assert.deepEqual(
      node.timestamps.slice(0, k),
      Array.from({ length: k }, (_, i) => 6_000_000 + i * 60_000),
    );
    assert.ok(
      node.watts.slice(0, k).every((w) => w === 18),
      'each minute: the mean of six 13 W and six 23 W refreshes',
    );
    assert.deepEqual(node.gaps, []);
    const wl = (await (await fetch(`${url}/api/v1/history/workloads?level=process`)).json()) as {
      segments: unknown[];
      series: { id: string; watts: number[]; partial: number[] }[];
    };
    assert.deepEqual(wl.segments, node.segments);
    assert.deepEqual(wl.series[0].partial, []);
    assert.equal(wl.series[0].watts.length, node.timestamps.length);
  } finally {
    await server.close();
  }
});

test('records history from agent refreshes and serves it as JSON', async () => {
  const { agent, server, url } = await start(true);
  try {
    const info = (await (await fetch(`${url}/api/v1/dashboard`)).json()) as Record<string, unknown>;
    assert.equal(info.live, true);
    assert.equal(info.intervalMs, 2000);
    assert.equal(info.historyLength, 10);
    for (let i = 1; i <= 12; i++)
      agent.refresh(stubNode(i * 1000, 20 + i, 3), {
        process: [stubWorkload('process', '42', 'stress', i), stubWorkload('process', '7', 'idle', 0.1)],
      });
    const node = (await (await fetch(`${url}/api/v1/history/node`)).json()) as { timestamps: number[]; watts: number[]; zones: { zone: string }[] };
    assert.equal(node.timestamps.length, 10, 'bounded by dashboard.historyLength');
    assert.equal(node.timestamps[0], 3000);
    assert.equal(node.watts.at(-1), 35);
    assert.deepEqual(
      node.zones.map((z) => z.zone),
      ['package', 'dram'],
    );
    const wl = (await (await fetch(`${url}/api/v1/history/workloads?level=process&id=42`)).json()) as {
      series: { id: string; name: string; watts: number[] }[];
    };
    assert.deepEqual(
      wl.series.map((s) => [s.id, s.name, s.watts.at(-1)]),
      [['42', 'stress', 12]],
    );
    const bad = await fetch(`${url}/api/v1/history/workloads?level=cluster`);
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { field: string }).field, 'level');
    const unknown = await fetch(`${url}/api/v1/history/workloads?level=process&id=999`);
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as { field: string }).field, 'id');
  } finally {
    await server.close();
  }
  assert.equal(agent.subscribers(), 0, 'unsubscribed on stop');
});

test('streams each refresh as a server-sent event, and close ends the stream', async () => {
  const { agent, server, url } = await start(true);
  try {
    const got = readEvents(`${url}/api/v1/stream`, 2, () =>
      agent.refresh(stubNode(5000, 30, 4), { container: [stubWorkload('container', 'abc', 'web', 2)] }),
    );
    const { status, events } = await got;
    assert.equal(status, 200);
    assert.equal(events[0].event, 'hello');
    assert.equal(events[1].event, 'refresh');
    const data = events[1].data as { node: { watts: number }; point: { t: number; workloads: { container: Record<string, number> } } };
    assert.equal(data.node.watts, 34);
    assert.deepEqual(data.point.workloads.container, { abc: 2 });
    // A stream left open does not keep the server from closing.
    const open = new Promise<void>((resolve) => {
      request(`${url}/api/v1/stream`, (res) => {
        res.on('data', () => resolve());
        res.on('error', () => undefined);
      })
        .on('error', () => undefined)
        .end();
    });
    await open;
  } finally {
    await server.close();
  }
});

test('without an in-process agent the page is served and history says so', async () => {
  const { server, url } = await start(false);
  try {
    assert.equal((await fetch(`${url}/`)).status, 200);
    const info = (await (await fetch(`${url}/api/v1/dashboard`)).json()) as { live: boolean };
    assert.equal(info.live, false);
    for (const path of ['/api/v1/history/node', '/api/v1/stream']) {
      const res = await fetch(`${url}${path}`);
      assert.equal(res.status, 404, path);
      assert.equal(((await res.json()) as { code: string }).code, 'PP_DASHBOARD_NO_AGENT');
    }
  } finally {
    await server.close();
  }
});

test('a history length above the limit is a config error naming the key', async () => {
  const { config } = loadConfig({ flags: { 'dashboard.historyLength': '20001' } });
  await assert.rejects(
    createDashboardComponent({ config, log: silentLogger() }),
    (err: unknown) => ERR_INVALID_CONFIG.is(err) && err.details.key === 'dashboard.historyLength' && err.exitCode === 2,
  );
});

test('the workloads history query: a known level, an optional id of 1 to 256 characters, nothing else', () => {
  assert.deepEqual(workloadsQuery({ level: 'process' }), { level: 'process', id: undefined });
  assert.deepEqual(workloadsQuery({ level: 'pod', id: 'ns/p' }), { level: 'pod', id: 'ns/p' });
  const field = (q: Record<string, unknown>) => {
    try {
      workloadsQuery(q);
    } catch (err) {
      assert.ok(ERR_BAD_REQUEST.is(err));
      return (err as { details?: { field?: string } }).details?.field;
    }
    return 'accepted';
  };
  assert.equal(field({}), 'level');
  assert.equal(field({ level: 'cluster' }), 'level');
  assert.equal(field({ level: ['pod', 'pod'] }), 'level');
  assert.equal(field({ level: 'pod', id: '' }), 'id');
  assert.equal(field({ level: 'pod', id: 'x'.repeat(257) }), 'id');
  assert.equal(field({ level: 'pod', id: ['a', 'b'] }), 'id');
  assert.equal(field({ level: 'pod', sort: 'watts' }), 'sort');
});
