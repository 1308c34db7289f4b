import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, defaultConfig, flagForKey } from './config.js';
import { ERR_INVALID_CONFIG, ERR_INVALID_FLAG, ERR_MALFORMED_FILE, ERR_FILE_UNREADABLE } from './errors.js';

const tmp = mkdtempSync(join(tmpdir(), 'pp-config-'));
const file = (name: string, text: string) => {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
};

test('defaults follow the Kepler exporter', () => {
  const c = defaultConfig();
  assert.equal(c.host.sysfs, '/sys');
  assert.equal(c.host.procfs, '/proc');
  assert.equal(c.monitor.interval, 5000);
  assert.equal(c.monitor.staleness, 500);
  assert.deepEqual(c.metrics, ['node', 'container', 'pod', 'vm']);
  assert.deepEqual(c.meter, ['rapl', 'hwmon', 'model']);
});

test('file values apply, flags override them, unknown keys warn', () => {
  const p = file('a.yaml', 'monitor:\n  interval: 10s\n  bogus: 1\nkube:\n  enable: true\nmetrics: [node, process]\nfoo: bar\n');
  const { config, warnings } = loadConfig({ file: p, flags: { 'monitor.interval': '2s', 'host.procfs': '/x/proc' } });
  assert.equal(config.monitor.interval, 2000);
  assert.equal(config.kube.enable, true);
  assert.deepEqual(config.metrics, ['node', 'process']);
  assert.equal(config.host.procfs, '/x/proc');
  assert.equal(warnings.length, 2);
  assert.match(warnings.join('\n'), /monitor\.bogus/);
  assert.match(warnings.join('\n'), /\bfoo\b/);
});

test('an invalid file value names the key and the file', () => {
  const p = file('b.yaml', 'monitor:\n  interval: soon\n');
  assert.throws(() => loadConfig({ file: p }), (e) => ERR_INVALID_CONFIG.is(e) && e.details.key === 'monitor.interval' && e.details.path === p && e.exitCode === 2);
});

test('an invalid flag names the flag', () => {
  assert.throws(() => loadConfig({ flags: { metrics: 'node,bogus' } }), (e) => ERR_INVALID_FLAG.is(e) && e.details.flag === '--metrics' && /bogus/.test(e.message));
  assert.throws(() => loadConfig({ flags: { 'monitor.maxTerminated': '-1' } }), (e) => ERR_INVALID_FLAG.is(e) && e.details.flag === '--monitor.max-terminated');
  assert.throws(() => loadConfig({ flags: { 'log.level': 'loud' } }), (e) => ERR_INVALID_FLAG.is(e));
});

test('a malformed YAML file is reported with path and line', () => {
  const p = file('c.yaml', 'monitor:\n  interval: 5s\n bad: [\n');
  assert.throws(() => loadConfig({ file: p }), (e) => ERR_MALFORMED_FILE.is(e) && e.details.path === p && typeof e.details.line === 'number');
  assert.throws(() => loadConfig({ file: join(tmp, 'missing.yaml') }), (e) => ERR_FILE_UNREADABLE.is(e));
});

test('flag names are the dotted keys in kebab case', () => {
  assert.equal(flagForKey('web.listenAddress'), '--web.listen-address');
  assert.equal(flagForKey('kube.podInformer.mode'), '--kube.pod-informer.mode');
});
