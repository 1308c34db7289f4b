/**
 * @module agent/pods/pod-index
 * Pure mapping of Pod objects (kubelet `/pods` or the API server) to container ids: every container
 * status (regular, init and ephemeral) whose `containerID` is `<runtime>://<id>` maps the id to the pod.
 */

import type { PodRef } from './types.js';

/** The parts of a Pod the agent reads. */
export interface PodLike {
  metadata?: { uid?: string; name?: string; namespace?: string };
  spec?: { containers?: Array<{ name?: string; resources?: { requests?: Record<string, string | number> } }> };
  status?: {
    containerStatuses?: Array<{ name?: string; containerID?: string }>;
    initContainerStatuses?: Array<{ name?: string; containerID?: string }>;
    ephemeralContainerStatuses?: Array<{ name?: string; containerID?: string }>;
  };
}

/** CPU quantity → millicores: `250m` → 250, `1` → 1000, `0.5` → 500; invalid → 0. */
export function cpuMilli(q: string | number | undefined): number {
  if (q === undefined) return 0;
  if (typeof q === 'number') return Number.isFinite(q) && q > 0 ? Math.round(q * 1000) : 0;
  const m = /^(\d+(?:\.\d+)?)(m|)$/.exec(q.trim());
  if (!m) return 0;
  const v = Number(m[1]);
  return m[2] === 'm' ? Math.round(v) : Math.round(v * 1000);
}

/** Strips the `<runtime>://` prefix of a container status id. */
export function bareContainerId(containerID: string): string {
  const i = containerID.indexOf('://');
  return i >= 0 ? containerID.slice(i + 3) : containerID;
}

/** Builds the container-id → pod map of a pod list. */
export function indexPods(pods: readonly PodLike[]): Map<string, PodRef> {
  const out = new Map<string, PodRef>();
  for (const p of pods) {
    const uid = p.metadata?.uid;
    const name = p.metadata?.name;
    if (!uid || !name) continue;
    const requests = new Map<string, number>();
    for (const c of p.spec?.containers ?? []) if (c.name) requests.set(c.name, cpuMilli(c.resources?.requests?.cpu));
    const st = p.status;
    for (const s of [...(st?.containerStatuses ?? []), ...(st?.initContainerStatuses ?? []), ...(st?.ephemeralContainerStatuses ?? [])]) {
      if (!s.containerID) continue;
      const id = bareContainerId(s.containerID);
      if (!id) continue;
      out.set(id, {
        uid,
        name,
        namespace: p.metadata?.namespace ?? '',
        containerName: s.name ?? '',
        cpuRequestMilli: requests.get(s.name ?? '') ?? 0,
      });
    }
  }
  return out;
}
