/**
 * @module fake-apiserver/watch-hub
 * The event log (bounded, for replay from a resourceVersion) and the open watchers, with the real
 * server's selector semantics: an object that stops matching a watcher's selector is sent as
 * DELETED, one that starts matching as ADDED.
 */
import { matchFields, matchLabels, type FieldRequirement, type LabelRequirement } from './selectors.js';
import type { StoredObject } from './types.js';

/** One committed change. */
export interface ChangeEvent {
  rv: number;
  /** `group/plural`. */
  resource: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: StoredObject;
  old?: StoredObject;
}

/** One open watch. */
export interface Watcher {
  resource: string;
  namespace?: string;
  labels: LabelRequirement[];
  fields: FieldRequirement[];
  send(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: StoredObject): void;
  close(): void;
}

/** True when the object is in the watcher's scope and selectors. */
export function watcherMatches(w: Pick<Watcher, 'namespace' | 'labels' | 'fields'>, obj: StoredObject): boolean {
  if (w.namespace && obj.metadata.namespace !== w.namespace) return false;
  return matchLabels(w.labels, obj.metadata.labels) && matchFields(w.fields, obj);
}

/** What a watcher receives for a change (undefined: nothing). Pure. */
export function translate(w: Pick<Watcher, 'namespace' | 'labels' | 'fields'>, ev: ChangeEvent): 'ADDED' | 'MODIFIED' | 'DELETED' | undefined {
  const now = watcherMatches(w, ev.object);
  if (ev.type === 'ADDED') return now ? 'ADDED' : undefined;
  if (ev.type === 'DELETED') return now ? 'DELETED' : undefined;
  const before = ev.old !== undefined && watcherMatches(w, ev.old);
  if (before && now) return 'MODIFIED';
  if (now) return 'ADDED';
  if (before) return 'DELETED';
  return undefined;
}

/** The bounded event log and the set of watchers. */
export class WatchHub {
  readonly #log: ChangeEvent[] = [];
  readonly #size: number;
  readonly #watchers = new Set<Watcher>();
  #compactedRv: number;

  constructor(size: number, startRv: number) {
    this.#size = size;
    this.#compactedRv = startRv;
  }

  /** The oldest resourceVersion a watch can resume from. */
  get compactedRv(): number {
    return this.#compactedRv;
  }

  /** Logs a change and delivers it to matching watchers. */
  publish(ev: ChangeEvent): void {
    this.#log.push(ev);
    if (this.#log.length > this.#size) this.#compactedRv = this.#log.shift()!.rv;
    for (const w of this.#watchers) {
      if (w.resource !== ev.resource) continue;
      const type = translate(w, ev);
      if (type) w.send(type, ev.object);
    }
  }

  /** Events of a resource after `rv`, or undefined when `rv` is older than the log. */
  since(resource: string, rv: number): ChangeEvent[] | undefined {
    if (rv < this.#compactedRv) return undefined;
    return this.#log.filter((e) => e.rv > rv && e.resource === resource);
  }

  /** Registers a watcher; returns its removal function. */
  add(w: Watcher): () => void {
    this.#watchers.add(w);
    return () => this.#watchers.delete(w);
  }

  /** Closes the watchers of one resource (its CRD is gone). */
  closeResource(resource: string): void {
    for (const w of [...this.#watchers]) if (w.resource === resource) w.close();
  }

  /** Closes every watcher. */
  closeAll(): void {
    for (const w of [...this.#watchers]) w.close();
  }

  /** Drops the log so every older resourceVersion is expired. */
  compact(currentRv: number): void {
    this.#log.length = 0;
    this.#compactedRv = currentRv;
  }

  /** Open watchers. */
  get size(): number {
    return this.#watchers.size;
  }
}
