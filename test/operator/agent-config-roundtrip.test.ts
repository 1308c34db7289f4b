/**
 * Round trip of every agent key: a PowerMonitor setting it in `spec.agent.config` (a generated value,
 * not the default) is admitted by the webhook's checks, stored through the CRD schema by the fake API
 * server (nothing pruned), turned by the operator into the agent ConfigMap, and loaded by the agent's
 * config loader with the same value. Keys the operator owns are checked to be refused instead.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keysMatching } from '../../src/core/config-keys.js';
import { generatedValue, nestKeys } from '../helpers/config-values.js';
import { loadConfig } from '../../src/core/config.js';
import { AGENT_CONFIG_KEYS } from '../../src/agent/command.js';
import { agentConfigKeys, OPERATOR_KEYS } from '../../src/api/v1alpha1/powermonitor.js';
import { validatePowerMonitor } from '../../src/operator/webhook/admission.js';
import { startHarness, createPowerMonitor } from './harness.js';

const valueAt = (cfg: unknown, key: string) => key.split('.').reduce<unknown>((v, p) => (v as Record<string, unknown> | undefined)?.[p], cfg);

test('every agent key set in spec.agent.config reaches the loaded agent config with its value', async () => {
  const keys = keysMatching(AGENT_CONFIG_KEYS).filter((k) => !(k.key in OPERATOR_KEYS));
  assert.deepEqual(
    keys.map((k) => k.key),
    agentConfigKeys(),
    "spec.agent.config takes exactly the agent command's keys, less those the operator sets",
  );
  assert.ok(keys.length > 30, `${keys.length} keys`);
  const values = keys.map((k, i) => ({ key: k.key, ...generatedValue(k, i) }));
  const config = nestKeys(values.map((v) => [v.key, v.file]));
  const admitted = validatePowerMonitor({
    uid: 'u',
    operation: 'CREATE',
    name: 'powerplane',
    object: { spec: { agent: { config } } },
    userInfo: { username: 'u', extra: {} },
  });
  assert.equal(admitted.response.allowed, true, admitted.response.status?.message);

  const h = await startHarness();
  const dir = mkdtempSync(join(tmpdir(), 'pp-roundtrip-'));
  try {
    await createPowerMonitor(h.kube, 'powerplane', { agent: { config } });
    const stored = h.api.store.get('powerplane.io/v1alpha1', 'PowerMonitor', 'powerplane')!;
    assert.deepEqual((stored.spec as { agent: { config: unknown } }).agent.config, config, 'the CRD schema keeps every key');
    await h.settle();
    const cm = h.api.store.get('v1', 'ConfigMap', 'powerplane-agent-config', 'powerplane')!;
    const file = join(dir, 'config.yaml');
    writeFileSync(file, (cm.data as Record<string, string>)['config.yaml']);
    const { config: loaded, warnings } = loadConfig({ file });
    assert.deepEqual(warnings, []);
    for (const v of values) assert.deepEqual(valueAt(loaded, v.key), v.loaded, v.key);
  } finally {
    await h.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the CRD schema refuses a wrong type in spec.agent.config, naming the field', async () => {
  const h = await startHarness({ start: false });
  try {
    await assert.rejects(createPowerMonitor(h.kube, 'powerplane', { agent: { config: { monitor: { maxTerminated: 'many' } } } }), (e: Error) =>
      /spec\.agent\.config\.monitor\.maxTerminated/.test(e.message),
    );
    await assert.rejects(createPowerMonitor(h.kube, 'powerplane', { agent: { config: { gpu: { source: 'dcgm' } } } }), (e: Error) =>
      /spec\.agent\.config\.gpu\.source/.test(e.message),
    );
  } finally {
    await h.stop();
  }
});
