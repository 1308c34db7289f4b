import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from 'typebox/value';
import {
  CONFIG_KEYS,
  ConfigSchema,
  KEPLER_ALIASES,
  KEPLER_KEYS,
  KEY_META,
  configFileValues,
  configJsonSchema,
  flagForKey,
  isPartialConfig,
  keyMinimum,
  keySpec,
  keysByReload,
  keysMatching,
  partialConfigProblems,
  reloadClass,
  valuesOfClass,
  type DeepPartial,
  type JsonSchemaNode,
  type PowerplaneConfig,
} from './config-keys.js';
import { configInputProblems, defaultConfig, loadConfig } from './config.js';
import { parseDuration } from './duration.js';
import { toCrdSchema } from '../operator/api/crd-schema.js';

test('every key is exactly one of hot or restart, and the two classes partition the keys', () => {
  const hot = keysByReload('hot');
  const restart = keysByReload('restart');
  for (const k of CONFIG_KEYS) assert.ok(k.reload === 'hot' || k.reload === 'restart', k.key);
  assert.equal(hot.length + restart.length, CONFIG_KEYS.length);
  assert.deepEqual(
    hot.filter((k) => restart.includes(k)),
    [],
  );
  assert.equal(reloadClass('kube.podInformer.mode'), 'hot');
  assert.equal(reloadClass('monitor.interval'), 'restart');
  assert.throws(() => reloadClass('nope'), /unknown config key/);
});

test('keys, flags and Kepler aliases are unique; flags are the dotted keys in kebab case', () => {
  const keys = CONFIG_KEYS.map((k) => k.key);
  assert.equal(new Set(keys).size, keys.length);
  assert.equal(new Set(CONFIG_KEYS.map((k) => k.flag)).size, keys.length);
  for (const k of CONFIG_KEYS) assert.equal(k.flag, flagForKey(k.key));
  const aliases = CONFIG_KEYS.flatMap((k) => k.kepler);
  assert.equal(new Set(aliases).size, aliases.length);
  for (const a of aliases) assert.ok(!keySpec(a) && !(a in KEPLER_KEYS), `${a} is an alias and something else`);
  assert.equal(KEPLER_ALIASES.get('kube.enabled'), 'kube.enable');
  assert.deepEqual(
    keysMatching(['kube.podInformer.', 'meter']).map((k) => k.key),
    ['kube.podInformer.mode', 'meter'],
  );
});

test('the defaults form a config the schema accepts, and every leaf has help text and a default', () => {
  const cfg = defaultConfig();
  assert.ok(Value.Check(ConfigSchema, cfg), JSON.stringify([...Value.Errors(ConfigSchema, cfg)].slice(0, 3)));
  for (const k of CONFIG_KEYS) {
    assert.ok(k.description.length > 5, k.key);
    assert.notEqual(k.default, undefined, k.key);
  }
  assert.equal(keyMinimum('monitor.interval'), 100);
  assert.equal(keySpec('monitor.interval')!.type, 'duration');
  assert.deepEqual(keySpec('meter')!.items, ['rapl', 'hwmon', 'model', 'fake', 'gpu']);
});

/** Walks a JSON-Schema node, calling `visit` with each node and its path. */
function walk(node: JsonSchemaNode, path: string, visit: (n: JsonSchemaNode, path: string) => void): void {
  visit(node, path);
  for (const [name, child] of Object.entries((node.properties ?? {}) as Record<string, JsonSchemaNode>)) walk(child, `${path}.${name}`, visit);
  if (node.items) walk(node.items as JsonSchemaNode, `${path}[]`, visit);
}

test('configJsonSchema is structural (typed nodes, no $ref, no required, no metadata) and passes the CRD converter unchanged', () => {
  const whole = configJsonSchema();
  walk(whole, '$', (n, path) => {
    assert.ok(['object', 'array', 'string', 'integer', 'number', 'boolean'].includes(n.type as string), `${path} has type ${String(n.type)}`);
    for (const bad of ['$ref', 'required', 'anyOf', 'patternProperties', KEY_META, 'additionalProperties'])
      assert.ok(!(bad in n), `${path} has ${bad}`);
  });
  assert.deepEqual(toCrdSchema(whole), whole);
  const leaves: string[] = [];
  walk(whole, '', (n, path) => void (n.type !== 'object' && !path.endsWith('[]') && leaves.push(path.slice(1))));
  assert.deepEqual(
    leaves,
    CONFIG_KEYS.map((k) => k.key),
  );
});

test('configJsonSchema of a sub-tree: durations are pattern-checked strings, defaults only on request', () => {
  const monitor = configJsonSchema('monitor');
  const interval = (monitor.properties as Record<string, JsonSchemaNode>).interval;
  assert.equal(interval.type, 'string');
  const re = new RegExp(interval.pattern as string);
  assert.ok(re.test('5s') && re.test('1h30m') && re.test('1d'));
  assert.ok(!re.test('50ms') && !re.test('soon') && !re.test('5'));
  assert.equal(interval.default, undefined);
  assert.equal((configJsonSchema('monitor', { defaults: true }).properties as Record<string, JsonSchemaNode>).interval.default, '5s');
  const redfish = configJsonSchema('platform.redfish');
  assert.deepEqual(Object.keys(redfish.properties as object), ['endpoint', 'username', 'passwordFile', 'insecureSkipVerify']);
  const metrics = configJsonSchema('metrics');
  assert.deepEqual(metrics.items, { type: 'string', enum: ['node', 'process', 'container', 'vm', 'pod'] });
  assert.match(String(metrics.description), /\(--metrics\)$/);
  assert.throws(() => configJsonSchema('platform.nope'), /no config key or section platform.nope/);
});

test('partial configurations: typed values pass, unknown keys and refused values name the key', () => {
  const ok: DeepPartial<PowerplaneConfig> = {
    monitor: { interval: 2000 },
    platform: { redfish: { endpoint: 'https://bmc' } },
    metrics: ['node', 'pod'],
  };
  assert.ok(isPartialConfig(ok));
  assert.deepEqual(
    partialConfigProblems({ monitor: { interval: 50, bogus: 1 }, metrics: ['node', 'nope'], kube: 3 }).map((p) => p.key),
    ['monitor.interval', 'monitor.bogus', 'metrics.1', 'kube'],
  );
  assert.ok(!isPartialConfig('x'));
});

test('configFileValues writes durations as strings the loader reads back to the same values', () => {
  const partial: DeepPartial<PowerplaneConfig> = {
    monitor: { interval: 90_000, maxTerminated: 7 },
    web: { requestTimeout: 1500 },
    kube: { enable: true },
  };
  const file = configFileValues(partial);
  assert.deepEqual(file, { monitor: { interval: '1m30s', maxTerminated: 7 }, web: { requestTimeout: '1s500ms' }, kube: { enable: true } });
  assert.deepEqual(configInputProblems(file), []);
  assert.equal(parseDuration((file.monitor as { interval: string }).interval), 90_000);
});

test('configInputProblems checks file-form input as the loader does, Kepler keys included', () => {
  assert.deepEqual(configInputProblems({ monitor: { interval: '5s' }, kube: { enabled: true } }), []);
  const problems = configInputProblems({ monitor: { interval: '10ms' }, rapl: { zones: ['package'] }, nope: 1 });
  assert.deepEqual(
    problems.map((p) => p.key),
    ['monitor.interval', 'rapl.zones', 'nope'],
  );
  assert.match(problems[1].message, /not supported: powerplane meters every RAPL zone/);
  assert.deepEqual(configInputProblems([1]), [{ key: '(root)', message: 'must be a mapping' }]);
});

test('every Kepler rule answers for an empty value without throwing, and loadConfig applies flag-free defaults', () => {
  for (const [key, rule] of Object.entries(KEPLER_KEYS)) {
    const r = rule(undefined);
    assert.ok('note' in r || 'refuse' in r, key);
  }
  assert.equal(loadConfig().config.monitor.interval, 5000);
});

test('valuesOfClass splits a partial config by reload class (the operator hashes the restart part)', () => {
  const partial: DeepPartial<PowerplaneConfig> = {
    monitor: { interval: 1000, maxTerminated: 5 },
    kube: { podInformer: { mode: 'apiserver' }, nodeName: 'n' },
    meter: ['fake'],
    metrics: ['node'],
  };
  assert.deepEqual(valuesOfClass(partial, 'restart'), { monitor: { interval: 1000 }, kube: { nodeName: 'n' }, meter: ['fake'] });
  assert.deepEqual(valuesOfClass(partial, 'hot'), { monitor: { maxTerminated: 5 }, kube: { podInformer: { mode: 'apiserver' } }, metrics: ['node'] });
});
