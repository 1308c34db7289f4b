import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCatalog, parseCatalogConfigMap } from './catalog.js';
import { ERR_CAPPING_INVALID_CATALOG } from '../errors.js';

const reserved = new Set(['naive', 'priority']);
const entry = (extra: string) => `algorithms:\n  - name: green\n    version: 1.2.0\n    endpoint: https://plugins.example.org/green\n${extra}`;

test('a catalog entry with every field', () => {
  const c = parseCatalog(
    entry(
      `    description: carbon-aware\n    timeout: 1500ms\n    sha256: '${'a'.repeat(64)}'\n    parameters: {type: object, properties: {gridRegion: {type: string}}}\n`,
    ),
    'cat.yaml',
    reserved,
  );
  assert.equal(c.source, 'cat.yaml');
  assert.deepEqual(c.entries, [
    {
      name: 'green',
      version: '1.2.0',
      description: 'carbon-aware',
      endpoint: 'https://plugins.example.org/green',
      timeoutMs: 1500,
      sha256: 'a'.repeat(64),
      parameters: { type: 'object', properties: { gridRegion: { type: 'string' } } },
    },
  ]);
  assert.equal(parseCatalog(entry(''), 'cat.yaml', reserved).entries[0].timeoutMs, 2000);
});

test('bad entries are reported with file, line and field', () => {
  const bad: Array<[string, string, RegExp]> = [
    [entry('    timeout: 45s\n'), 'algorithms[0].timeout', /^cat\.yaml:5: algorithms\[0\]\.timeout: must be a duration above 0 and at most 30s/],
    [entry('    colour: green\n'), 'algorithms[0].colour', /unknown field/],
    [entry('').replace('https://plugins.example.org/green', 'ftp://plugins.example.org/g'), 'algorithms[0].endpoint', /must be http or https/],
    [entry('').replace('https://plugins.example.org/green', 'https://user:pw@plugins.example.org/g'), 'algorithms[0].endpoint', /credentials/],
    [entry('').replace('name: green', 'name: naive'), 'algorithms[0].name', /is a built-in/],
    [entry('') + '  - name: green\n    version: 2.0.0\n    endpoint: http://127.0.0.1:1/x\n', 'algorithms[1].name', /listed twice/],
    [entry("    sha256: 'xyz'\n"), 'algorithms[0].sha256', /pattern/],
    [entry('    parameters: {type: array}\n'), 'algorithms[0].parameters.type', /describes an object/],
  ];
  for (const [text, field, message] of bad) {
    assert.throws(
      () => parseCatalog(text, 'cat.yaml', reserved),
      (e) =>
        ERR_CAPPING_INVALID_CATALOG.is(e) &&
        e.details.field === field &&
        e.details.path === 'cat.yaml' &&
        message.test(e.message) &&
        e.exitCode === 2,
      field,
    );
  }
});

test('the ConfigMap form: key algorithms.yaml, absent key = empty catalog', () => {
  assert.deepEqual(parseCatalogConfigMap(undefined, 'powerplane', reserved).entries, []);
  const c = parseCatalogConfigMap({ 'algorithms.yaml': entry('') }, 'powerplane', reserved);
  assert.equal(c.entries[0].name, 'green');
  assert.equal(c.source, 'configmap powerplane/powerplane-capping-algorithms key algorithms.yaml');
  assert.throws(() => parseCatalogConfigMap({ 'algorithms.yaml': 'algorithms: [' }, 'powerplane', reserved), /powerplane-capping-algorithms/);
});
