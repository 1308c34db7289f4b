/**
 * @module estimator/scheduler/pod-counts
 * The spread policy's data: how many pods of each workload are bound to each node, kept from pod events
 * (the estimator's pod watch calls `upsert` for added and changed pods, `remove` for deleted ones). A
 * pod counts on the node in its `spec.nodeName` until it terminates (phase `Succeeded` or `Failed`) or
 * is deleted; its workload is {@link workloadOf} (the same function the extender applies to the pod it
 * schedules). When a pod is first seen on a node — it was bound — `onBound` is called with its UID.
 */
import type { WorkloadPods } from './extender.js';
import { workloadOf } from './pod.js';
import type { JsonObject } from './wire.js';

interface Seen {
  workload?: string;
  /** The node it counts on (bound and not terminated). */
  node?: string;
  /** Its spec.nodeName, terminated or not. */
  boundTo?: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const obj = (v: unknown): JsonObject => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as JsonObject) : {});

/** Pods per workload and node, from pod events. */
export class PodCounts implements WorkloadPods {
  private readonly pods = new Map<string, Seen>();
  private readonly counts = new Map<string, Map<string, number>>();

  constructor(private readonly onBound?: (uid: string, node: string) => void) {}

  /** A pod was added or changed. */
  upsert(pod: JsonObject): void {
    const meta = obj(pod.metadata);
    const key = podKey(meta);
    const spec = obj(pod.spec);
    const phase = obj(pod.status).phase;
    const boundTo = str(spec.nodeName);
    const terminated = phase === 'Succeeded' || phase === 'Failed';
    const workload = workloadOf(pod);
    const prev = this.pods.get(key);
    this.move(prev, workload, terminated ? undefined : boundTo);
    this.pods.set(key, { workload, node: terminated ? undefined : boundTo, boundTo });
    if (boundTo && !prev?.boundTo && this.onBound) this.onBound(str(meta.uid) ?? key, boundTo);
  }

  /** A pod was deleted. */
  remove(pod: JsonObject): void {
    const key = podKey(obj(pod.metadata));
    this.move(this.pods.get(key), undefined, undefined);
    this.pods.delete(key);
  }

  /** Pods of `workload` by node name. */
  perNode(workload: string): ReadonlyMap<string, number> | undefined {
    return this.counts.get(workload);
  }

  /** Pods known (bound or not). */
  get size(): number {
    return this.pods.size;
  }

  /** Moves a pod's count from where it was to (`workload`, `node`). */
  private move(prev: Seen | undefined, workload: string | undefined, node: string | undefined): void {
    if (prev?.workload === workload && prev?.node === node) return;
    if (prev?.workload && prev.node) this.add(prev.workload, prev.node, -1);
    if (workload && node) this.add(workload, node, 1);
  }

  private add(workload: string, node: string, by: number): void {
    let m = this.counts.get(workload);
    if (!m) this.counts.set(workload, (m = new Map()));
    const v = (m.get(node) ?? 0) + by;
    if (v > 0) m.set(node, v);
    else {
      m.delete(node);
      if (m.size === 0) this.counts.delete(workload);
    }
  }
}

/** A pod's identity: its UID, or namespace/name when it has none. */
function podKey(meta: JsonObject): string {
  return str(meta.uid) ?? `${str(meta.namespace) ?? 'default'}/${str(meta.name) ?? ''}`;
}
