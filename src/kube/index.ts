/**
 * @module kube
 * The thin typed layer over @kubernetes/client-node 1.4.0: configuration loading, a generic client
 * with server-side apply and normalised errors, informers that restart, and Lease leader election.
 */
export { loadKubeConfig, type LoadKubeConfigOptions, type LoadedKubeConfig } from './kubeconfig.js';
export { KubeClient, PATCH_CONTENT_TYPE, type KubeClientOptions } from './client.js';
export { ResourceResolver, resourcesFromDiscovery } from './discovery.js';
export { ClientNodeTransport, type KubeRequest, type KubeTransport } from './transport.js';
export {
  KubeError,
  toKubeError,
  parseStatus,
  kubeErrorFromResponse,
  isNotFound,
  isConflict,
  isAlreadyExists,
  isGone,
  ERR_KUBE_API,
  ERR_KUBE_CONFIG,
  ERR_KUBE_UNKNOWN_KIND,
  ERR_KUBE_UNREACHABLE,
} from './errors.js';
export { Informer, backoffDelay, objectKey, type InformerOptions, type InformerHandlers } from './informer.js';
export { LeaseLock, microTime, type Lease, type LeaseSpec, type LeaseLockOptions } from './lease-lock.js';
export { LeaderElector, type LeaderElectorOptions } from './leader-elector.js';
export { WriteCounter } from './write-counter.js';
export { ApiConnectivity, type ConnectivityChange } from './connectivity.js';
export { EventRecorder, buildEvent, type EventType, type EventSource, type EventRecorderOptions } from './event-recorder.js';
export { splitApiVersion, groupVersionPath, resourcePath, formatSelector } from './paths.js';
export type * from './types.js';
