/**
 * @module operator/api/crd-schema
 * Turns a TypeBox (JSON Schema) schema into a Kubernetes structural `openAPIV3Schema`, and checks
 * the structural-schema rules of apiextensions.k8s.io/v1: every node has a `type` (or preserves
 * unknown fields), no `$ref`/`definitions`/`patternProperties`/`additionalItems`/`dependencies`/
 * `id`, no `type: null`, `additionalProperties: false` is not allowed, and `properties` and
 * `additionalProperties` are mutually exclusive.
 */
import { ERR_OPERATOR_CRD_SCHEMA } from '../errors.js';

/** A JSON-Schema node as plain JSON. */
export type JsonSchema = { [key: string]: unknown };

const DROPPED_KEYS = new Set(['$schema', '$id']);
const FORBIDDEN_KEYS = ['$ref', 'definitions', '$defs', 'patternProperties', 'additionalItems', 'dependencies', 'id', 'const'];
const TYPES = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean']);

function jsonType(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (Array.isArray(v)) return 'array';
  throw ERR_OPERATOR_CRD_SCHEMA(`enum value ${JSON.stringify(v)} has no CRD type`);
}

/**
 * Converts a TypeBox schema to a CRD-safe structural schema (a fresh object; the input is untouched):
 * enums get their `type`, unions of constants become enums, `{}` (unknown) preserves unknown fields,
 * empty `properties` beside `additionalProperties` are dropped, numeric exclusive bounds become
 * OpenAPI v3.0 booleans. Throws PP_OPERATOR_CRD_SCHEMA for constructs a CRD cannot express.
 */
export function toCrdSchema(schema: JsonSchema, path = '$'): JsonSchema {
  const out: JsonSchema = {};
  let src = schema;
  if (Array.isArray(src.anyOf) && src.anyOf.every((s) => s && typeof s === 'object' && 'const' in s)) {
    const { anyOf, ...rest } = src;
    src = { ...rest, enum: (anyOf as JsonSchema[]).map((s) => s.const) };
  }
  if (src.patternProperties && typeof src.patternProperties === 'object') {
    // Type.Record: one pattern over every key becomes additionalProperties (keys cannot be constrained in a CRD).
    const { patternProperties, ...rest } = src;
    const patterns = Object.values(patternProperties as Record<string, JsonSchema>);
    if (patterns.length !== 1)
      throw ERR_OPERATOR_CRD_SCHEMA(`${path}: patternProperties with ${patterns.length} patterns cannot be expressed`, { field: path });
    src = { ...rest, type: 'object', additionalProperties: patterns[0] };
  }
  if ('const' in src) {
    const { const: c, ...rest } = src;
    src = { ...rest, enum: [c] };
  }
  for (const [k, v] of Object.entries(src)) {
    if (DROPPED_KEYS.has(k)) continue;
    if (k === 'anyOf' || k === 'oneOf' || k === 'allOf' || k === 'not')
      throw ERR_OPERATOR_CRD_SCHEMA(`${path}: ${k} is not supported in powerplane CRD schemas`, { field: path });
    if (FORBIDDEN_KEYS.includes(k)) throw ERR_OPERATOR_CRD_SCHEMA(`${path}: ${k} is not allowed in a structural schema`, { field: path });
    if (k === 'type' && (v === 'null' || Array.isArray(v)))
      throw ERR_OPERATOR_CRD_SCHEMA(`${path}: type ${JSON.stringify(v)} is not allowed (no null unions)`, { field: path });
    if (k === 'properties') {
      const props = v as Record<string, JsonSchema>;
      if (Object.keys(props).length === 0 && src.additionalProperties !== undefined) continue;
      out.properties = Object.fromEntries(Object.entries(props).map(([name, p]) => [name, toCrdSchema(p, `${path}.${name}`)]));
      continue;
    }
    if (k === 'additionalProperties') {
      if (v === false) continue;
      if (v === true) {
        out['x-kubernetes-preserve-unknown-fields'] = true;
        continue;
      }
      out.additionalProperties = toCrdSchema(v as JsonSchema, `${path}.*`);
      continue;
    }
    if (k === 'items') {
      out.items = toCrdSchema(v as JsonSchema, `${path}[]`);
      continue;
    }
    if (k === 'required' && Array.isArray(v) && v.length === 0) continue;
    if ((k === 'exclusiveMaximum' || k === 'exclusiveMinimum') && typeof v === 'number') {
      out[k === 'exclusiveMaximum' ? 'maximum' : 'minimum'] = v;
      out[k] = true;
      continue;
    }
    out[k] = structuredClone(v);
  }
  if (out.type === undefined) {
    if (Array.isArray(out.enum) && out.enum.length > 0) {
      const types = new Set(out.enum.map(jsonType));
      if (types.size !== 1) throw ERR_OPERATOR_CRD_SCHEMA(`${path}: enum mixes types`, { field: path });
      out.type = [...types][0];
    } else if (out.properties || out.additionalProperties) {
      out.type = 'object';
    } else if (Object.keys(out).every((k) => k === 'description' || k === 'default')) {
      out['x-kubernetes-preserve-unknown-fields'] = true;
    }
  }
  return out;
}

/** Returns every structural-schema violation found in `schema` (empty when it is structural). */
export function structuralViolations(schema: JsonSchema, path = '$'): string[] {
  const errs: string[] = [];
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true || schema['x-kubernetes-int-or-string'] === true;
  if (schema.type === undefined && !preserve) errs.push(`${path}: missing type`);
  if (schema.type !== undefined && !TYPES.has(schema.type as string)) errs.push(`${path}: type ${JSON.stringify(schema.type)} is not allowed`);
  for (const k of [...FORBIDDEN_KEYS, '$schema', 'anyOf', 'oneOf', 'allOf', 'not', 'nullable']) {
    if (k in schema) errs.push(`${path}: ${k} is not allowed`);
  }
  if (schema.additionalProperties === false) errs.push(`${path}: additionalProperties: false is not allowed`);
  if (schema.properties !== undefined && schema.additionalProperties !== undefined)
    errs.push(`${path}: properties and additionalProperties are mutually exclusive`);
  if (schema.type === 'array' && schema.items === undefined) errs.push(`${path}: array without items`);
  if (Array.isArray(schema.enum)) {
    for (const e of schema.enum) {
      if (jsonType(e) !== schema.type && !(schema.type === 'number' && jsonType(e) === 'integer'))
        errs.push(`${path}: enum value ${JSON.stringify(e)} is not of type ${String(schema.type)}`);
    }
  }
  if (Array.isArray(schema.required)) {
    const props = (schema.properties ?? {}) as Record<string, unknown>;
    for (const r of schema.required as string[]) if (!(r in props)) errs.push(`${path}: required ${r} is not a property`);
  }
  for (const [name, p] of Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>))
    errs.push(...structuralViolations(p, `${path}.${name}`));
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object')
    errs.push(...structuralViolations(schema.additionalProperties as JsonSchema, `${path}.*`));
  if (schema.items && typeof schema.items === 'object') errs.push(...structuralViolations(schema.items as JsonSchema, `${path}[]`));
  return errs;
}
