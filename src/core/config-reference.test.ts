import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configReferenceMarkdown, spliceReference, REFERENCE_BEGIN } from './config-reference.js';
import { CONFIG_KEYS, keysMatching } from './config-keys.js';
import { PACKAGE_ROOT } from './version.js';
import { AGENT_CONFIG_KEYS } from '../agent/command.js';

test('docs/configuration.md holds the reference generated from the key table (regenerate: npm run generate)', () => {
  const file = join(PACKAGE_ROOT, 'docs', 'configuration.md');
  const onDisk = readFileSync(file, 'utf8');
  assert.equal(onDisk, spliceReference(onDisk, configReferenceMarkdown()), `${file} drifted from src/core/config-keys.ts; run npm run generate`);
});

test("docs/agent.md holds the reference of the agent command's keys (regenerate: npm run generate)", () => {
  const file = join(PACKAGE_ROOT, 'docs', 'agent.md');
  const onDisk = readFileSync(file, 'utf8');
  const agentKeys = keysMatching(AGENT_CONFIG_KEYS);
  assert.ok(agentKeys.some((k) => k.key === 'monitor.interval') && !agentKeys.some((k) => k.key.startsWith('modelServer.')));
  assert.equal(
    onDisk,
    spliceReference(onDisk, configReferenceMarkdown(agentKeys)),
    `${file} drifted from src/core/config-keys.ts; run npm run generate`,
  );
});

test('the reference has a row per key with its flag, reload class and Kepler aliases, and formats durations, lists and enums', () => {
  const md = configReferenceMarkdown();
  for (const k of CONFIG_KEYS) assert.ok(md.includes(`| \`${k.key}\` |`), k.key);
  assert.match(md, /\| `monitor.interval` \| `--monitor.interval` \| duration \| `5s` \| restart \| .*Minimum 100ms\. \|/);
  assert.match(md, /\| `web.listenAddress` \| `--web.listen-address` \| list \| \(empty\) \| restart \| .*Kepler: `web.listenAddresses`\. \|/);
  assert.match(md, /\| `metrics` \| `--metrics` \| list of .* \| hot \|/);
  assert.match(md, /`kubelet` \\\| `apiserver`/);
  assert.throws(() => spliceReference('no markers', md), /markers/);
  assert.equal(spliceReference(`a\n${REFERENCE_BEGIN}\nold\n<!-- end of generated reference -->\nb`, 'NEW'), 'a\nNEWb'.replace('NEWb', 'NEW\nb'));
});
