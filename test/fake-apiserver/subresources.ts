/**
 * @module fake-apiserver/subresources
 * The `scale` subresource of Deployments, StatefulSets and ReplicaSets (autoscaling/v1 `Scale`: GET,
 * PUT, merge/JSON patch; writes change `spec.replicas` as the field manager named) and the pods
 * `eviction` subresource (policy/v1 `Eviction`, POST): a PodDisruptionBudget of the namespace whose
 * selector matches the pod and whose `status.disruptionsAllowed` is 0 or less refuses it with 429
 * TooManyRequests, as the real server does; otherwise the budget's `disruptionsAllowed` is decremented
 * and the pod deleted. (The real disruption controller keeps `disruptionsAllowed` current; here tests
 * write it, since no controller runs.)
 */
import fastJsonPatch from 'fast-json-patch';
import { mergePatch, isPlainObject } from './merge-patch.js';
import { matchLabels } from './selectors.js';
import { ApiError, badRequest } from './status.js';
import type { Store } from './store.js';
import type { ResourceDef, StoredObject } from './types.js';

/** Kinds with a scale subresource. */
export const SCALABLE = new Set(['apps/deployments', 'apps/statefulsets', 'apps/replicasets']);

function selectorString(sel: unknown): string {
  const m = (isPlainObject(sel) && isPlainObject(sel.matchLabels) ? sel.matchLabels : {}) as Record<string, string>;
  return Object.entries(m)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** The Scale object of a workload. Pure. */
export function scaleOf(obj: StoredObject): Record<string, unknown> {
  const spec = (obj.spec ?? {}) as { replicas?: number; selector?: unknown };
  const status = (obj.status ?? {}) as { replicas?: number };
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: spec.replicas ?? 1 },
    status: { replicas: status.replicas ?? 0, selector: selectorString(spec.selector) },
  };
}

/** Serves `…/{name}/scale`: answers the Scale after the write (if any). */
export function handleScale(
  store: Store,
  def: ResourceDef,
  namespace: string | undefined,
  name: string,
  method: string,
  contentType: string,
  body: unknown,
  manager: string,
): Record<string, unknown> {
  const current = store.get(def, namespace, name);
  if (method === 'GET') return scaleOf(current);
  let next: Record<string, unknown>;
  const scale = scaleOf(current);
  if (method === 'PUT') next = body as Record<string, unknown>;
  else if (method === 'PATCH' && contentType.startsWith('application/json-patch+json')) {
    if (!Array.isArray(body)) throw badRequest('a JSON patch must be an array of operations');
    next = fastJsonPatch.applyPatch(scale, body as fastJsonPatch.Operation[], false, false).newDocument;
  } else if (method === 'PATCH') {
    if (!isPlainObject(body)) throw badRequest('a merge patch must be a JSON object');
    next = mergePatch(scale, body) as Record<string, unknown>;
  } else throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  const replicas = (next?.spec as { replicas?: unknown } | undefined)?.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0)
    throw new ApiError(422, 'Invalid', 'spec.replicas: Invalid value: must be a non-negative integer');
  const rv = (next.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
  if (method === 'PUT' && rv !== undefined && rv !== current.metadata.resourceVersion)
    throw new ApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${def.plural}.${def.group} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    );
  const updated = store.patch(def, namespace, name, (o) => ({ ...o, spec: { ...(o.spec as object), replicas } }), { manager });
  return scaleOf(updated);
}

/** Serves `POST pods/{name}/eviction`: 429 when a matching PDB allows no disruption, else deletes the pod. */
export function handleEviction(store: Store, podDef: ResourceDef, namespace: string, name: string, body: unknown): Record<string, unknown> {
  if (!isPlainObject(body) || body.kind !== 'Eviction') throw badRequest('the body must be a policy/v1 Eviction');
  const pod = store.get(podDef, namespace, name);
  const pdbDef = store.def('policy/v1', 'PodDisruptionBudget');
  const labels = pod.metadata.labels ?? {};
  const pdbs = store.list(pdbDef, namespace).filter((p) => {
    const sel = (p.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined)?.selector?.matchLabels;
    return (
      sel !== undefined &&
      Object.keys(sel).length > 0 &&
      matchLabels(
        Object.entries(sel).map(([key, value]) => ({ key, op: '=' as const, values: [value] })),
        labels,
      )
    );
  });
  for (const p of pdbs) {
    const allowed = (p.status as { disruptionsAllowed?: number } | undefined)?.disruptionsAllowed ?? 0;
    if (allowed <= 0) {
      throw new ApiError(429, 'TooManyRequests', `Cannot evict pod as it would violate the pod's disruption budget.`, {
        causes: [{ reason: 'DisruptionBudget', message: `The disruption budget ${p.metadata.name} needs more healthy pods` }],
      });
    }
  }
  for (const p of pdbs) {
    const allowed = (p.status as { disruptionsAllowed: number }).disruptionsAllowed;
    store.patch(pdbDef, namespace, p.metadata.name, (o) => ({ ...o, status: { ...(o.status as object), disruptionsAllowed: allowed - 1 } }), {
      manager: 'fake-disruption',
      subresource: 'status',
    });
  }
  store.delete(podDef, namespace, name, {});
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
}
