/**
 * @module operator/reconciler/apply
 * The apply and delete steps. Apply sends a server-side apply (field manager
 * `powerplane-operator`, force: the operator is the controller of what it made, so it takes back
 * fields another writer changed) only when the live object differs from the desired one, so an
 * unchanged object costs no write.
 */
import type { KubeObject } from '../../kube/types.js';
import { FIELD_MANAGER } from '../components/labels.js';
import { isSubset, withAppliedHash, rvNewer, APPLIED_HASH_ANNOTATION } from './compare.js';
import type { OperatorKube, ObjectReader } from './types.js';

/** What an apply did. */
export type ApplyOutcome = 'unchanged' | 'applied';

/** `kind/namespace/name` of an object. */
export function memoKey(o: Pick<KubeObject, 'kind' | 'metadata'>): string {
  return `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
}

/**
 * What the operator applied last, per object (content hash and the resourceVersion the server
 * answered), so a cache that has not yet seen the operator's own write does not cause another.
 * Forget an object when its informer reports it deleted.
 */
export class AppliedMemo {
  readonly #byKey = new Map<string, { hash: string; rv?: string }>();

  /** Records an apply. */
  remember(key: string, hash: string, rv: string | undefined): void {
    this.#byKey.set(key, { hash, rv });
  }

  /** Drops what is known of `key` (the object was deleted). */
  forget(key: string): void {
    this.#byKey.delete(key);
  }

  /** True when `hash` was applied at a version the cached `live` object is not newer than. */
  covers(key: string, hash: string, live: KubeObject | undefined): boolean {
    const m = this.#byKey.get(key);
    return m !== undefined && m.hash === hash && (!live || !rvNewer(live.metadata.resourceVersion, m.rv));
  }
}

/** Applies `desired` unless the live object already matches it (or the memo shows the cache is just behind). */
export async function applyIfChanged(kube: OperatorKube, reader: ObjectReader, desired: KubeObject, memo?: AppliedMemo): Promise<ApplyOutcome> {
  const target = withAppliedHash(desired);
  const key = memoKey(desired);
  const hash = target.metadata.annotations![APPLIED_HASH_ANNOTATION];
  const live = await reader.get(desired, desired.metadata.name ?? '', desired.metadata.namespace);
  if (live && !live.metadata.deletionTimestamp && isSubset(target, live)) return 'unchanged';
  if (memo?.covers(key, hash, live)) return 'unchanged';
  const result = await kube.apply(target, { fieldManager: FIELD_MANAGER, force: true });
  memo?.remember(key, hash, result?.metadata?.resourceVersion);
  return 'applied';
}

/** Deletes an object (background propagation); false when it was already gone. */
export async function deleteObject(kube: OperatorKube, obj: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>): Promise<boolean> {
  return kube.deleteIfExists(obj, obj.metadata.name ?? '', obj.metadata.namespace, { propagationPolicy: 'Background' });
}
