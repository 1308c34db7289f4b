/**
 * @module kube/informer
 * A list+watch cache for one resource, implemented over client-node's `Watch` so it survives what
 * client-node 1.4.0's own informer does not: it resumes from the last resourceVersion when a watch
 * closes, relists on 410 Gone (HTTP or ERROR event), restarts with exponential backoff on any other
 * error (1.4.0's informer simply stops), and optionally resyncs periodically (an `update` event
 * with the same object for every cached object, as client-go does).
 */
import { Watch } from '@kubernetes/client-node';
import type { KubeClient } from './client.js';
import { KubeError, isGone, toKubeError } from './errors.js';
import { formatSelector, resourcePath } from './paths.js';
import type { KindRef, KubeObject, KubeStatus } from './types.js';

/** What an Informer watches and how it recovers. */
export interface InformerOptions {
  /** Namespace scope; omitted = all namespaces (or cluster scope). */
  namespace?: string;
  labelSelector?: string | Record<string, string>;
  fieldSelector?: string | Record<string, string>;
  /** Period of resync `update` events in ms; 0 (default) = none. */
  resyncMs?: number;
  /** First restart delay after an error (default 500 ms); doubles up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  /** Largest restart delay (default 30 s). */
  maxBackoffMs?: number;
  /** Server-side watch timeout in seconds (default 300); the watch then resumes from the last version. */
  watchTimeoutSeconds?: number;
}

/** Handlers by event. `update` gets the new and the previous object. */
export interface InformerHandlers<T> {
  add: (obj: T) => void;
  update: (obj: T, old: T) => void;
  delete: (obj: T) => void;
  /** An error the informer recovers from by itself (it restarts after a backoff). */
  error: (err: KubeError) => void;
  /** The cache was (re)filled from a list. */
  synced: () => void;
}

type Listeners<T> = { [K in keyof InformerHandlers<T>]: Array<InformerHandlers<T>[K]> };

/** The delay before restart number `attempt` (0-based): initial·2^attempt, capped. Pure. */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
}

/** Cache key of an object: `namespace/name` or `name`. */
export function objectKey(name: string, namespace?: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** A list+watch cache of one resource with events and automatic recovery. */
export class Informer<T extends KubeObject = KubeObject> {
  readonly #client: KubeClient;
  readonly #ref: KindRef;
  readonly #options: InformerOptions;
  readonly #cache = new Map<string, T>();
  readonly #listeners: Listeners<T> = { add: [], update: [], delete: [], error: [], synced: [] };
  #resourceVersion = '';
  #running = false;
  #synced = false;
  #abort: AbortController | undefined;
  #wake: (() => void) | undefined;
  #resyncTimer: NodeJS.Timeout | undefined;
  #loop: Promise<void> | undefined;
  #firstSync: { promise: Promise<void>; resolve: () => void };

  constructor(client: KubeClient, ref: KindRef, options: InformerOptions = {}) {
    this.#client = client;
    this.#ref = ref;
    this.#options = options;
    this.#firstSync = deferred();
  }

  /** Registers a handler. */
  on<K extends keyof InformerHandlers<T>>(event: K, handler: InformerHandlers<T>[K]): this {
    (this.#listeners[event] as Array<InformerHandlers<T>[K]>).push(handler);
    return this;
  }

  /**
   * Starts listing and watching; resolves after the first successful list (errors are retried
   * meanwhile), or when the informer is stopped before that (then `hasSynced()` is false).
   */
  start(): Promise<void> {
    if (!this.#running) {
      this.#running = true;
      this.#loop = this.#run();
      const resync = this.#options.resyncMs ?? 0;
      if (resync > 0) {
        this.#resyncTimer = setInterval(() => this.#resync(), resync);
        this.#resyncTimer.unref();
      }
    }
    return this.#firstSync.promise;
  }

  /** Stops watching; the cache keeps its last content. */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#resyncTimer) clearInterval(this.#resyncTimer);
    this.#abort?.abort();
    this.#wake?.();
    await this.#loop;
    this.#firstSync.resolve();
  }

  /** True after the first complete list. */
  hasSynced(): boolean {
    return this.#synced;
  }

  /** The last resourceVersion seen (list, event or bookmark). */
  get resourceVersion(): string {
    return this.#resourceVersion;
  }

  /** One cached object. */
  get(name: string, namespace?: string): T | undefined {
    return this.#cache.get(objectKey(name, namespace));
  }

  /** Cached objects, optionally of one namespace. */
  list(namespace?: string): T[] {
    const all = [...this.#cache.values()];
    return namespace === undefined ? all : all.filter((o) => o.metadata.namespace === namespace);
  }

  async #run(): Promise<void> {
    let attempt = 0;
    while (this.#running) {
      try {
        if (!this.#resourceVersion) await this.#relist();
        const sawEvents = await this.#watchOnce();
        if (sawEvents) attempt = 0;
      } catch (err) {
        if (!this.#running) break;
        const kerr = toKubeError(err, `watch ${this.#ref.kind}`);
        if (isGone(kerr)) {
          this.#resourceVersion = '';
          continue;
        }
        if (kerr.httpStatus === 0) this.#client.connectivity?.unreachable(kerr.message);
        this.#emit('error', kerr);
        await this.#sleep(backoffDelay(attempt++, this.#options.initialBackoffMs ?? 500, this.#options.maxBackoffMs ?? 30_000));
      }
    }
  }

  async #relist(): Promise<void> {
    const list = await this.#client.list<T>(this.#ref, {
      namespace: this.#options.namespace,
      labelSelector: this.#options.labelSelector,
      fieldSelector: this.#options.fieldSelector,
    });
    if (!this.#running) return;
    const seen = new Set<string>();
    for (const obj of list.items) {
      const key = objectKey(obj.metadata.name ?? '', obj.metadata.namespace);
      seen.add(key);
      this.#upsert(key, obj);
    }
    for (const [key, old] of [...this.#cache]) {
      if (!seen.has(key)) {
        this.#cache.delete(key);
        this.#emit('delete', old);
      }
    }
    this.#resourceVersion = list.metadata.resourceVersion ?? '';
    this.#synced = true;
    this.#emit('synced');
    this.#firstSync.resolve();
  }

  /** Watches until the stream ends; resolves true when events arrived, rejects on errors (410 → Gone). */
  #watchOnce(): Promise<boolean> {
    const info = this.#client.resource(this.#ref);
    return info.then(
      (resource) =>
        new Promise<boolean>((resolve, reject) => {
          let sawEvents = false;
          let failure: KubeError | undefined;
          const abort = new AbortController();
          this.#abort = abort;
          const query: Record<string, string | number | boolean> = {
            resourceVersion: this.#resourceVersion,
            allowWatchBookmarks: true,
            timeoutSeconds: this.#options.watchTimeoutSeconds ?? 300,
          };
          const label = formatSelector(this.#options.labelSelector);
          const field = formatSelector(this.#options.fieldSelector);
          if (label) query.labelSelector = label;
          if (field) query.fieldSelector = field;
          const onEvent = (type: string, obj: unknown): void => {
            if (!this.#running || failure) return;
            this.#client.connectivity?.answered();
            if (type === 'ERROR') {
              const status = obj as KubeStatus;
              failure = new KubeError(status.code ?? 500, status.reason ?? '', `watch ${this.#ref.kind}: ${status.message ?? 'error event'}`, status);
              controller?.abort();
              return;
            }
            const o = obj as T;
            if (o?.metadata?.resourceVersion) this.#resourceVersion = o.metadata.resourceVersion;
            if (type === 'BOOKMARK') return;
            sawEvents = true;
            const typed = { ...o, apiVersion: this.#ref.apiVersion, kind: this.#ref.kind };
            const key = objectKey(o.metadata.name ?? '', o.metadata.namespace);
            if (type === 'DELETED') {
              const old = this.#cache.get(key);
              this.#cache.delete(key);
              this.#emit('delete', old ?? typed);
            } else {
              this.#upsert(key, typed);
            }
          };
          let controller: AbortController | undefined;
          const onDone = (err: unknown): void => {
            this.#abort = undefined;
            if (failure) reject(failure);
            else if (err && this.#running && !abort.signal.aborted) reject(toKubeError(err, `watch ${this.#ref.kind}`));
            else resolve(sawEvents);
          };
          new Watch(this.#client.kubeConfig).watch(resourcePath(resource, this.#options.namespace), query, onEvent, onDone).then(
            (c) => {
              controller = c;
              if (abort.signal.aborted || !this.#running) c.abort();
              else abort.signal.addEventListener('abort', () => c.abort(), { once: true });
            },
            (err: unknown) => onDone(err),
          );
        }),
    );
  }

  #upsert(key: string, obj: T): void {
    const old = this.#cache.get(key);
    this.#cache.set(key, obj);
    if (!old) this.#emit('add', obj);
    else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) this.#emit('update', obj, old);
  }

  #resync(): void {
    for (const obj of this.#cache.values()) this.#emit('update', obj, obj);
  }

  #emit<K extends keyof InformerHandlers<T>>(event: K, ...args: Parameters<InformerHandlers<T>[K]>): void {
    for (const handler of this.#listeners[event]) {
      try {
        (handler as (...a: unknown[]) => void)(...args);
      } catch (err) {
        if (event !== 'error') this.#emit('error', toKubeError(err, `informer ${this.#ref.kind} handler`));
      }
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
