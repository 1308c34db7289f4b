/**
 * @module operator/capping/kube-ops
 * The two API calls the capper needs beyond the generic client: the `scale` subresource of a
 * Deployment or StatefulSet (merge patch of `spec.replicas`) and the Eviction API (`POST
 * pods/{name}/eviction`, policy/v1), both over the client's transport.
 */
import type { KubeClient } from '../../kube/client.js';
import { KubeError } from '../../kube/errors.js';
import { resourcePath } from '../../kube/paths.js';
import type { KindRef } from '../../kube/types.js';
import { PATCH_CONTENT_TYPE } from '../../kube/client.js';

/** Sets `spec.replicas` through the scale subresource. */
export async function scaleTo(
  kube: Pick<KubeClient, 'resource' | 'transport'>,
  ref: KindRef,
  name: string,
  namespace: string,
  replicas: number,
  fieldManager: string,
): Promise<void> {
  const info = await kube.resource(ref);
  await kube.transport.request({
    method: 'PATCH',
    path: resourcePath(info, namespace, name, 'scale'),
    body: { spec: { replicas } },
    contentType: PATCH_CONTENT_TYPE.merge,
    query: { fieldManager },
  });
}

/** Outcome of an eviction. */
export type EvictionOutcome = 'evicted' | 'blocked' | 'gone';

/** Evicts a pod: `blocked` when a PodDisruptionBudget refuses (429: retry later), `gone` when it no longer exists. */
export async function evictPod(kube: Pick<KubeClient, 'resource' | 'transport'>, name: string, namespace: string): Promise<EvictionOutcome> {
  const info = await kube.resource({ apiVersion: 'v1', kind: 'Pod' });
  try {
    await kube.transport.request({
      method: 'POST',
      path: resourcePath(info, namespace, name, 'eviction'),
      body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace } },
    });
    return 'evicted';
  } catch (err) {
    if (err instanceof KubeError && err.httpStatus === 429) return 'blocked';
    if (err instanceof KubeError && err.httpStatus === 404) return 'gone';
    throw err;
  }
}
