/**
 * @module kube/types
 * Plain-JSON shapes of Kubernetes objects as the kube layer returns them (no client-node model
 * classes, no Date objects: timestamps stay RFC 3339 strings exactly as the API server sent them).
 */

/** An owner reference (metadata.ownerReferences[]). */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** One managedFields entry written by the API server for server-side apply and updates. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

/** Object metadata (the fields powerplane reads or writes). */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
  managedFields?: ManagedFieldsEntry[];
}

/** What every Kubernetes object has: its kind and its metadata. */
export type ObjectHeader = {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
};

/**
 * A Kubernetes object as plain JSON. `Fields` are the kind's own fields (`spec`, `status`, `data`, …):
 * a `@kubernetes/client-node` model type such as `V1Deployment` for built-in kinds (imported with
 * `import type`, so a misspelt field fails to compile at no runtime cost), a CRD type for
 * powerplane's kinds; without it, any fields. The metadata is always {@link ObjectMeta}
 * (timestamps as strings, as the API server sends them).
 */
export type KubeObject<Fields extends object = { [field: string]: unknown }> = Omit<Fields, 'metadata'> & ObjectHeader;

/** A list answer: items plus the list's resourceVersion (and continue token when paginated). */
export interface KubeList<T extends KubeObject = KubeObject> {
  apiVersion: string;
  kind: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  items: T[];
}

/** The Kubernetes `Status` object returned for failures (and some deletes). */
export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  status?: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    causes?: Array<{ reason?: string; message?: string; field?: string }>;
    retryAfterSeconds?: number;
  };
}

/** Identifies a kind: `apiVersion` is `v1` for the core group, `group/version` otherwise. */
export interface KindRef {
  apiVersion: string;
  kind: string;
}

/** What discovery says about one resource: where it lives and how it is addressed. */
export interface ResourceInfo {
  group: string;
  version: string;
  kind: string;
  /** Lower-case plural used in URLs (`deployments`). */
  plural: string;
  namespaced: boolean;
  /** Subresources served, e.g. `status`, `scale`. */
  subresources: string[];
  verbs: string[];
}

/** Selects objects in list/watch calls. */
export interface ListOptions {
  /** Namespace to list in; omitted = all namespaces (or the cluster scope for cluster-scoped kinds). */
  namespace?: string;
  /** Label selector string (`a=b,c in (x,y),!d`) or a map of equality requirements. */
  labelSelector?: string | Record<string, string>;
  /** Field selector string (`metadata.name=x`) or a map of equality requirements. */
  fieldSelector?: string | Record<string, string>;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
}

/** Options of server-side apply. */
export interface ApplyOptions {
  /** The field manager that owns what this apply sets. */
  fieldManager: string;
  /** Take ownership of fields another manager owns instead of failing with 409. */
  force?: boolean;
}

/** Delete options. */
export interface DeleteOptions {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  gracePeriodSeconds?: number;
  /** Only delete when the object still has this resourceVersion (precondition). */
  resourceVersion?: string;
  /** Only delete when the object still has this uid (precondition). */
  uid?: string;
}

/** A JSON patch (RFC 6902) operation. */
export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  value?: unknown;
  from?: string;
}

/** Write verbs counted by a {@link WriteCounter}. */
export type WriteVerb = 'create' | 'update' | 'patch' | 'apply' | 'delete';
