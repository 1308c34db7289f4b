/**
 * The cross-site attacks of issue 10 made by a real browser (Debian chromium): a page on another
 * origin posts a CSV to `/api/v1/train` with fetch(no-cors) and with a text/plain <form>, and a page
 * reached through a name that resolves to 127.0.0.1 (DNS rebinding) reads the model list. The model
 * server refuses all of them and queues nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { createServer } from '../../src/core/server.js';
import { defaultConfig } from '../../src/core/config.js';
import { silentLogger } from '../../src/core/logger.js';
import { webServerOptions } from '../../src/core/web-config.js';
import type { Component } from '../../src/core/component.js';
import { createModelServerComponent } from '../../src/modelserver/component.js';

interface Seen {
  method: string;
  url: string;
  status: number;
  origin?: string;
  type?: string;
  host?: string;
}

test('a real browser: cross-site CSRF posts are refused (403) and a rebinding name gets 421; nothing is trained', { timeout: 120_000 }, async () => {
  const seen: Seen[] = [];
  const recorder: Component = {
    name: 'recorder',
    routes(app) {
      app.addHook('onResponse', async (req, reply) => {
        seen.push({
          method: req.method,
          url: req.url,
          status: reply.statusCode,
          origin: req.headers.origin,
          type: req.headers['content-type'],
          host: req.headers.host,
        });
      });
    },
  };
  const config = defaultConfig({ 'modelServer.storeDir': mkdtempSync(join(tmpdir(), 'pp-browser-csrf-')) });
  const target = await createServer({
    log: silentLogger(),
    components: [recorder, await createModelServerComponent({ config, log: silentLogger() })],
    ...(await webServerOptions(config)),
  });
  const base = await target.listen('127.0.0.1:0');
  const trainUrl = `${base}/api/v1/train?features=cpu_busy_ratio&trainers=linear&name=pwned`;
  const csv = 'cpu_busy_ratio,package_watts\\n0.1,20\\n0.5,40\\n0.9,60\\n';
  const page = `<!doctype html><title>cute cats</title>
<form id="f" method="POST" enctype="text/plain" action="${trainUrl}" target="sink"><input name="cpu_busy_ratio,package_watts&#10;0.1,20&#10;0.9" value="60"></form>
<iframe name="sink"></iframe>
<script>
  fetch(${JSON.stringify(trainUrl)}, { method: 'POST', mode: 'no-cors', body: ${JSON.stringify(csv)} }).finally(() => document.getElementById('f').submit());
</script>`;
  const attacker: Server = createHttpServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(page));
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  const attackerPort = (attacker.address() as { port: number }).port;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--host-resolver-rules=MAP rebind.attacker.test 127.0.0.1'],
  });
  try {
    const tab = await browser.newPage();
    await tab.goto(`http://localhost:${attackerPort}/`); // another origin than the model server's
    const deadline = Date.now() + 60_000;
    while (seen.filter((s) => s.method === 'POST').length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const posts = seen.filter((s) => s.method === 'POST');
    assert.equal(posts.length, 2, JSON.stringify(seen));
    for (const p of posts) {
      assert.equal(p.status, 403, JSON.stringify(p));
      assert.equal(p.origin, `http://localhost:${attackerPort}`);
      assert.match(p.type ?? '', /^text\/plain/);
    }

    const port = new URL(base).port;
    const rebound = await tab.goto(`http://rebind.attacker.test:${port}/api/v1/models`);
    assert.equal(rebound?.status(), 421);
    assert.equal(seen.at(-1)?.host, `rebind.attacker.test:${port}`);

    const jobs = (await (await fetch(`${base}/api/v1/jobs`)).json()) as { jobs: unknown[] };
    assert.deepEqual(jobs.jobs, [], 'nothing was trained');
    const own = await tab.goto(`${base}/api/v1/models`);
    assert.equal(own?.status(), 200, 'the server itself is reachable from the browser by its own address');
  } finally {
    await browser.close();
    attacker.close();
    await target.close();
  }
});
