/**
 * @module operator/reconciler/compare
 * Decides whether a live object already holds everything the operator wants, so an unchanged
 * object costs no write at all: every field of the desired object must be present in the live one
 * with an equal value (fields the API server defaulted are ignored; quantities compare by value).
 * Desired objects carry an annotation with the hash of their content, so fields the operator
 * stopped setting also count as a change.
 */
import type { KubeObject } from '../../kube/types.js';
import { contentHash } from '../../core/hash.js';

/** Annotation holding the hash of what the operator last applied. */
export const APPLIED_HASH_ANNOTATION = 'powerplane.io/applied-hash';

const SUFFIX: Record<string, number> = {
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** Parses a Kubernetes quantity (`100m`, `1.5Gi`, `2`) to a number; undefined when it is not one. Pure. */
export function parseQuantity(s: string): number | undefined {
  const m = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/.exec(s);
  if (!m) return undefined;
  const n = Number(m[1]);
  return Number.isFinite(n) ? n * (m[2] ? SUFFIX[m[2]] : 1) : undefined;
}

/** True when every field of `desired` is in `live` with an equal value. Pure. */
export function isSubset(desired: unknown, live: unknown): boolean {
  if (desired === live) return true;
  if (Array.isArray(desired)) {
    return Array.isArray(live) && desired.length === live.length && desired.every((d, i) => isSubset(d, live[i]));
  }
  if (desired && typeof desired === 'object') {
    if (!live || typeof live !== 'object' || Array.isArray(live)) return false;
    const l = live as Record<string, unknown>;
    return Object.entries(desired as Record<string, unknown>).every(([k, v]) => v === undefined || isSubset(v, l[k]));
  }
  if (typeof desired === 'string' && typeof live === 'string') {
    const a = parseQuantity(desired);
    return a !== undefined && a === parseQuantity(live);
  }
  if (typeof desired === 'string' && typeof live === 'number') return String(live) === desired;
  return false;
}

/** Returns `obj` with the applied-hash annotation of its content. Pure. */
export function withAppliedHash<T extends KubeObject>(obj: T): T {
  const hash = contentHash(obj);
  return { ...obj, metadata: { ...obj.metadata, annotations: { ...obj.metadata.annotations, [APPLIED_HASH_ANNOTATION]: hash } } };
}

/**
 * True when resourceVersion `a` is known to be newer than `b`. Resource versions are opaque, but
 * etcd's (and the fake API server's) are integers; anything else counts as "maybe newer". Pure.
 */
export function rvNewer(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return true;
  return BigInt(a) > BigInt(b);
}
