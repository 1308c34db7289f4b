import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prepareCustomResource } from './schema.js';
import { ApiError } from './status.js';
import type { ResourceDef } from './types.js';

const def = (schema: Record<string, unknown>): ResourceDef => ({
  group: 'g.io',
  version: 'v1',
  kind: 'K',
  listKind: 'KList',
  plural: 'ks',
  singular: 'k',
  namespaced: true,
  shortNames: [],
  statusSubresource: true,
  generation: true,
  custom: true,
  schema,
});

const schema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['mode'],
      properties: {
        mode: { type: 'string', enum: ['a', 'b'] },
        replicas: { type: 'integer', minimum: 0, maximum: 5, default: 1 },
        nested: { type: 'object', default: {}, properties: { level: { type: 'string', default: 'info' } } },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        port: { 'x-kubernetes-int-or-string': true },
      },
    },
  },
};

test('defaults are applied (nested too) and unknown fields pruned', () => {
  const obj: Record<string, unknown> = {
    metadata: { name: 'x' },
    spec: { mode: 'a', junk: 1, labels: { a: 'b' }, free: { anything: [1] }, port: 'http' },
    extra: true,
  };
  prepareCustomResource(def(schema), obj);
  assert.deepEqual(obj.spec, { mode: 'a', replicas: 1, nested: { level: 'info' }, labels: { a: 'b' }, free: { anything: [1] }, port: 'http' });
  assert.equal(obj.extra, undefined);
});

test('validation lists every failing field in one 422', () => {
  const obj = { metadata: { name: 'x' }, spec: { replicas: 9, labels: { a: 1 }, port: 1.5 } };
  assert.throws(
    () => prepareCustomResource(def(schema), obj),
    (e) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.code, 422);
      const fields = (e.details!.causes as Array<{ field: string }>).map((c) => c.field).sort();
      assert.deepEqual(fields, ['spec.labels.a', 'spec.mode', 'spec.port', 'spec.replicas']);
      return true;
    },
  );
});
