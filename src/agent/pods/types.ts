/**
 * @module agent/pods/types
 * The seam between the agent and where pod identities come from (the kubelet `/pods` endpoint or an
 * API-server watch of this node's pods).
 */

/** The pod a container belongs to. */
export interface PodRef {
  uid: string;
  name: string;
  namespace: string;
  /** The container's name in the pod spec. */
  containerName: string;
  /** The container's CPU request, millicores (0 when none). */
  cpuRequestMilli: number;
}

/** Maps container ids to pods. */
export interface PodResolver {
  /** `kubelet` or `apiserver`. */
  readonly source: string;
  /** The pod of a container id (64 hex, no runtime prefix); a miss may trigger a background refresh. */
  lookup(containerId: string): PodRef | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
}
