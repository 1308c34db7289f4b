/**
 * @module core/yaml-file
 * Reads a YAML document and checks it against a TypeBox schema, reporting the first problem with the
 * file, the line and the dotted path of the field (`workloads[0].demand`), as the error factory given.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isNode } from 'yaml';
import type { Static, TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { ERR_FILE_UNREADABLE, ERR_MALFORMED_FILE, type ErrorFactory, errorMessage } from './errors.js';

/** A parsed document and a way to report a problem at a path of it. */
export interface CheckedYaml<T> {
  data: T;
  /** Throws `err` naming the file, the line of `segments` (or of `lineAt`) and the path. */
  fail(segments: ReadonlyArray<string | number>, message: string, lineAt?: ReadonlyArray<string | number>): never;
}

/** `['a', 0, 'b']` → `a[0].b`. */
export function fieldPath(segments: ReadonlyArray<string | number>): string {
  return segments.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

/**
 * Parses `text` (named `file`) and checks it against `schema`; problems are thrown by `err` with details
 * `{path, line, [detailKey]: dotted field}` (`detailKey` is `field` unless given).
 */
export function parseYamlChecked<S extends TSchema>(
  schema: S,
  text: string,
  file: string,
  err: ErrorFactory,
  detailKey: 'field' | 'key' = 'field',
): CheckedYaml<Static<S>> {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const line = lc.linePos(e.pos[0]).line;
    throw ERR_MALFORMED_FILE(`${file}:${line}: ${e.message.split('\n')[0]}`, { path: file, line });
  }
  const data = doc.toJS() as unknown;
  const fail = (segments: ReadonlyArray<string | number>, message: string, lineAt: ReadonlyArray<string | number> = segments): never => {
    const node = lineAt.length ? doc.getIn(lineAt, true) : doc.contents;
    const line = isNode(node) && node.range ? lc.linePos(node.range[0]).line : undefined;
    const field = fieldPath(segments) || '(root)';
    throw err(`${file}${line ? `:${line}` : ''}: ${field}: ${message}`, { path: file, [detailKey]: field, ...(line ? { line } : {}) });
  };
  const first = Value.Errors(schema, data)[Symbol.iterator]().next();
  if (!first.done) {
    const e = first.value;
    const extra = (e.params as { additionalProperties?: string[] }).additionalProperties;
    const required = (e.params as { requiredProperties?: string[] }).requiredProperties;
    const segs = e.instancePath
      .split('/')
      .slice(1)
      .map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')));
    if (extra?.length) fail([...segs, extra[0]], 'unknown field');
    if (required?.length) fail([...segs, required[0]], 'is required', segs);
    fail(segs, e.keyword === 'boolean' ? 'unknown field' : e.message);
  }
  return { data: data as Static<S>, fail };
}

/** Reads a file of at most `maxBytes` as UTF-8; an unreadable file is ERR_FILE_UNREADABLE naming it. */
export function readTextFile(path: string, what: string, maxBytes = 16 << 20): string {
  try {
    const buf = readFileSync(path);
    if (buf.length > maxBytes) throw new Error(`larger than ${maxBytes} bytes`);
    return buf.toString('utf8');
  } catch (err) {
    throw ERR_FILE_UNREADABLE(`cannot read ${what} ${path}: ${errorMessage(err)}`, { path });
  }
}
