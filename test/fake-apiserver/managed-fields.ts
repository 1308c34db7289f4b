/**
 * @module fake-apiserver/managed-fields
 * Field ownership (metadata.managedFields) and server-side apply, pure. Every write records which
 * manager set which fields: an apply owns exactly what it applied (operation Apply); other writes
 * take the fields they changed (operation Update). An apply that changes a field another manager
 * owns to a different value is a conflict unless forced; forcing takes ownership. Fields a manager
 * stops applying are removed when no one else owns them: a list item whole (key fields included)
 * when no one else owns any of it, otherwise only the fields this manager alone owned.
 */
import {
  SEP,
  collectPaths,
  deleteAt,
  describePath,
  fromFieldsV1,
  getAt,
  jsonEqual,
  keyFieldsOf,
  mergeApplied,
  toFieldsV1,
  type ListTypeResolver,
} from './field-paths.js';
import { isPlainObject } from './merge-patch.js';

/** A managedFields entry as stored on objects. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

interface Entry {
  manager: string;
  operation: 'Apply' | 'Update';
  subresource: string;
  apiVersion: string;
  time: string;
  paths: Set<string>;
  changed: boolean;
}

/** How a write is attributed. */
export interface WriteContext {
  manager: string;
  /** '' for the main resource, 'status' for the status subresource. */
  subresource: '' | 'status';
  /** The kind has a status subresource (then the main resource does not track status). */
  statusSeparate: boolean;
  resolve: ListTypeResolver;
  apiVersion: string;
  now: string;
}

/** One field another manager owns with a different value. */
export interface FieldConflict {
  manager: string;
  apiVersion: string;
  path: string;
}

type Obj = Record<string, unknown> & { metadata?: Record<string, unknown> };

const TRACKED_META = ['labels', 'annotations', 'finalizers', 'ownerReferences'];

/** The part of an object a write to `subresource` owns fields in. */
export function trackedView(obj: Obj | undefined, subresource: string, statusSeparate: boolean): Record<string, unknown> {
  if (!obj) return {};
  if (subresource === 'status') return obj.status !== undefined ? { status: obj.status } : {};
  const { apiVersion: _a, kind: _k, metadata, status, ...rest } = obj;
  const view: Record<string, unknown> = { ...rest };
  if (!statusSeparate && status !== undefined) view.status = status;
  const meta: Record<string, unknown> = {};
  for (const k of TRACKED_META) if (metadata && metadata[k] !== undefined) meta[k] = metadata[k];
  if (Object.keys(meta).length) view.metadata = meta;
  return view;
}

function readEntries(obj: Obj | undefined): Entry[] {
  const raw = obj?.metadata?.managedFields;
  if (!Array.isArray(raw)) return [];
  return raw.filter(isPlainObject).map((e) => ({
    manager: String(e.manager ?? ''),
    operation: e.operation === 'Apply' ? 'Apply' : 'Update',
    subresource: typeof e.subresource === 'string' ? e.subresource : '',
    apiVersion: String(e.apiVersion ?? ''),
    time: String(e.time ?? ''),
    paths: fromFieldsV1(e.fieldsV1),
    changed: false,
  }));
}

function writeEntries(entries: Entry[], now: string): ManagedFieldsEntry[] {
  return entries
    .filter((e) => e.paths.size > 0)
    .map((e) => {
      const out: ManagedFieldsEntry = {
        manager: e.manager,
        operation: e.operation,
        apiVersion: e.apiVersion,
        time: e.changed ? now : e.time,
        fieldsType: 'FieldsV1',
        fieldsV1: toFieldsV1(e.paths),
      };
      if (e.subresource) out.subresource = e.subresource;
      return out;
    });
}

function isNode(path: string): boolean {
  const last = path.slice(path.lastIndexOf(SEP) + 1);
  return last.startsWith('k:') || last.startsWith('v:');
}

/** Removes paths that no longer exist in the object from every entry. */
function prune(entries: Entry[], obj: Obj, ctx: WriteContext): void {
  const views = new Map<string, Record<string, unknown>>();
  for (const e of entries) {
    if (!views.has(e.subresource)) views.set(e.subresource, trackedView(obj, e.subresource, ctx.statusSeparate));
    const view = views.get(e.subresource)!;
    for (const p of [...e.paths]) {
      if (getAt(view, p) === undefined) {
        e.paths.delete(p);
        e.changed = true;
      }
    }
  }
}

function entryFor(entries: Entry[], ctx: WriteContext, operation: 'Apply' | 'Update'): Entry {
  let e = entries.find((x) => x.manager === ctx.manager && x.operation === operation && x.subresource === ctx.subresource);
  if (!e) {
    e = { manager: ctx.manager, operation, subresource: ctx.subresource, apiVersion: ctx.apiVersion, time: ctx.now, paths: new Set(), changed: true };
    entries.push(e);
  }
  return e;
}

/**
 * Records a non-apply write (create, update, patch): the writer takes the fields it changed; fields
 * that disappeared leave every owner. Returns the new managedFields.
 */
export function recordUpdate(old: Obj | undefined, next: Obj, ctx: WriteContext): ManagedFieldsEntry[] {
  const oldView = trackedView(old, ctx.subresource, ctx.statusSeparate);
  const newView = trackedView(next, ctx.subresource, ctx.statusSeparate);
  const oldPaths = collectPaths(oldView, ctx.resolve);
  const changed = [...collectPaths(newView, ctx.resolve)].filter(
    (p) => !oldPaths.has(p) || (!isNode(p) && !jsonEqual(getAt(oldView, p), getAt(newView, p))),
  );
  const entries = readEntries(old);
  if (changed.length) {
    const writer = entryFor(entries, ctx, 'Update');
    for (const e of entries) {
      if (e === writer || e.subresource !== ctx.subresource) continue;
      for (const p of changed) if (e.paths.delete(p)) e.changed = true;
    }
    for (const p of changed) writer.paths.add(p);
    writer.changed = true;
    writer.apiVersion = ctx.apiVersion;
  }
  prune(entries, next, ctx);
  return writeEntries(entries, ctx.now);
}

/** The outcome of an apply: the new object, or the conflicts that stopped it. */
export type ApplyOutcome = { object: Obj; conflicts?: undefined } | { object?: undefined; conflicts: FieldConflict[] };

/**
 * Server-side apply of `applied` by `ctx.manager` onto `live` (undefined = create). Returns the new
 * object with its managedFields, or the conflicts when `force` is false.
 */
export function applyConfiguration(live: Obj | undefined, applied: Obj, force: boolean, ctx: WriteContext): ApplyOutcome {
  const base: Obj = live
    ? structuredClone(live)
    : { apiVersion: applied.apiVersion, kind: applied.kind, metadata: { ...pickIdentity(applied.metadata) } };
  const A = trackedView(applied, ctx.subresource, ctx.statusSeparate);
  const FA = collectPaths(A, ctx.resolve);
  const liveView = trackedView(base, ctx.subresource, ctx.statusSeparate);
  const entries = readEntries(base);
  const conflicts: FieldConflict[] = [];
  for (const e of entries) {
    if (e.manager === ctx.manager || e.subresource !== ctx.subresource) continue;
    for (const p of e.paths) {
      if (FA.has(p) && !isNode(p) && !jsonEqual(getAt(A, p), getAt(liveView, p)))
        conflicts.push({ manager: e.manager, apiVersion: e.apiVersion, path: p });
    }
  }
  if (conflicts.length && !force) return { conflicts };
  for (const c of conflicts) {
    for (const e of entries) {
      if (e.manager === c.manager && e.subresource === ctx.subresource && e.paths.delete(c.path)) e.changed = true;
    }
  }
  const mine = entryFor(entries, ctx, 'Apply');
  // What stays claimed: every path another manager owns or the new configuration applies, with its
  // ancestors (an item someone owns a field of is not removed, only the fields no one else owns).
  const claimed = withAncestors([...FA, ...entries.filter((e) => e !== mine && e.subresource === ctx.subresource).flatMap((e) => [...e.paths])]);
  removeDisowned(
    base,
    [...mine.paths].filter((p) => !claimed.has(p)),
    claimed,
  );
  const merged = mergeApplied(base, A, ctx.resolve) as Obj;
  if (!sameSet(mine.paths, FA)) {
    mine.paths = new Set(FA);
    mine.changed = true;
  }
  mine.apiVersion = ctx.apiVersion;
  prune(entries, merged, ctx);
  merged.metadata = { ...(merged.metadata ?? {}), managedFields: writeEntries(entries, ctx.now) };
  return { object: merged };
}

/** The paths with all their ancestors. */
function withAncestors(paths: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const p of paths) {
    const els = p.split(SEP);
    for (let i = els.length; i > 0; i--) {
      const a = els.slice(0, i).join(SEP);
      if (out.has(a)) break;
      out.add(a);
    }
  }
  return out;
}

function isEmptyContainer(v: unknown): boolean {
  return (Array.isArray(v) && v.length === 0) || (isPlainObject(v) && Object.keys(v).length === 0);
}

/**
 * Removes the fields a manager stopped applying from `root`, in place. A list item goes whole with
 * its key fields; a key field never goes alone (the item it identifies stays while someone owns part
 * of it). A map or list left empty by a removal goes too, unless it is claimed, as the real server
 * drops it.
 */
function removeDisowned(root: Obj, removals: string[], claimed: Set<string>): void {
  const removed = new Set(removals);
  for (const p of [...removals].sort((a, b) => b.split(SEP).length - a.split(SEP).length)) {
    const els = p.split(SEP);
    if (els.some((_, i) => i > 0 && removed.has(els.slice(0, i).join(SEP)))) continue;
    const last = els[els.length - 1];
    if (els.length > 1 && last.startsWith('f:') && keyFieldsOf(els[els.length - 2]).includes(last.slice(2))) continue;
    deleteAt(root, p);
    for (let i = els.length - 1; i > 0 && els[i - 1].startsWith('f:'); i--) {
      const parent = els.slice(0, i).join(SEP);
      if (claimed.has(parent) || !isEmptyContainer(getAt(root, parent))) break;
      deleteAt(root, parent);
    }
  }
}

function sameSet(a: Set<string>, b: Set<string>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

function pickIdentity(meta: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (meta?.name !== undefined) out.name = meta.name;
  if (meta?.namespace !== undefined) out.namespace = meta.namespace;
  return out;
}

/** The 409 message of an apply conflict, worded like the real server's. */
export function conflictMessage(conflicts: FieldConflict[]): string {
  const byManager = new Map<string, FieldConflict[]>();
  for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c]);
  const n = conflicts.length;
  const parts = [...byManager].map(([m, cs]) =>
    cs.length === 1
      ? `conflict with "${m}" using ${cs[0].apiVersion}: ${describePath(cs[0].path)}`
      : `conflicts with "${m}" using ${cs[0].apiVersion}:\n${cs.map((c) => `- ${describePath(c.path)}`).join('\n')}`,
  );
  return `Apply failed with ${n} conflict${n === 1 ? '' : 's'}: ${parts.join('\n')}`;
}
