/**
 * @module operator/reconciler/finalizer
 * Adding and removing the operator's finalizer by server-side apply: the operator's field manager
 * owns just its own entry of the `finalizers` set (applying without it removes it, leaving other
 * finalizers alone), and the apply carries the resourceVersion read as a precondition, so a
 * concurrent change answers 409 and the reconcile requeues.
 */
import type { KubeObject } from '../../kube/types.js';
import { FIELD_MANAGER } from '../components/labels.js';
import type { OperatorKube } from './types.js';

/** The finalizer on every PowerMonitor the operator installed from. */
export const FINALIZER = 'powerplane.io/finalizer';

/** True when `obj` carries the finalizer. */
export function hasFinalizer(obj: Pick<KubeObject, 'metadata'>): boolean {
  return (obj.metadata.finalizers ?? []).includes(FINALIZER);
}

async function applyFinalizer(kube: OperatorKube, obj: KubeObject, present: boolean): Promise<KubeObject> {
  const metadata = {
    name: obj.metadata.name,
    namespace: obj.metadata.namespace,
    resourceVersion: obj.metadata.resourceVersion,
    ...(present ? { finalizers: [FINALIZER] } : {}),
  };
  return kube.apply({ apiVersion: obj.apiVersion, kind: obj.kind, metadata }, { fieldManager: FIELD_MANAGER });
}

/** Adds the finalizer; returns the updated object (the server's answer, of `obj`'s kind), or undefined when it was already there (no write). */
export async function ensureFinalizer<T extends KubeObject>(kube: OperatorKube, obj: T): Promise<T | undefined> {
  if (hasFinalizer(obj)) return undefined;
  return { ...(await applyFinalizer(kube, obj, true)), apiVersion: obj.apiVersion, kind: obj.kind } as T;
}

/** Removes the finalizer (no write when absent). Returns true when it wrote. */
export async function removeFinalizer(kube: OperatorKube, obj: KubeObject): Promise<boolean> {
  if (!hasFinalizer(obj)) return false;
  await applyFinalizer(kube, obj, false);
  return true;
}
