import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, defaultConfig, flagForKey } from './config.js';
import { ERR_INVALID_CONFIG, ERR_INVALID_FLAG, ERR_MALFORMED_FILE, ERR_FILE_UNREADABLE } from './errors.js';
import { PACKAGE_ROOT } from './version.js';

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
  assert.throws(
    () => loadConfig({ file: p }),
    (e) => ERR_INVALID_CONFIG.is(e) && e.details.key === 'monitor.interval' && e.details.path === p && e.exitCode === 2,
  );
});

test('an invalid flag names the flag', () => {
  assert.throws(
    () => loadConfig({ flags: { metrics: 'node,bogus' } }),
    (e) => ERR_INVALID_FLAG.is(e) && e.details.flag === '--metrics' && /bogus/.test(e.message),
  );
  assert.throws(
    () => loadConfig({ flags: { 'monitor.maxTerminated': '-1' } }),
    (e) => ERR_INVALID_FLAG.is(e) && e.details.flag === '--monitor.max-terminated',
  );
  assert.throws(
    () => loadConfig({ flags: { 'log.level': 'loud' } }),
    (e) => ERR_INVALID_FLAG.is(e),
  );
});

test('a malformed YAML file is reported with path and line', () => {
  const p = file('c.yaml', 'monitor:\n  interval: 5s\n bad: [\n');
  assert.throws(
    () => loadConfig({ file: p }),
    (e) => ERR_MALFORMED_FILE.is(e) && e.details.path === p && typeof e.details.line === 'number',
  );
  assert.throws(
    () => loadConfig({ file: join(tmp, 'missing.yaml') }),
    (e) => ERR_FILE_UNREADABLE.is(e),
  );
});

test('flag names are the dotted keys in kebab case', () => {
  assert.equal(flagForKey('web.listenAddress'), '--web.listen-address');
  assert.equal(flagForKey('kube.podInformer.mode'), '--kube.pod-informer.mode');
});

test('an invalid file value names the file, its line and the key', () => {
  const p = file('line.yaml', 'log:\n  level: info\nmonitor:\n  staleness: 1s\n  interval: 10ms\n');
  assert.throws(
    () => loadConfig({ file: p }),
    (e) =>
      ERR_INVALID_CONFIG.is(e) &&
      e.details.line === 5 &&
      e.details.key === 'monitor.interval' &&
      e.message.startsWith(`config ${p}:5: key monitor.interval: must be at least 100ms`),
  );
});

test('repeated list flags accumulate and take comma lists; a repeated scalar flag keeps the last value', () => {
  const { config } = loadConfig({
    flags: {
      metrics: ['node', 'pod'],
      meter: ['rapl,hwmon', 'fake'],
      'web.listenAddress': ['127.0.0.1:1', '127.0.0.1:2'],
      'log.level': ['info', 'debug'],
    },
  });
  assert.deepEqual(config.metrics, ['node', 'pod']);
  assert.deepEqual(config.meter, ['rapl', 'hwmon', 'fake']);
  assert.deepEqual(config.web.listenAddress, ['127.0.0.1:1', '127.0.0.1:2']);
  assert.equal(config.log.level, 'debug');
  assert.throws(
    () => loadConfig({ flags: { metrics: ['node', 'bogus'] } }),
    (e) => ERR_INVALID_FLAG.is(e) && e.details.flag === '--metrics',
  );
});

test("Kepler 0.11's sample config loads: pod mapping on, every alias noticed once, nothing unknown", () => {
  const kepler = join(PACKAGE_ROOT, 'test', 'fixtures', 'kepler', 'config-0.11.yaml');
  const { config, warnings, notices } = loadConfig({ file: kepler });
  assert.deepEqual(warnings, []);
  assert.equal(config.kube.enable, true);
  assert.equal(config.kube.podInformer.mode, 'kubelet');
  assert.deepEqual(config.metrics, ['node', 'pod', 'vm', 'container', 'process']);
  assert.deepEqual(config.meter, ['rapl', 'hwmon']);
  assert.deepEqual(config.web.listenAddress, [':28282']);
  assert.equal(config.gpu.enable, false);
  assert.equal(config.monitor.staleness, 1000);
  assert.equal(config.log.format, 'text');
  assert.equal(config.host.procfs, '/host/proc');
  for (const alias of [
    'kube.enabled',
    'exporter.prometheus.metricsLevel',
    'cpu.preferredMeters',
    'web.listenAddresses',
    'experimental.gpu.enabled',
  ]) {
    assert.equal(notices.filter((n) => n.includes(`Kepler key ${alias} read as`)).length, 1, alias);
  }
  assert.ok(notices.some((n) => /rapl\.zones: empty/.test(n)));
  assert.ok(notices.every((n) => n.startsWith(`config ${kepler}: Kepler key `)));
});

test('Kepler settings powerplane cannot honour are refused with the reason, file, line and key', () => {
  const p = file('kepler-zones.yaml', 'kube:\n  enabled: true\nrapl:\n  zones: [package]\n');
  assert.throws(
    () => loadConfig({ file: p }),
    (e) =>
      ERR_INVALID_CONFIG.is(e) &&
      e.details.key === 'rapl.zones' &&
      e.details.line === 4 &&
      /not supported: powerplane meters every RAPL zone/.test(e.message),
  );
  const q = file('kepler-stdout.yaml', 'exporter:\n  stdout:\n    enabled: true\n');
  assert.throws(
    () => loadConfig({ file: q }),
    (e) => ERR_INVALID_CONFIG.is(e) && e.details.key === 'exporter.stdout.enabled',
  );
  const r = file('kepler-fake.yaml', 'dev:\n  fake-cpu-meter:\n    enabled: true\n');
  assert.deepEqual(loadConfig({ file: r }).config.meter, ['fake']);
  const s = file('kepler-both.yaml', 'kube:\n  enable: false\n  enabled: true\n');
  assert.throws(
    () => loadConfig({ file: s }),
    (e) => ERR_INVALID_CONFIG.is(e) && e.details.key === 'kube.enabled' && /kube.enable/.test(e.message),
  );
});
