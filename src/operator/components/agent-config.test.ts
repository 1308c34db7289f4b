import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keySpec, reloadClass } from '../../core/config-keys.js';
import { agentConfigKeys, AGENT_FIELD_KEYS } from '../../api/v1alpha1/powermonitor.js';
import { generatedValue, nestKeys } from '../../../test/helpers/config-values.js';
import { agentConfig, restartHash } from './agent-config.js';
import { buildAgentDaemonSet, CONFIG_HASH_ANNOTATION } from './agent.js';
import { resolveSpec } from './spec.js';

const podHash = (spec: object) =>
  (buildAgentDaemonSet(resolveSpec(spec), 'img').spec as any).template.metadata.annotations[CONFIG_HASH_ANNOTATION] as string;

test('the pod-template hash changes for exactly the restart keys of the schema, one key at a time', () => {
  const base = podHash({});
  const keys = agentConfigKeys();
  const moved: string[] = [];
  keys.forEach((key, i) => {
    const v = generatedValue(keySpec(key)!, i);
    if (podHash({ agent: { config: nestKeys([[key, v.file]]) } }) !== base) moved.push(key);
  });
  assert.deepEqual(
    moved,
    keys.filter((k) => reloadClass(k) === 'restart'),
  );
  assert.ok(moved.length > 0 && moved.length < keys.length);
  // kube.podInformer.mode is hot for the agent, so the operator no longer rolls the pods for it
  assert.equal(reloadClass('kube.podInformer.mode'), 'hot');
  assert.equal(podHash({ agent: { podSource: 'apiserver' } }), base);
  assert.notEqual(podHash({ agent: { interval: '7s' } }), base);
});

test('order: structured fields, then spec.agent.config over them, then the keys the operator sets', () => {
  const cfg = agentConfig(
    resolveSpec({
      agent: { interval: '3s', port: 9100, config: { monitor: { interval: '4s', staleness: '1s' } } },
      export: { idlePolicy: 'cpu-share' },
    }),
  );
  assert.equal(cfg.monitor?.interval, 4000, 'spec.agent.config wins over agent.interval');
  assert.equal(cfg.monitor?.staleness, 1000);
  assert.equal(cfg.attribution?.idlePolicy, 'cpu-share');
  assert.deepEqual(cfg.web?.listenAddress, ['0.0.0.0:9100']);
  assert.equal(cfg.host?.sysfs, '/host/sys');
  assert.equal(cfg.kube?.nodeSettings, undefined);
  const withNodes = agentConfig(resolveSpec({ agent: { nodeSettingsSecretRef: { name: 'bmc' } } }), { nodeSettingsNamespace: 'powerplane-system' });
  assert.deepEqual(withNodes.kube?.nodeSettings, { namespace: 'powerplane-system', dir: '/run/powerplane' });
});

test('every structured field sets its key, with the default of the CRD', () => {
  const cfg = agentConfig(resolveSpec({}));
  const at = (key: string) => key.split('.').reduce<unknown>((v, p) => (v as Record<string, unknown> | undefined)?.[p], cfg);
  for (const key of Object.values(AGENT_FIELD_KEYS)) assert.notEqual(at(key), undefined, key);
  assert.equal(restartHash(cfg), restartHash(agentConfig(resolveSpec({}))), 'stable');
});
