/**
 * @module fake-apiserver/selectors
 * Label selectors (equality- and set-based) and field selectors, parsed and matched as the API
 * server does. Pure.
 */
import { badRequest } from './status.js';

/** One label requirement. */
export interface LabelRequirement {
  key: string;
  op: 'in' | 'notin' | 'exists' | '!exists' | '=' | '!=';
  values: string[];
}

/** One field requirement (`=`/`==` or `!=`). */
export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

/** Splits on commas that are not inside parentheses. */
function splitTop(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

const KEY = /^([a-z0-9A-Z.\-_/]+)$/;

/** Parses a label selector; throws 400 BadRequest on a malformed one. */
export function parseLabelSelector(text: string): LabelRequirement[] {
  const out: LabelRequirement[] = [];
  for (const part of splitTop(text)) {
    let m: RegExpMatchArray | null;
    if ((m = part.match(/^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/))) {
      out.push({
        key: checkKey(m[1], text),
        op: m[2] as 'in' | 'notin',
        values: m[3]
          .split(',')
          .map((v) => v.trim())
          .filter((v) => v !== ''),
      });
    } else if ((m = part.match(/^!\s*(\S+)$/))) {
      out.push({ key: checkKey(m[1], text), op: '!exists', values: [] });
    } else if ((m = part.match(/^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/))) {
      out.push({ key: checkKey(m[1], text), op: m[2] === '!=' ? '!=' : '=', values: [m[3]] });
    } else if ((m = part.match(/^(\S+)$/))) {
      out.push({ key: checkKey(m[1], text), op: 'exists', values: [] });
    } else {
      throw badRequest(`unable to parse requirement: found '${part}' in label selector "${text}"`);
    }
  }
  return out;
}

function checkKey(key: string, text: string): string {
  if (!KEY.test(key)) throw badRequest(`invalid label key "${key}" in label selector "${text}"`);
  return key;
}

/** True when the labels satisfy every requirement. */
export function matchLabels(requirements: LabelRequirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return requirements.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'exists':
        return has;
      case '!exists':
        return !has;
      case '=':
        return has && l[r.key] === r.values[0];
      case '!=':
        return !has || l[r.key] !== r.values[0];
      case 'in':
        return has && r.values.includes(l[r.key]);
      case 'notin':
        return !has || !r.values.includes(l[r.key]);
    }
  });
}

/** Parses a field selector; throws 400 when malformed or when the field is not supported for the kind. */
export function parseFieldSelector(text: string, supported: readonly string[]): FieldRequirement[] {
  const out: FieldRequirement[] = [];
  for (const part of splitTop(text)) {
    const m = part.match(/^([^=!]+)(==|=|!=)(.*)$/);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    const field = m[1].trim();
    if (!supported.includes(field)) throw badRequest(`field label not supported: ${field}`);
    out.push({ field, op: m[2] === '!=' ? '!=' : '=', value: m[3].trim() });
  }
  return out;
}

/** Reads a dotted field path (`spec.nodeName`) from an object as a string ('' when absent). */
export function fieldValue(obj: unknown, field: string): string {
  let cur: unknown = obj;
  for (const part of field.split('.')) {
    if (typeof cur !== 'object' || cur === null) return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur === undefined || cur === null ? '' : String(cur);
}

/** True when the object satisfies every field requirement. */
export function matchFields(requirements: FieldRequirement[], obj: unknown): boolean {
  return requirements.every((r) => (fieldValue(obj, r.field) === r.value) === (r.op === '='));
}

/** Field selectors supported per kind (besides metadata.name and metadata.namespace for all). */
export function supportedFields(kind: string): string[] {
  const common = ['metadata.name', 'metadata.namespace'];
  switch (kind) {
    case 'Pod':
      return [
        ...common,
        'spec.nodeName',
        'spec.restartPolicy',
        'spec.schedulerName',
        'spec.serviceAccountName',
        'spec.hostNetwork',
        'status.phase',
        'status.podIP',
        'status.nominatedNodeName',
      ];
    case 'Event':
      return [
        ...common,
        'involvedObject.kind',
        'involvedObject.namespace',
        'involvedObject.name',
        'involvedObject.uid',
        'involvedObject.apiVersion',
        'involvedObject.resourceVersion',
        'involvedObject.fieldPath',
        'reason',
        'reportingComponent',
        'source',
        'type',
      ];
    case 'Secret':
      return [...common, 'type'];
    case 'Node':
      return [...common, 'spec.unschedulable'];
    case 'Namespace':
      return [...common, 'status.phase'];
    default:
      return common;
  }
}
