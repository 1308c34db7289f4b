/**
 * @module fake-apiserver/field-paths
 * Field paths as server-side apply tracks them (structured-merge-diff style), pure:
 * `f:name` for a map field, `k:{"name":"x"}` for an item of an associative list, `v:"x"` for an item
 * of a set list; atomic lists and scalars are leaves. A path is its elements joined by SEP.
 */
import { isPlainObject } from './merge-patch.js';

/** How a list is merged and tracked. */
export type ListType = { type: 'atomic' } | { type: 'set' } | { type: 'map'; keys: string[] };

/** Decides the list type from the field names leading to it (list items add no name). */
export type ListTypeResolver = (fieldNames: readonly string[], items: readonly unknown[]) => ListType;

/** Separator of path elements. */
export const SEP = '\u0001';

/** Deep JSON equality. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/**
 * Key fields the API server defaults when an item leaves them out (a port's `protocol` is `TCP`):
 * such an item is keyed, and found, by the default, as the real server keys it after defaulting.
 */
const KEY_DEFAULTS: Readonly<Record<string, unknown>> = { protocol: 'TCP' };

function keyValue(item: Record<string, unknown>, key: string): unknown {
  return item[key] ?? KEY_DEFAULTS[key];
}

/** The `k:` element of a list item. */
export function keyElement(item: unknown, keys: readonly string[]): string {
  const picked: Record<string, unknown> = {};
  for (const k of [...keys].sort()) if (isPlainObject(item) && keyValue(item, k) !== undefined) picked[k] = keyValue(item, k);
  return `k:${JSON.stringify(picked)}`;
}

/** The names of the key fields a `k:` element holds (empty for any other element). */
export function keyFieldsOf(element: string): string[] {
  return element.startsWith('k:') ? Object.keys(JSON.parse(element.slice(2)) as Record<string, unknown>) : [];
}

/** Every tracked path of a value: leaves, empty maps, atomic lists, list items (as nodes). */
export function collectPaths(value: unknown, resolve: ListTypeResolver): Set<string> {
  const out = new Set<string>();
  walk(value, [], [], resolve, out);
  return out;
}

function walk(value: unknown, prefix: string[], names: string[], resolve: ListTypeResolver, out: Set<string>): void {
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0 && prefix.length) out.add(prefix.join(SEP));
    for (const k of keys) walk(value[k], [...prefix, `f:${k}`], [...names, k], resolve, out);
    return;
  }
  if (Array.isArray(value)) {
    const lt = resolve(names, value);
    if (value.length === 0) {
      // An empty list is owned as a field, whatever its type.
      if (prefix.length) out.add(prefix.join(SEP));
      return;
    }
    if (lt.type === 'map') {
      for (const item of value) {
        const p = [...prefix, keyElement(item, lt.keys)];
        out.add(p.join(SEP));
        if (isPlainObject(item)) for (const k of Object.keys(item)) walk(item[k], [...p, `f:${k}`], [...names, k], resolve, out);
      }
      return;
    }
    if (lt.type === 'set') {
      for (const item of value) out.add([...prefix, `v:${JSON.stringify(item)}`].join(SEP));
      return;
    }
  }
  if (prefix.length) out.add(prefix.join(SEP));
}

function findIndex(list: unknown[], element: string): number {
  if (element.startsWith('k:')) {
    const want = JSON.parse(element.slice(2)) as Record<string, unknown>;
    const keys = Object.keys(want);
    return list.findIndex((item) => isPlainObject(item) && keys.every((k) => jsonEqual(keyValue(item, k), want[k])) && keys.length > 0);
  }
  if (element.startsWith('v:')) {
    const want = JSON.parse(element.slice(2)) as unknown;
    return list.findIndex((item) => jsonEqual(item, want));
  }
  return -1;
}

/** The value at a path, or undefined. */
export function getAt(root: unknown, path: string): unknown {
  let cur: unknown = root;
  for (const el of path.split(SEP)) {
    if (el.startsWith('f:')) {
      if (!isPlainObject(cur)) return undefined;
      cur = cur[el.slice(2)];
    } else {
      if (!Array.isArray(cur)) return undefined;
      const i = findIndex(cur, el);
      if (i < 0) return undefined;
      cur = cur[i];
    }
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Removes the value at a path in place (no-op when absent). */
export function deleteAt(root: unknown, path: string): void {
  const els = path.split(SEP);
  let cur: unknown = root;
  for (let i = 0; i < els.length - 1; i++) {
    const el = els[i];
    if (el.startsWith('f:')) {
      if (!isPlainObject(cur)) return;
      cur = cur[el.slice(2)];
    } else {
      if (!Array.isArray(cur)) return;
      cur = cur[findIndex(cur, el)];
    }
    if (cur === undefined) return;
  }
  const last = els[els.length - 1];
  if (last.startsWith('f:')) {
    if (isPlainObject(cur)) delete cur[last.slice(2)];
  } else if (Array.isArray(cur)) {
    const i = findIndex(cur, last);
    if (i >= 0) cur.splice(i, 1);
  }
}

/** Merges an applied configuration into a live value (maps recursively, lists per their type). */
export function mergeApplied(live: unknown, applied: unknown, resolve: ListTypeResolver, names: string[] = []): unknown {
  if (isPlainObject(applied)) {
    const result: Record<string, unknown> = isPlainObject(live) ? { ...live } : {};
    for (const [k, v] of Object.entries(applied)) result[k] = mergeApplied(result[k], v, resolve, [...names, k]);
    return result;
  }
  if (Array.isArray(applied)) {
    const lt = resolve(names, applied);
    if (lt.type === 'atomic' || !Array.isArray(live)) return structuredClone(applied);
    const result = [...live];
    for (const item of applied) {
      const el = lt.type === 'map' ? keyElement(item, lt.keys) : `v:${JSON.stringify(item)}`;
      const i = findIndex(result, el);
      if (i < 0) result.push(structuredClone(item));
      else if (lt.type === 'map') result[i] = mergeApplied(result[i], item, resolve, names);
    }
    return result;
  }
  return structuredClone(applied);
}

/** Encodes a path set as a FieldsV1 tree (`{"f:spec":{"f:replicas":{}}}`, `".": {}` for owned nodes). */
export function toFieldsV1(paths: Iterable<string>): Record<string, unknown> {
  const root: Record<string, Record<string, unknown>> = {};
  const all = [...paths].sort();
  for (const [i, p] of all.entries()) {
    let node: Record<string, unknown> = root;
    for (const el of p.split(SEP)) {
      node[el] ??= {};
      node = node[el] as Record<string, unknown>;
    }
    // A node that is owned and also has owned children keeps a "." marker.
    // Sorted order puts a path's descendants right after it.
    if (all[i + 1]?.startsWith(p + SEP)) node['.'] = {};
  }
  return root;
}

/** Decodes a FieldsV1 tree into a path set. */
export function fromFieldsV1(tree: unknown): Set<string> {
  const out = new Set<string>();
  const visit = (node: unknown, prefix: string[]): void => {
    if (!isPlainObject(node)) return;
    const keys = Object.keys(node);
    if (prefix.length && (keys.length === 0 || keys.includes('.'))) out.add(prefix.join(SEP));
    for (const k of keys) if (k !== '.') visit(node[k], [...prefix, k]);
  };
  visit(tree, []);
  return out;
}

/** Renders a path for messages: `.spec.containers[name="a"].image`. */
export function describePath(path: string): string {
  return path
    .split(SEP)
    .map((el) => {
      if (el.startsWith('f:')) return `.${el.slice(2)}`;
      if (el.startsWith('k:')) {
        const obj = JSON.parse(el.slice(2)) as Record<string, unknown>;
        return `[${Object.entries(obj)
          .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
          .join(',')}]`;
      }
      return `[${el.slice(2)}]`;
    })
    .join('');
}
