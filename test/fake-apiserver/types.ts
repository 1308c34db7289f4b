/**
 * @module fake-apiserver/types
 * Public shapes of the in-process fake Kubernetes API server used by tests and benchmarks.
 */
import type { KubeConfig } from '@kubernetes/client-node';

/** A stored object (plain JSON as the server would serialise it). */
export interface StoredObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid: string;
    resourceVersion: string;
    generation?: number;
    creationTimestamp: string;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
    ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }>;
    managedFields?: unknown[];
    [k: string]: unknown;
  };
  [field: string]: unknown;
}

/** An object to seed: any Kubernetes object with a name (a namespaced one without namespace goes to `default`). */
export interface SeedObject {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; namespace?: string; [k: string]: unknown };
  [field: string]: unknown;
}

/** How one resource is served. */
export interface ResourceDef {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  /** Served `status` subresource: the main endpoint ignores status, `/status` ignores everything else. */
  statusSubresource: boolean;
  /** metadata.generation is maintained (bumped on spec changes). */
  generation: boolean;
  /** Created from a CustomResourceDefinition (list items carry apiVersion/kind; PUT needs resourceVersion). */
  custom: boolean;
  /** The CRD's openAPIV3Schema for this version (custom resources only). */
  schema?: Record<string, unknown>;
}

/** The write verbs counted by the server (one per request received, whether or not it changed anything). */
export type FakeWriteVerb = 'create' | 'update' | 'patch' | 'apply' | 'delete' | 'deletecollection';

/** What a request hook sees. */
export interface FakeRequestInfo {
  verb: 'get' | 'list' | 'watch' | FakeWriteVerb;
  group: string;
  version: string;
  plural: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** The raw query. */
  query: URLSearchParams;
  /** Who made the request (after impersonation). */
  user?: FakeUser;
}

/** An authenticated user: name and groups (`system:authenticated` included). */
export interface FakeUser {
  name: string;
  groups: string[];
}

/**
 * Requests a forbid rule matches get 403 Forbidden. Every field given must match; `verb` is the RBAC
 * verb (`get`, `list`, `watch`, `create`, `update`, `patch` — apply included —, `delete`,
 * `deletecollection`), `resource` the plural, with `/status` for the subresource.
 */
export interface FakeForbidRule {
  user?: string;
  verb?: string;
  group?: string;
  resource?: string;
  namespace?: string;
}

/**
 * Credentials a kubeconfig can carry: the admin's client certificate, the bearer token of the
 * token user, a client certificate from a foreign CA (401), a bearer token the server does not know
 * (401), or none (401).
 */
export type FakeCredentials = 'client-certificate' | 'token' | 'foreign-certificate' | 'unknown-token' | 'none';

/** A failure a hook injects: the server answers with this Status instead of serving the request. */
export interface InjectedFailure {
  code: number;
  reason: string;
  message?: string;
}

/** Request counters of the fake server. */
export interface FakeWriteCounts {
  /** Write requests received, by verb. */
  requests: Record<FakeWriteVerb, number>;
  /** Writes that changed stored state (each bumped the resourceVersion). */
  changes: number;
  /** Total write requests received. */
  total(): number;
  /** Sets every counter back to zero. */
  reset(): void;
}

/** Options of startFakeApiServer. */
export interface FakeApiServerOptions {
  /** Port on 127.0.0.1 (default 0 = any free port). */
  port?: number;
  /** Events kept for watch replay; older resourceVersions get 410 (default 10 000). */
  eventLogSize?: number;
  /** Interval of BOOKMARK events on watches that allow them (default 1000 ms). */
  bookmarkIntervalMs?: number;
  /** Largest request body accepted (default 3 MiB, as the real server). */
  maxBodyBytes?: number;
}

/** A running fake API server. */
export interface FakeApiServer {
  /** `https://127.0.0.1:PORT`. */
  readonly url: string;
  /**
   * A client-node KubeConfig for the server: its CA (TLS verification on) and the admin user's
   * client certificate (`fake-admin`, group `system:masters`).
   */
  readonly kubeConfig: KubeConfig;
  /** A kubeconfig file for the same (for CLIs: `--kubeconfig PATH`), with the certificates inline. */
  readonly kubeconfigPath: string;
  /** The CA certificate clients must trust (PEM) and its file. */
  readonly ca: { pem: string; file: string };
  /** The bearer token of the token user `system:serviceaccount:default:fake` (what a pod's service account has). */
  readonly token: string;
  /** A KubeConfig with other credentials (always with the server's CA and verification on). */
  kubeConfigAs(credentials: FakeCredentials): KubeConfig;
  /**
   * Writes a kubeconfig file with other credentials and returns its path: `token` names the CA
   * file (`certificate-authority`) and carries the token, as a pod's service account has them.
   */
  kubeconfigFileAs(credentials: FakeCredentials): string;
  /** `fetch` on the server's URL + `path`, authenticated as the admin (client certificate) and trusting the CA. */
  fetch(path: string, init?: { method?: string; headers?: Record<string, string>; body?: string }): Promise<Response>;
  /** Authentication and authorization. */
  readonly auth: FakeAuthAccess;
  /** Direct access to the stored objects, for seeding and assertions (no HTTP). */
  readonly store: FakeStoreAccess;
  /** Write request counters. */
  readonly writes: FakeWriteCounts;
  /** Hooks: inject failures, close watches, compact the event log. */
  readonly hooks: FakeHooks;
  /** Closes every connection and the server, removes the kubeconfig file. */
  stop(): Promise<void>;
}

/** Users and forbid rules. */
export interface FakeAuthAccess {
  /** Accepts `token` as a bearer token of `user` (with `groups`, plus `system:authenticated`). */
  addToken(token: string, user: string, groups?: string[]): void;
  /** Answers 403 Forbidden to requests the rule matches; returns a function removing the rule. */
  forbid(rule: FakeForbidRule): () => void;
}

/** Direct store access. `apiVersion`/`kind` identify the resource. */
export interface FakeStoreAccess {
  /** One object or undefined. */
  get(apiVersion: string, kind: string, name: string, namespace?: string): StoredObject | undefined;
  /** All objects of a kind (optionally of one namespace), sorted by namespace/name. */
  list(apiVersion: string, kind: string, namespace?: string): StoredObject[];
  /**
   * Creates or overwrites objects directly, as if created through the API (rv, uid, events, CRD
   * registration) but without HTTP, admission or counters: for seeding large fixtures fast.
   */
  seed(...objects: SeedObject[]): StoredObject[];
  /** The current (latest) resourceVersion. */
  resourceVersion(): number;
  /** Number of stored objects of all kinds. */
  size(): number;
  /** The resource definitions currently served (built-in and from CRDs). */
  resources(): ResourceDef[];
}

/** Test hooks. */
export interface FakeHooks {
  /** Called before each request is served; return a failure to answer with it instead. Returns an unregister function. */
  onRequest(hook: (req: FakeRequestInfo) => InjectedFailure | undefined): () => void;
  /** Ends every open watch stream (as a server restart or load balancer would). */
  closeWatches(): void;
  /** Drops the event log: every watch from an older resourceVersion then gets 410 Gone. */
  compact(): void;
  /** Number of watch streams open now. */
  openWatches(): number;
  /**
   * How webhooks given as `clientConfig.service` are reached: return a base URL
   * (`https://127.0.0.1:PORT`) for a service, or undefined (the call then fails per failurePolicy).
   */
  resolveService(resolver: (service: { namespace: string; name: string; port: number }) => string | undefined): void;
}
