// Kepler drop-in flags on the real command: `--metrics node --metrics pod` accumulates (both levels
// exported, node series included) and a repeated `--web.listen-address` serves on every address.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcfsFixture } from '../helpers/agent/procfs-fixtures.js';
import { freePort, spawnPowerplane } from '../helpers/cli.js';
import type { CapabilitiesView } from '../../src/core/contracts.js';

test('agent: repeated --metrics accumulate and every --web.listen-address serves', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pp-kepler-flags-'));
  const fx = new ProcfsFixture(join(dir, 'proc')).add({ pid: 1, comm: 'init', utime: 1, stime: 1 }).write();
  const args = [
    'agent',
    '--meter',
    'fake',
    '--metrics',
    'node',
    '--metrics',
    'pod',
    '--gpu.enable=false',
    '--platform.acpi=false',
    '--host.procfs',
    fx.root,
    '--host.sysfs',
    join(dir, 'sys'),
  ];
  const ports = [await freePort(), await freePort()];
  const agent = await spawnPowerplane(
    [...args, '--web.listen-address', `127.0.0.1:${ports[0]}`, `--web.listen-address=127.0.0.1:${ports[1]}`, '--log.level', 'warn'],
    {
      ready: /^powerplane agent listening on (\S+, \S+) \(metrics at/m,
      timeoutMs: 90_000,
    },
  );
  try {
    const urls = agent.url.split(', ');
    assert.deepEqual(
      urls,
      ports.map((p) => `http://127.0.0.1:${p}`),
    );
    for (const url of urls) {
      const caps = (await (await fetch(`${url}/api/v1/capabilities`)).json()) as CapabilitiesView;
      assert.deepEqual(caps.metricLevels, ['node', 'pod']);
      const metrics = await (await fetch(`${url}/metrics`)).text();
      assert.match(metrics, /^kepler_node_cpu_usage_ratio\{/m, url);
      assert.doesNotMatch(metrics, /^kepler_container_/m, url);
    }
  } finally {
    await agent.stop();
    fx.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
