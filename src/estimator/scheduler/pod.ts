/**
 * @module estimator/scheduler/pod
 * What a pod asks of a node, read from the v1 Pod the scheduler sends (pure): CPU in millicores as
 * Kubernetes accounts a pod's request (the containers' sum, or the largest init container when larger,
 * restartable init containers (sidecars) added, plus `spec.overhead`), GPUs (`nvidia.com/gpu`), the
 * workload it belongs to (for the spread policy) and its placement annotation.
 */
import { parseCpuMilli } from '../monitors/quantity.js';
import type { JsonObject } from './wire.js';

/** The pod annotation choosing the placement policy. */
export const PLACEMENT_ANNOTATION = 'powerplane.io/placement';
/** The pod annotation overriding the spread policy's per-node cap. */
export const SPREAD_MAX_ANNOTATION = 'powerplane.io/spread-max-per-node';
/** The pod label naming its workload explicitly (wins over the owner references). */
export const WORKLOAD_LABEL = 'powerplane.io/workload';
/** The extended resource of NVIDIA GPUs. */
export const GPU_RESOURCE = 'nvidia.com/gpu';

/** What a pod asks for. */
export interface PodDemand {
  /** `namespace/name` (for logs). */
  ref: string;
  uid: string;
  /** CPU in millicores (the configured default when the pod requests none). */
  cpuMilli: number;
  /** True when `cpuMilli` is the configured default. */
  defaultedCpu: boolean;
  /** GPUs requested. */
  gpus: number;
  /** The workload (controller) it belongs to, e.g. `Deployment/default/web`; undefined for a bare pod. */
  workload?: string;
  /** The `powerplane.io/placement` annotation, if set. */
  placement?: string;
  /** The `powerplane.io/spread-max-per-node` annotation, if set. */
  spreadMax?: string;
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): JsonObject[] => (Array.isArray(v) ? v.filter(isObject) : []);

/** A container's request of a resource, falling back to its limit (the API server's defaulting); 0 when absent. */
function containerRequest(c: JsonObject, resource: string, parse: (q: unknown) => number | undefined): number {
  const r = isObject(c.resources) ? c.resources : {};
  const req = isObject(r.requests) ? r.requests[resource] : undefined;
  const lim = isObject(r.limits) ? r.limits[resource] : undefined;
  return parse(req) ?? parse(lim) ?? 0;
}

/** The pod's effective request of `resource` as the scheduler counts it. */
export function podRequest(pod: JsonObject, resource: string, parse: (q: unknown) => number | undefined): number {
  const spec = isObject(pod.spec) ? pod.spec : {};
  let sum = 0;
  for (const c of list(spec.containers)) sum += containerRequest(c, resource, parse);
  let sidecars = 0;
  let initMax = 0;
  for (const c of list(spec.initContainers)) {
    const v = containerRequest(c, resource, parse);
    if (c.restartPolicy === 'Always') sidecars += v;
    else initMax = Math.max(initMax, sidecars + v);
  }
  const overhead = isObject(spec.overhead) ? (parse(spec.overhead[resource]) ?? 0) : 0;
  return Math.max(sum + sidecars, initMax) + overhead;
}

/** Parses an integer count quantity (`1`, `2`); undefined otherwise. */
function parseCount(q: unknown): number | undefined {
  if (typeof q === 'number') return Number.isSafeInteger(q) && q >= 0 ? q : undefined;
  if (typeof q === 'string' && /^\s*\d{1,6}\s*$/.test(q)) return Number(q);
  return undefined;
}

/**
 * The workload a pod belongs to, within its namespace: the label `powerplane.io/workload` when set
 * (`label/<ns>/<value>`), else its controller owner (StatefulSet, DaemonSet, Job, …); a ReplicaSet whose
 * name is `<deployment>-<pod-template-hash>` counts as the Deployment (read from the pod alone, so no
 * ReplicaSet needs to be read). Undefined for a bare pod.
 */
export function workloadOf(pod: JsonObject): string | undefined {
  const meta = isObject(pod.metadata) ? pod.metadata : {};
  const ns = typeof meta.namespace === 'string' ? meta.namespace : 'default';
  const labels = isObject(meta.labels) ? meta.labels : {};
  const named = labels[WORKLOAD_LABEL];
  if (typeof named === 'string' && named !== '') return `label/${ns}/${named}`;
  const owner = list(meta.ownerReferences).find((o) => o.controller === true) ?? list(meta.ownerReferences)[0];
  if (!owner || typeof owner.kind !== 'string' || typeof owner.name !== 'string') return undefined;
  const hash = labels['pod-template-hash'];
  if (owner.kind === 'ReplicaSet' && typeof hash === 'string' && hash && owner.name.endsWith(`-${hash}`)) {
    return `Deployment/${ns}/${owner.name.slice(0, -hash.length - 1)}`;
  }
  return `${owner.kind}/${ns}/${owner.name}`;
}

/** Reads a pod's demand; `defaultCpuMilli` stands in when it requests no CPU. */
export function podDemand(pod: JsonObject, defaultCpuMilli: number): PodDemand {
  const meta = isObject(pod.metadata) ? pod.metadata : {};
  const ann = isObject(meta.annotations) ? meta.annotations : {};
  const cpu = Math.ceil(podRequest(pod, 'cpu', parseCpuMilli) - 1e-9);
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    ref: `${str(meta.namespace) ?? 'default'}/${str(meta.name) ?? str(meta.generateName) ?? ''}`,
    uid: str(meta.uid) ?? '',
    cpuMilli: cpu > 0 ? cpu : defaultCpuMilli,
    defaultedCpu: !(cpu > 0),
    gpus: podRequest(pod, GPU_RESOURCE, parseCount),
    workload: workloadOf(pod),
    placement: str(ann[PLACEMENT_ANNOTATION]),
    spreadMax: str(ann[SPREAD_MAX_ANNOTATION]),
  };
}
