// Kepler drop-in: `powerplane agent --config.file` with Kepler 0.11's config file (kube.enabled: true,
// exporter.prometheus.metricsLevel, web.listenAddresses, …) maps containers to pods, and logs one
// notice per Kepler key it reads, where it used to warn "unknown key" and leave pods unmapped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcfsFixture, containerCgroup, fixtureContainerId } from '../helpers/agent/procfs-fixtures.js';
import { freePort, spawnPowerplane } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/shared-data.js';
import { startFakeApiServer } from '../fake-apiserver/index.js';
import type { CapabilitiesView, WorkloadsResponse } from '../../src/core/contracts.js';

const KEPLER_CONFIG = join(REPO_ROOT, 'test', 'fixtures', 'kepler', 'config-0.11.yaml');

test("agent with Kepler 0.11's config file: pods are mapped, each Kepler key is noticed once", { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pp-kepler-config-'));
  const c1 = fixtureContainerId(1);
  const fx = new ProcfsFixture(join(dir, 'proc'))
    .add({ pid: 1, comm: 'init', utime: 1, stime: 1 })
    .add({ pid: 100, comm: 'web', utime: 0, stime: 0, cgroup: containerCgroup(c1, 'containerd') })
    .write();
  const api = await startFakeApiServer();
  api.store.seed({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'test-node' } });
  api.store.seed({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-0', namespace: 'shop' },
    spec: { nodeName: 'test-node', containers: [{ name: 'web', image: 'x' }] },
    status: { phase: 'Running', containerStatuses: [{ name: 'web', containerID: `containerd://${c1}` }] },
  });
  const port = await freePort();
  const agent = await spawnPowerplane(
    [
      'agent',
      '--config.file',
      KEPLER_CONFIG,
      '--meter',
      'fake',
      '--host.procfs',
      fx.root,
      '--host.sysfs',
      join(dir, 'sys'),
      '--web.listen-address',
      `127.0.0.1:${port}`,
      '--kube.config',
      api.kubeconfigPath,
      '--kube.node-name',
      'test-node',
      '--kube.pod-informer.mode',
      'apiserver',
      '--platform.acpi=false',
      '--log.format',
      'json',
    ],
    { ready: /^powerplane agent listening on/m, timeoutMs: 90_000 },
  );
  try {
    const caps = (await (await fetch(`http://127.0.0.1:${port}/api/v1/capabilities`)).json()) as CapabilitiesView;
    assert.equal(caps.kube.enabled, true);
    assert.deepEqual(caps.metricLevels, ['node', 'pod', 'vm', 'container', 'process']);
    let pods: WorkloadsResponse | undefined;
    for (let i = 0; i < 100 && !pods?.items.some((p) => p.name === 'web-0'); i++) {
      fx.advance(100, 10).advanceNode(0, 20).write();
      await new Promise((r) => setTimeout(r, 200));
      pods = (await (await fetch(`http://127.0.0.1:${port}/api/v1/workloads?level=pod`)).json()) as WorkloadsResponse;
    }
    assert.ok(
      pods?.items.some((p) => p.name === 'web-0' && p.namespace === 'shop'),
      JSON.stringify(pods),
    );
    const log = agent.stderr() + agent.stdout();
    for (const key of ['kube.enabled', 'exporter.prometheus.metricsLevel', 'web.listenAddresses', 'cpu.preferredMeters']) {
      assert.equal(log.split(`Kepler key ${key} read as`).length - 1, 1, key);
    }
    assert.doesNotMatch(log, /unknown key/);
  } finally {
    await agent.stop();
    await api.stop();
    fx.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
