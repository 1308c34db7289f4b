import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { cappingProtocolJsonSchemaText } from './json-schema.js';

test('docs/capping-algorithm.schema.json is the schema generated from the TypeBox types (regenerate: powerplane cap algorithms schema > docs/capping-algorithm.schema.json)', () => {
  const onDisk = readFileSync(new URL('../../../docs/capping-algorithm.schema.json', import.meta.url), 'utf8');
  assert.equal(onDisk, cappingProtocolJsonSchemaText());
});
