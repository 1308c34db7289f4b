/**
 * A taken listen address: every server command exits 1 with one line naming the address and the flag
 * that changes it (and, for `up`, how to pass it through `npm start`), never a stack trace.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPowerplane } from '../helpers/cli.js';
import { startFakeKube } from '../helpers/kube.js';

const WAO_KIND = fileURLToPath(new URL('../estimator/fixtures/wao-kind.yaml', import.meta.url));

test('up, agent, model-server and estimator: a taken port is one line naming the address and --web.listen-address', {
  timeout: 180_000,
}, async () => {
  const taken: Server = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const port = (taken.address() as { port: number }).port;
  const address = `127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), 'pp-port-'));
  try {
    const commands: Array<[string[], string]> = [
      [['up', `--model-server.store-dir=${join(dir, 'up')}`], ` (with npm: npm start -- --web.listen-address=127.0.0.1:${port + 1})`],
      [['agent', '--meter=fake'], ''],
      [['model-server', `--model-server.store-dir=${join(dir, 'ms')}`], ''],
      [['estimator', `--config=${WAO_KIND}`], ''],
    ];
    for (const [args, hint] of commands) {
      const r = await runPowerplane([...args, `--web.listen-address=${address}`, '--log.level=silent']);
      assert.equal(r.code, 1, `${args[0]}: ${r.stderr}`);
      assert.equal(
        r.stderr,
        `error: ${address} is already in use: stop the other process or choose another address with --web.listen-address=HOST:PORT${hint}\n`,
        args[0],
      );
    }
  } finally {
    taken.close();
  }
});

test('operator: a taken health or webhook port is one line naming the address and its flag', { timeout: 120_000 }, async () => {
  const taken: Server = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const address = `127.0.0.1:${(taken.address() as { port: number }).port}`;
  const { api } = await startFakeKube({ crds: true, seed: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'powerplane-system' } }] });
  try {
    const base = ['operator', '--kubeconfig', api.kubeconfigPath, '--namespace', 'powerplane-system', '--log.level=silent'];
    const health = await runPowerplane([...base, '--health.listen-address', address]);
    assert.equal(health.code, 1, health.stderr);
    assert.equal(
      health.stderr,
      `error: ${address} is already in use: stop the other process or choose another address with --health.listen-address=HOST:PORT\n`,
    );
    const webhook = await runPowerplane([
      ...base,
      '--health.listen-address',
      '127.0.0.1:0',
      '--webhook.listen-address',
      address,
      '--webhook-url',
      `https://${address}`,
    ]);
    assert.equal(webhook.code, 1, webhook.stderr);
    assert.equal(
      webhook.stderr,
      `error: ${address} is already in use: stop the other process or choose another address with --webhook.listen-address=HOST:PORT\n`,
    );
  } finally {
    taken.close();
    await api.stop();
  }
});
