import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { stringify } from 'yaml';
import { buildPrometheusRule } from '../../src/operator/components/monitoring.js';
import { resolveSpec } from '../../src/operator/components/spec.js';

test('the PrometheusRule recording rules pass promtool check rules', () => {
  const rule = buildPrometheusRule(resolveSpec({}));
  const dir = mkdtempSync(join(tmpdir(), 'pp-rules-'));
  try {
    const file = join(dir, 'rules.yaml');
    writeFileSync(file, stringify(rule.spec));
    const r = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /SUCCESS: 5 rules found/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
