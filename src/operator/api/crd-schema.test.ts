import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from 'typebox';
import { toCrdSchema, structuralViolations, type JsonSchema } from './crd-schema.js';
import { buildCrds } from './crds.js';
import { ERR_OPERATOR_CRD_SCHEMA } from '../errors.js';

const j = (s: unknown) => JSON.parse(JSON.stringify(s)) as JsonSchema;

test('enums get a type, literal unions become enums, maps drop empty properties', () => {
  const s = toCrdSchema(
    j(
      Type.Object({
        e: Type.Enum(['a', 'b']),
        u: Type.Union([Type.Literal('x'), Type.Literal('y')]),
        m: Type.Object({}, { additionalProperties: Type.Integer() }),
      }),
    ),
  );
  const props = s.properties as Record<string, JsonSchema>;
  assert.deepEqual(props.e, { enum: ['a', 'b'], type: 'string' });
  assert.deepEqual(props.u, { enum: ['x', 'y'], type: 'string' });
  assert.deepEqual(props.m, { type: 'object', additionalProperties: { type: 'integer' } });
  assert.deepEqual(structuralViolations(s), []);
});

test('a record (one pattern) becomes additionalProperties; additionalProperties: false is dropped', () => {
  const s = toCrdSchema(j(Type.Object({ r: Type.Record(Type.String(), Type.Integer()) }, { additionalProperties: false })));
  assert.deepEqual((s.properties as Record<string, JsonSchema>).r, { type: 'object', additionalProperties: { type: 'integer' } });
  assert.equal(s.additionalProperties, undefined);
  assert.deepEqual(structuralViolations(s), []);
});

test('unknown values preserve unknown fields; exclusive bounds become booleans', () => {
  const s = toCrdSchema(j(Type.Object({ u: Type.Unknown(), n: Type.Number({ exclusiveMaximum: 5 }) })));
  const props = s.properties as Record<string, JsonSchema>;
  assert.equal(props.u['x-kubernetes-preserve-unknown-fields'], true);
  assert.deepEqual(props.n, { type: 'number', maximum: 5, exclusiveMaximum: true });
});

test('constructs a CRD cannot express are rejected', () => {
  assert.throws(
    () => toCrdSchema({ type: 'object', patternProperties: { '^a': { type: 'string' }, '^b': { type: 'string' } } }),
    (e) => ERR_OPERATOR_CRD_SCHEMA.is(e),
  );
  assert.throws(
    () => toCrdSchema(j(Type.Union([Type.String(), Type.Null()]))),
    (e) => ERR_OPERATOR_CRD_SCHEMA.is(e),
  );
  assert.throws(
    () => toCrdSchema({ $ref: '#/x' }),
    (e) => ERR_OPERATOR_CRD_SCHEMA.is(e),
  );
});

test('structuralViolations finds every rule break', () => {
  const bad: JsonSchema = {
    type: 'object',
    properties: {
      a: {},
      b: { type: 'array' },
      c: { type: 'object', properties: {}, additionalProperties: { type: 'string' } },
      d: { type: 'string', enum: [1] },
    },
    additionalProperties: false,
    required: ['zz'],
  };
  const v = structuralViolations(bad).join('\n');
  for (const needle of [
    '$.a: missing type',
    '$.b: array without items',
    'mutually exclusive',
    'enum value 1',
    'additionalProperties: false',
    'required zz',
  ])
    assert.match(v, new RegExp(needle.replace(/[$.*]/g, '\\$&')));
});

test('every generated CRD schema is structural, with status subresource and printer columns', () => {
  const crds = buildCrds();
  assert.deepEqual(
    crds.map((c) => c.spec.names.kind),
    ['PowerMonitor', 'PowerNode', 'Estimator', 'PowerCapPolicy'],
  );
  for (const c of crds) {
    const v = c.spec.versions[0];
    assert.deepEqual(structuralViolations(v.schema.openAPIV3Schema), [], c.metadata.name);
    assert.deepEqual(v.subresources, { status: {} });
    assert.ok(v.additionalPrinterColumns.length >= 4);
    assert.equal(c.metadata.name, `${c.spec.names.plural}.powerplane.io`);
  }
  assert.equal(crds[0].spec.scope, 'Cluster');
  assert.equal(crds[1].spec.scope, 'Cluster');
  assert.equal(crds[2].spec.scope, 'Namespaced');
  const pmSpec = (crds[0].spec.versions[0].schema.openAPIV3Schema.properties as Record<string, JsonSchema>).spec;
  const agent = (pmSpec.properties as Record<string, JsonSchema>).agent;
  assert.equal(((agent.properties as Record<string, JsonSchema>).port as JsonSchema).default, 28282);
  assert.deepEqual(pmSpec.default, {});
});
