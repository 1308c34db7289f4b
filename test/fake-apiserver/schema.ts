/**
 * @module fake-apiserver/schema
 * What the real API server does to a custom resource with its CRD's structural openAPIV3Schema:
 * apply `default`s, prune fields the schema does not declare (unless
 * `x-kubernetes-preserve-unknown-fields`), and validate types, enums, required fields, bounds,
 * lengths and patterns (422 Invalid listing every failing field). Pure apart from mutating the object.
 */
import { isPlainObject } from './merge-patch.js';
import { invalid, type StatusCause } from './status.js';
import type { ResourceDef } from './types.js';

type Schema = Record<string, unknown>;

/** Defaults, prunes and validates a custom resource in place; throws 422 when invalid. */
export function prepareCustomResource(def: ResourceDef, obj: Record<string, unknown>): void {
  const schema = def.schema;
  if (!schema) return;
  const props = isPlainObject(schema.properties) ? (schema.properties as Record<string, Schema>) : {};
  const causes: StatusCause[] = [];
  for (const [key, sub] of Object.entries(props)) {
    if (key === 'metadata' || key === 'apiVersion' || key === 'kind') continue;
    if (obj[key] === undefined && sub.default !== undefined) obj[key] = structuredClone(sub.default);
    if (obj[key] !== undefined) obj[key] = walk(obj[key], sub, key, causes);
  }
  if (schema['x-kubernetes-preserve-unknown-fields'] !== true) {
    for (const key of Object.keys(obj)) if (!(key in props) && !['apiVersion', 'kind', 'metadata'].includes(key)) delete obj[key];
  }
  for (const req of Array.isArray(schema.required) ? (schema.required as string[]) : []) {
    if (obj[req] === undefined) causes.push({ field: req, message: 'Required value', reason: 'FieldValueRequired' });
  }
  if (causes.length) throw invalid(def.kind, def.group, String((obj.metadata as Record<string, unknown> | undefined)?.name ?? ''), causes);
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(expected: string, v: unknown): boolean {
  const t = typeOf(v);
  return t === expected || (expected === 'number' && t === 'integer');
}

function walk(value: unknown, s: Schema, path: string, causes: StatusCause[]): unknown {
  if (value === null) {
    if (s.nullable === true) return value;
    // The real server drops nulls of non-nullable fields with a default, otherwise rejects them.
    causes.push({ field: path, message: `Invalid value: "null": ${path} in body must be of type ${String(s.type ?? 'object')}: "null"` });
    return value;
  }
  if (s['x-kubernetes-int-or-string'] === true) {
    if (typeof value !== 'string' && !Number.isInteger(value))
      causes.push({ field: path, message: `Invalid value: ${JSON.stringify(value)}: ${path} in body must be of type integer or string` });
    return value;
  }
  if (typeof s.type === 'string' && !typeMatches(s.type, value)) {
    causes.push({
      field: path,
      message: `Invalid value: "${typeOf(value)}": ${path} in body must be of type ${s.type}: "${typeOf(value)}"`,
      reason: 'FieldValueTypeInvalid',
    });
    return value;
  }
  if (Array.isArray(s.enum) && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    causes.push({
      field: path,
      message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${s.enum.map((e) => JSON.stringify(e)).join(', ')}`,
      reason: 'FieldValueNotSupported',
    });
  }
  if (typeof value === 'number') {
    if (typeof s.minimum === 'number' && (value < s.minimum || (s.exclusiveMinimum === true && value === s.minimum))) {
      causes.push({ field: path, message: `Invalid value: ${value}: ${path} in body should be greater than or equal to ${s.minimum}` });
    }
    if (typeof s.maximum === 'number' && (value > s.maximum || (s.exclusiveMaximum === true && value === s.maximum))) {
      causes.push({ field: path, message: `Invalid value: ${value}: ${path} in body should be less than or equal to ${s.maximum}` });
    }
  }
  if (typeof value === 'string') {
    if (typeof s.minLength === 'number' && value.length < s.minLength)
      causes.push({ field: path, message: `Invalid value: "${value}": ${path} in body should be at least ${s.minLength} chars long` });
    if (typeof s.maxLength === 'number' && value.length > s.maxLength)
      causes.push({ field: path, message: `Too long: may not be more than ${s.maxLength} bytes` });
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(value))
      causes.push({ field: path, message: `Invalid value: "${value}": ${path} in body should match '${s.pattern}'` });
  }
  if (Array.isArray(value)) {
    if (typeof s.minItems === 'number' && value.length < s.minItems)
      causes.push({ field: path, message: `Invalid value: ${value.length}: ${path} in body should have at least ${s.minItems} items` });
    if (typeof s.maxItems === 'number' && value.length > s.maxItems)
      causes.push({ field: path, message: `Too many: ${value.length}: must have at most ${s.maxItems} items` });
    if (isPlainObject(s.items)) return value.map((item, i) => walk(item, s.items as Schema, `${path}[${i}]`, causes));
    return value;
  }
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = { ...value };
    const props = isPlainObject(s.properties) ? (s.properties as Record<string, Schema>) : undefined;
    const additional = isPlainObject(s.additionalProperties) ? (s.additionalProperties as Schema) : undefined;
    if (props) {
      for (const [key, sub] of Object.entries(props)) {
        if (out[key] === undefined && sub.default !== undefined) out[key] = structuredClone(sub.default);
      }
    }
    for (const key of Object.keys(out)) {
      const sub = props?.[key] ?? additional;
      if (sub) out[key] = walk(out[key], sub, `${path}.${key}`, causes);
      else if (s['x-kubernetes-preserve-unknown-fields'] !== true && (props || additional === undefined) && s.additionalProperties !== true)
        delete out[key];
    }
    for (const req of Array.isArray(s.required) ? (s.required as string[]) : []) {
      if (out[req] === undefined) causes.push({ field: `${path}.${req}`, message: 'Required value', reason: 'FieldValueRequired' });
    }
    return out;
  }
  return value;
}
