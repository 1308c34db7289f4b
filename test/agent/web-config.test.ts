/**
 * `powerplane agent --web.config-file`: /metrics over real HTTPS with basic auth, the way a Prometheus
 * scrape config with `scheme: https` and `basic_auth` reaches node_exporter or Kepler.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { spawnPowerplane } from '../helpers/cli.js';
import { makeTestPki } from '../helpers/tls.js';

test('agent serves /metrics over TLS to basic-auth users only', { timeout: 120_000 }, async () => {
  const pki = makeTestPki();
  const file = join(pki.dir, 'web-config.yml');
  writeFileSync(
    file,
    `tls_server_config:\n  cert_file: ${pki.path('server.crt')}\n  key_file: ${pki.path('server.key')}\nbasic_auth_users:\n  prometheus: ${bcrypt.hashSync('scrape-me', 4)}\n`,
  );
  const agent = await spawnPowerplane(
    ['agent', '--meter=fake', '--web.listen-address=127.0.0.1:0', `--web.config-file=${file}`, '--log.level=warn'],
    { ready: /listening on (https:\/\/127\.0\.0\.1:\d+)/ },
  );
  const scrape = (password?: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const u = new URL('/metrics', agent.url);
      const headers: Record<string, string> = password ? { authorization: `Basic ${Buffer.from(`prometheus:${password}`).toString('base64')}` } : {};
      const req = request({ host: u.hostname, port: u.port, path: u.pathname, ca: pki.pem('ca.crt'), headers }, (res) => {
        let body = '';
        res
          .setEncoding('utf8')
          .on('data', (c: string) => (body += c))
          .on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
  try {
    assert.equal((await scrape()).status, 401);
    assert.equal((await scrape('wrong')).status, 401);
    const ok = await scrape('scrape-me');
    assert.equal(ok.status, 200);
    assert.match(ok.body, /^kepler_node_cpu_joules_total\{/m);
  } finally {
    await agent.stop();
  }
});
