import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { stringify } from 'yaml';
import { buildPrometheusRule } from '../../src/operator/components/monitoring.js';
import { resolveSpec } from '../../src/operator/components/spec.js';
import { loadRuleGroups } from '../../src/operator/components/rule-files.js';

test('the PrometheusRule carries the shipped rules file, and its rules pass promtool check rules', () => {
  const rule = buildPrometheusRule(resolveSpec({}));
  const dir = mkdtempSync(join(tmpdir(), 'pp-rules-'));
  try {
    const file = join(dir, 'rules.yaml');
    writeFileSync(file, stringify(rule.spec));
    const r = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const shipped = loadRuleGroups();
    const count = shipped.reduce((n, g) => n + g.rules.length, 0);
    assert.ok(count >= 10, `the shipped rules file has ${count} rules`);
    assert.deepEqual(rule.spec, { groups: shipped });
    assert.match(r.stdout, new RegExp(`SUCCESS: ${count} rules found`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a malformed rules file is reported with its path; a missing one gives no groups', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pp-rules-'));
  try {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'groups: {name: x}\n');
    assert.throws(
      () => loadRuleGroups(bad),
      (e: Error & { details?: { path?: string } }) => e.details?.path === bad,
    );
    assert.deepEqual(loadRuleGroups(join(dir, 'missing.yaml')), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
