/**
 * @module operator/capping/actuator
 * Writes limits and restores them. Every write uses the field manager `powerplane-capper`.
 *
 * - ScaledObject: server-side apply of `spec.maxReplicaCount` (never the HPA KEDA owns);
 *   InferenceService: `spec.predictor.maxReplicas`; the first limit takes the field over (force),
 *   later ones do not force, so a conflicting writer answers 409 and wins.
 * - Deployment / StatefulSet without KEDA: `spec.replicas` through the scale subresource.
 * - The user's value is remembered in the annotation `powerplane.io/capper-original` and the limit
 *   written in `powerplane.io/capper-limit`; when the live value no longer equals that limit, another
 *   writer changed it: the capper neither overrides nor restores it (ConflictingWriter).
 * - Restore puts the user's value back (a merge patch, which also drops the capper's annotations).
 */
import type { KubeClient } from '../../kube/client.js';
import { isConflict } from '../../kube/errors.js';
import type { KubeObject } from '../../kube/types.js';
import { ANNOTATIONS, TARGET_REFS, originalOf, type ResolvedTarget } from './targets.js';
import { scaleTo } from './kube-ops.js';
import { errorMessage } from '../../core/errors.js';

/** Field manager of every capper write. */
export const CAPPER_FIELD_MANAGER = 'powerplane-capper';

/** What the actuator needs of the client. */
export type ActuatorKube = Pick<KubeClient, 'apply' | 'mergePatch' | 'resource' | 'transport'>;

/** Outcome of a limit or restore. */
export type WriteOutcome =
  | { ok: true; change: string }
  | { ok: false; conflict: true; reason: string }
  | { ok: false; conflict: false; reason: string };

/** The value of the limited field on the live object. Pure. */
export function liveValue(t: Pick<ResolvedTarget, 'kind' | 'object'>): number | undefined {
  const spec = (t.object?.spec ?? {}) as { maxReplicaCount?: number; replicas?: number; predictor?: { maxReplicas?: number } };
  if (t.kind === 'ScaledObject') return spec.maxReplicaCount;
  if (t.kind === 'InferenceService') return spec.predictor?.maxReplicas;
  return spec.replicas ?? 1;
}

/** True when someone other than the capper changed the field since the capper's last write. Pure. */
export function changedByOther(t: Pick<ResolvedTarget, 'currentLimit' | 'live'>): boolean {
  return t.currentLimit !== undefined && t.live !== t.currentLimit;
}

function specFor(kind: ResolvedTarget['kind'], n: number | null): Record<string, unknown> {
  if (kind === 'ScaledObject') return { maxReplicaCount: n };
  return { predictor: { maxReplicas: n } };
}

/** Limits a target to `n` replicas for policy `policyKey` (`namespace/name`). */
export async function limitTarget(kube: ActuatorKube, t: ResolvedTarget, n: number, policyKey: string): Promise<WriteOutcome> {
  if (!t.object) return { ok: false, conflict: false, reason: 'target not found' };
  if (t.cappedBy && t.cappedBy !== policyKey) return { ok: false, conflict: true, reason: `already limited by policy ${t.cappedBy}` };
  if (changedByOther(t))
    return {
      ok: false,
      conflict: true,
      reason: `${t.field} is ${String(liveValue(t))}, not the ${String(t.currentLimit)} the capper wrote: another writer owns it now`,
    };
  const first = t.currentLimit === undefined;
  const remembered = originalOf(t.object);
  const original = remembered !== undefined ? remembered : (liveValue(t) ?? null);
  const annotations = { [ANNOTATIONS.policy]: policyKey, [ANNOTATIONS.original]: JSON.stringify(original), [ANNOTATIONS.limit]: String(n) };
  const before = liveValue(t);
  const metadata = { name: t.name, namespace: t.namespace, annotations };
  try {
    if (t.kind === 'ScaledObject' || t.kind === 'InferenceService') {
      await kube.apply({ apiVersion: TARGET_REFS[t.kind].apiVersion, kind: t.kind, metadata, spec: specFor(t.kind, n) } as KubeObject, {
        fieldManager: CAPPER_FIELD_MANAGER,
        force: first,
      });
    } else {
      await kube.apply({ apiVersion: 'apps/v1', kind: t.kind, metadata } as KubeObject, { fieldManager: CAPPER_FIELD_MANAGER, force: first });
      await scaleTo(kube, TARGET_REFS[t.kind], t.name, t.namespace, n, CAPPER_FIELD_MANAGER);
    }
  } catch (err) {
    if (isConflict(err)) return { ok: false, conflict: true, reason: `another field manager owns ${t.field}: ${errorMessage(err)}` };
    throw err;
  }
  return { ok: true, change: `${t.field === 'scale' ? 'replicas' : t.field} ${before ?? 'unset'} → ${n}` };
}

/**
 * Restores the user's value on a target the capper limited (no-op without the capper's annotations).
 * When another writer changed the field meanwhile, only the annotations are removed.
 */
export async function restoreTarget(kube: ActuatorKube, t: ResolvedTarget): Promise<WriteOutcome | undefined> {
  if (!t.object || t.currentLimit === undefined) return undefined;
  const dropAnnotations = { [ANNOTATIONS.policy]: null, [ANNOTATIONS.original]: null, [ANNOTATIONS.limit]: null };
  const ref = TARGET_REFS[t.kind];
  const original = originalOf(t.object);
  if (changedByOther(t) || original === undefined) {
    await kube.mergePatch(ref, t.name, t.namespace, { metadata: { annotations: dropAnnotations } }, CAPPER_FIELD_MANAGER);
    return { ok: false, conflict: true, reason: `${t.field} was changed by another writer to ${String(liveValue(t))}: left as is` };
  }
  const before = liveValue(t);
  if (t.kind === 'ScaledObject' || t.kind === 'InferenceService') {
    await kube.mergePatch(
      ref,
      t.name,
      t.namespace,
      { metadata: { annotations: dropAnnotations }, spec: specFor(t.kind, original) },
      CAPPER_FIELD_MANAGER,
    );
  } else {
    if (typeof original === 'number') await scaleTo(kube, ref, t.name, t.namespace, original, CAPPER_FIELD_MANAGER);
    await kube.mergePatch(ref, t.name, t.namespace, { metadata: { annotations: dropAnnotations } }, CAPPER_FIELD_MANAGER);
  }
  return { ok: true, change: `${t.field === 'scale' ? 'replicas' : t.field} ${before ?? 'unset'} → ${original ?? 'unset'} (restored)` };
}
