// `powerplane agent --config.file F`: changing F while the agent runs (as the kubelet updates a
// ConfigMap volume: a new file renamed into place) changes the exported levels without a restart;
// an invalid file changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcfsFixture } from '../helpers/agent/procfs-fixtures.js';
import { freePort, spawnPowerplane } from '../helpers/cli.js';
import type { CapabilitiesView } from '../../src/core/contracts.js';

function replaceFile(path: string, text: string): void {
  writeFileSync(path + '.new', text);
  renameSync(path + '.new', path);
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    assert.ok(Date.now() < end, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('the agent re-reads its config file: levels change live; a bad file is ignored', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pp-reload-'));
  const fx = new ProcfsFixture(join(dir, 'proc')).add({ pid: 1, comm: 'init', utime: 1, stime: 1 }).write();
  const file = join(dir, 'config.yaml');
  writeFileSync(file, 'metrics: [node, container]\nmeter: [fake]\ngpu: {enable: false}\nplatform: {acpi: false}\n');
  const port = await freePort();
  const child = await spawnPowerplane([
    'agent',
    '--config.file',
    file,
    '--host.procfs',
    fx.root,
    '--host.sysfs',
    join(dir, 'sys'),
    '--web.listen-address',
    `127.0.0.1:${port}`,
    '--log.format',
    'json',
  ]);
  const stderr = () => child.stderr().slice(-4000);
  try {
    const caps = async () => (await (await fetch(`http://127.0.0.1:${port}/api/v1/capabilities`)).json()) as CapabilitiesView;
    await until('the agent', async () => ((await caps()).metricLevels.length > 0 ? true : undefined), 90_000);
    assert.deepEqual((await caps()).metricLevels, ['node', 'container']);
    replaceFile(file, 'metrics: [node, process]\nmeter: [fake]\ngpu: {enable: false}\nplatform: {acpi: false}\nmonitor: {interval: 1s}\n');
    await until('the reload', async () => ((await caps()).metricLevels.join() === 'node,process' ? true : undefined));
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    assert.match(text, /kepler_process_cpu_joules_total\{/);
    assert.doesNotMatch(text, /kepler_container_cpu_joules_total/);
    await until('the restart warning', async () => (/need a restart/.test(stderr()) && /monitor\.interval/.test(stderr()) ? true : undefined));
    replaceFile(file, 'metrics: [node, nonsense]\n');
    await until('the rejection', async () => (/config reload failed/.test(stderr()) ? true : undefined));
    assert.deepEqual((await caps()).metricLevels, ['node', 'process'], 'an invalid file changes nothing');
  } finally {
    await child.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
