/**
 * @module kube/event-recorder
 * Kubernetes Events (`events.k8s.io/v1`) about an object, as `kubectl describe` and
 * `kubectl get events` show them: type Normal or Warning, a CamelCase reason, the action taken and a
 * note. An identical event (same object, type, reason and note) is written at most once per
 * `repeatMs` (default 10 min), so a failure retried with backoff does not flood the API server.
 * Recording never throws: a failed write is passed to `onError` (a log line), never to the caller.
 */
import { randomBytes } from 'node:crypto';
import type { KubeClient } from './client.js';
import { microTime } from './lease-lock.js';
import type { KubeObject } from './types.js';

/** Normal or Warning, as Kubernetes defines them. */
export type EventType = 'Normal' | 'Warning';

/** Who records: the controller name and this instance (pod or host name). */
export interface EventSource {
  controller: string;
  instance: string;
}

/** Options of {@link EventRecorder}. */
export interface EventRecorderOptions {
  kube: Pick<KubeClient, 'create'>;
  source: EventSource;
  /** Shortest interval between identical events (default 10 min). */
  repeatMs?: number;
  now?: () => Date;
  onError?: (err: unknown) => void;
}

/** Longest note the API server accepts (1 KiB). */
const MAX_NOTE = 1024;

/** The `events.k8s.io/v1` Event about `regarding`. Events of cluster-scoped objects go to `default`, as the API server requires. Pure. */
export function buildEvent(
  regarding: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>,
  e: { type: EventType; reason: string; action: string; note: string },
  source: EventSource,
  now: Date,
  suffix: string,
): KubeObject {
  const namespace = regarding.metadata.namespace ?? 'default';
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: `${regarding.metadata.name}.${suffix}`, namespace },
    eventTime: microTime(now.getTime()),
    reportingController: source.controller,
    reportingInstance: source.instance,
    type: e.type,
    reason: e.reason,
    action: e.action,
    note: e.note.length > MAX_NOTE ? `${e.note.slice(0, MAX_NOTE - 1)}…` : e.note,
    regarding: {
      apiVersion: regarding.apiVersion,
      kind: regarding.kind,
      name: regarding.metadata.name,
      ...(regarding.metadata.namespace ? { namespace: regarding.metadata.namespace } : {}),
      ...(regarding.metadata.uid ? { uid: regarding.metadata.uid } : {}),
      ...(regarding.metadata.resourceVersion ? { resourceVersion: regarding.metadata.resourceVersion } : {}),
    },
  };
}

/** Records Events. */
export class EventRecorder {
  readonly #o: EventRecorderOptions;
  readonly #last = new Map<string, number>();

  constructor(options: EventRecorderOptions) {
    this.#o = options;
  }

  /** Records an event about `regarding` (no-op when the same one was recorded within `repeatMs`). */
  async record(
    regarding: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>,
    type: EventType,
    reason: string,
    action: string,
    note: string,
  ): Promise<void> {
    const now = this.#o.now?.() ?? new Date();
    const key = JSON.stringify([regarding.kind, regarding.metadata.namespace, regarding.metadata.name, type, reason, note]);
    const last = this.#last.get(key);
    if (last !== undefined && now.getTime() - last < (this.#o.repeatMs ?? 600_000)) return;
    this.#last.set(key, now.getTime());
    if (this.#last.size > 1000) this.#last.delete(this.#last.keys().next().value as string);
    const event = buildEvent(
      regarding,
      { type, reason, action, note },
      this.#o.source,
      now,
      `${now.getTime().toString(16)}${randomBytes(3).toString('hex')}`,
    );
    try {
      await this.#o.kube.create(event);
    } catch (err) {
      this.#last.delete(key);
      this.#o.onError?.(err);
    }
  }
}
