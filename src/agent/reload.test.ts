import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffConfig, applyConfig, HOT_UPDATES } from './reload.js';
import { CONFIG_KEYS, keysByReload } from '../core/config-keys.js';
import { Agent } from './agent.js';
import { ScriptedMeter } from '../../test/helpers/agent/test-meter.js';
import { ProcScanner } from './procfs/scanner.js';
import { ProcfsFixture } from '../../test/helpers/agent/procfs-fixtures.js';
import { defaultConfig } from '../core/config.js';
import { silentLogger } from '../core/logger.js';

test('diffConfig splits changed keys into live and restart-needing ones, ignoring other components', () => {
  const a = defaultConfig();
  const b = defaultConfig({
    metrics: ['node', 'process'],
    meter: ['fake'],
    'gpu.enable': false,
    'monitor.interval': 1000,
    'dashboard.historyLength': 50,
  });
  assert.deepEqual(diffConfig(a, b), { hot: ['metrics', 'gpu.enable'], restart: ['monitor.interval', 'meter'] });
  assert.deepEqual(diffConfig(a, defaultConfig()), { hot: [], restart: [] });
});

test('applyConfig changes levels, idle policy, terminated limits and the GPU meter of a running agent', async () => {
  const fx = new ProcfsFixture().add({ pid: 1, comm: 'a', utime: 0, stime: 0 }).write();
  const zones = [{ zone: 'package', path: 'p', nested: false }];
  const prev = defaultConfig({ 'gpu.enable': false });
  const agent = new Agent({
    nodeName: 'n',
    version: { version: '0', commit: 'x' },
    selection: { meter: new ScriptedMeter(zones, [1_000_000]), tried: [] },
    platform: {},
    gpu: { enabled: false },
    kubeEnabled: false,
    scanner: new ProcScanner(fx.root, { readExe: false }),
    clockTicks: 100,
    cpus: 1,
    cpuInfo: [],
    levels: prev.metrics,
    idlePolicy: 'none',
    maxTerminated: 500,
    minTerminatedEnergyThreshold: 10,
    intervalMs: 3_600_000,
    stalenessMs: 0,
    fallbackCurve: { idleWatts: 1, maxWatts: 2, name: 'c' },
    log: silentLogger(),
  });
  try {
    await agent.monitor.refresh();
    fx.advance(1, 10).write();
    let text = await agent.metricsText();
    assert.doesNotMatch(text, /kepler_process_cpu_joules_total|powerplane_process_idle/);
    const next = defaultConfig({
      metrics: ['node', 'process'],
      'attribution.idlePolicy': 'cpu-share',
      'gpu.enable': true,
      'gpu.source': 'nvidia-smi',
      'gpu.nvidiaSmiPath': '/nonexistent/nvidia-smi',
      'monitor.interval': 1000,
    });
    const d = await applyConfig(agent, prev, next, 'n', silentLogger());
    assert.deepEqual(d.restart, ['monitor.interval']);
    fx.advance(1, 10).advanceNode(0, 10).write();
    text = await agent.metricsText();
    assert.match(text, /kepler_process_cpu_joules_total\{/);
    assert.match(text, /powerplane_process_idle_joules_total\{/);
    assert.doesNotMatch(text, /kepler_container_cpu_joules_total/);
    const caps = agent.capabilities();
    assert.deepEqual(caps.metricLevels, ['node', 'process']);
    assert.equal(caps.metrics.gpu, 'unavailable', 'enabled now, but no nvidia-smi');
    assert.match(caps.gpus.reason ?? '', /nvidia-smi not found/);
  } finally {
    await agent.stop();
    fx.dispose();
  }
});

test('reload and the schema agree: every hot key has exactly one live update, no restart key has one, and diffConfig classes by the schema', () => {
  const covers = (key: string) => HOT_UPDATES.filter((h) => h.keys.some((k) => (k.endsWith('.') ? key.startsWith(k) : key === k)));
  for (const key of keysByReload('hot')) assert.equal(covers(key).length, 1, `hot key ${key}`);
  for (const key of keysByReload('restart')) assert.equal(covers(key).length, 0, `restart key ${key}`);
  for (const h of HOT_UPDATES)
    for (const k of h.keys)
      assert.ok(
        CONFIG_KEYS.some((c) => (k.endsWith('.') ? c.key.startsWith(k) : c.key === k)),
        `${k} names no key`,
      );
  const prev = defaultConfig();
  const next = defaultConfig({
    'kube.podInformer.mode': 'apiserver',
    'kube.nodeName': 'other',
    'platform.redfish.endpoint': 'https://bmc',
    'web.listenAddress': ['127.0.0.1:1', '127.0.0.1:2'],
  });
  assert.deepEqual(diffConfig(prev, next), {
    hot: ['kube.podInformer.mode', 'platform.redfish.endpoint'],
    restart: ['web.listenAddress', 'kube.nodeName'],
  });
});
