/**
 * @module kube/client
 * `KubeClient`: typed generic operations on any kind by apiVersion/kind — get, list, create,
 * replace, delete, server-side apply (main resource and status), merge and JSON patch — over
 * client-node 1.4.0's HTTP stack, answering plain JSON and throwing only {@link KubeError}s.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { ApiConnectivity } from './connectivity.js';
import { ResourceResolver } from './discovery.js';
import { isNotFound } from './errors.js';
import { formatSelector, resourcePath } from './paths.js';
import { ClientNodeTransport, type KubeTransport } from './transport.js';
import type {
  ApplyOptions,
  DeleteOptions,
  JsonPatchOperation,
  KindRef,
  KubeList,
  KubeObject,
  KubeStatus,
  ListOptions,
  ResourceInfo,
  WriteVerb,
} from './types.js';
import type { WriteCounter } from './write-counter.js';

/** Content types of the patch flavours. */
export const PATCH_CONTENT_TYPE = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

/** How a KubeClient is built. */
export interface KubeClientOptions {
  /** The loaded configuration (see loadKubeConfig). */
  kubeConfig: KubeConfig;
  /** Counts every write request by verb and kind. */
  writeCounter?: WriteCounter;
  /** Replaces the HTTP transport (tests). */
  transport?: KubeTransport;
  /** Per-request timeout of the default transport in ms (default 30 000). */
  timeoutMs?: number;
  /** Learns whether the default transport's requests reach the API server. */
  connectivity?: ApiConnectivity;
}

/** Typed generic Kubernetes client. */
export class KubeClient {
  readonly kubeConfig: KubeConfig;
  readonly resolver: ResourceResolver;
  readonly writeCounter: WriteCounter | undefined;
  /** Whether requests reach the API server (when given); informers report their watches too. */
  readonly connectivity: ApiConnectivity | undefined;
  readonly #transport: KubeTransport;

  constructor(options: KubeClientOptions) {
    this.kubeConfig = options.kubeConfig;
    this.#transport = options.transport ?? new ClientNodeTransport(options.kubeConfig, options.timeoutMs, options.connectivity);
    this.resolver = new ResourceResolver(this.#transport);
    this.writeCounter = options.writeCounter;
    this.connectivity = options.connectivity;
  }

  /** The underlying transport, for raw requests. */
  get transport(): KubeTransport {
    return this.#transport;
  }

  /** Reads one object; throws a 404 KubeError when absent. */
  async get<T extends KubeObject = KubeObject>(ref: KindRef, name: string, namespace?: string): Promise<T> {
    const info = await this.resolver.resolve(ref);
    return this.#transport.request<T>({ method: 'GET', path: resourcePath(info, namespace, name) });
  }

  /** Reads one object, or `undefined` when it (or its kind) does not exist. */
  async getOrUndefined<T extends KubeObject = KubeObject>(ref: KindRef, name: string, namespace?: string): Promise<T | undefined> {
    try {
      return await this.get<T>(ref, name, namespace);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Lists objects with optional namespace, label and field selectors. Items get apiVersion/kind filled in. */
  async list<T extends KubeObject = KubeObject>(ref: KindRef, options: ListOptions = {}): Promise<KubeList<T>> {
    const info = await this.resolver.resolve(ref);
    const list = await this.#transport.request<KubeList<T>>({
      method: 'GET',
      path: resourcePath(info, options.namespace),
      query: {
        labelSelector: formatSelector(options.labelSelector),
        fieldSelector: formatSelector(options.fieldSelector),
        limit: options.limit,
        continue: options.continue,
        resourceVersion: options.resourceVersion,
      },
    });
    list.items = (list.items ?? []).map((item) => ({ ...item, apiVersion: ref.apiVersion, kind: ref.kind }));
    return list;
  }

  /** Creates an object (POST). 409 AlreadyExists when it exists. */
  async create<T extends KubeObject>(obj: T, fieldManager?: string): Promise<T> {
    const info = await this.resolver.resolve(obj);
    this.#count('create', obj.kind);
    return this.#transport.request<T>({ method: 'POST', path: resourcePath(info, obj.metadata.namespace), body: obj, query: { fieldManager } });
  }

  /** Replaces an object (PUT). With `metadata.resourceVersion` set, a stale version gives 409 Conflict. */
  async replace<T extends KubeObject>(obj: T, fieldManager?: string): Promise<T> {
    const info = await this.resolver.resolve(obj);
    this.#count('update', obj.kind);
    return this.#transport.request<T>({
      method: 'PUT',
      path: resourcePath(info, obj.metadata.namespace, requireName(obj)),
      body: obj,
      query: { fieldManager },
    });
  }

  /** Replaces the status subresource (PUT …/status). */
  async replaceStatus<T extends KubeObject>(obj: T, fieldManager?: string): Promise<T> {
    const info = await this.#withStatus(obj);
    this.#count('update', obj.kind);
    return this.#transport.request<T>({
      method: 'PUT',
      path: resourcePath(info, obj.metadata.namespace, requireName(obj), 'status'),
      body: obj,
      query: { fieldManager },
    });
  }

  /**
   * Deletes an object. Returns the object (when finalizers keep it, with deletionTimestamp set) or
   * the server's Status. Throws a 404 KubeError when absent.
   */
  async delete(ref: KindRef, name: string, namespace?: string, options: DeleteOptions = {}): Promise<KubeObject | KubeStatus> {
    const info = await this.resolver.resolve(ref);
    const body: Record<string, unknown> = { apiVersion: 'v1', kind: 'DeleteOptions' };
    if (options.propagationPolicy) body.propagationPolicy = options.propagationPolicy;
    if (options.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = options.gracePeriodSeconds;
    if (options.resourceVersion || options.uid) body.preconditions = { resourceVersion: options.resourceVersion, uid: options.uid };
    this.#count('delete', ref.kind);
    return this.#transport.request({ method: 'DELETE', path: resourcePath(info, namespace, name), body });
  }

  /** Deletes an object; returns false when it was already gone. */
  async deleteIfExists(ref: KindRef, name: string, namespace?: string, options: DeleteOptions = {}): Promise<boolean> {
    try {
      await this.delete(ref, name, namespace, options);
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  /**
   * Server-side apply (PATCH with application/apply-patch+yaml). `obj` holds only the fields this
   * manager wants to own; fields it stopped sending are removed unless another manager owns them.
   * 409 Conflict (isConflict) when another manager owns a changed field and `force` is false.
   */
  async apply<T extends KubeObject>(obj: T, options: ApplyOptions): Promise<T> {
    const info = await this.resolver.resolve(obj);
    this.#count('apply', obj.kind);
    return this.#transport.request<T>({
      method: 'PATCH',
      path: resourcePath(info, obj.metadata.namespace, requireName(obj)),
      body: applyBody(obj),
      contentType: PATCH_CONTENT_TYPE.apply,
      query: { fieldManager: options.fieldManager, force: options.force ? true : undefined },
    });
  }

  /** Server-side apply of the status subresource: `obj` carries apiVersion, kind, metadata.name and `status`. */
  async applyStatus<T extends KubeObject>(obj: T, options: ApplyOptions): Promise<T> {
    const info = await this.#withStatus(obj);
    this.#count('apply', obj.kind);
    return this.#transport.request<T>({
      method: 'PATCH',
      path: resourcePath(info, obj.metadata.namespace, requireName(obj), 'status'),
      body: applyBody(obj),
      contentType: PATCH_CONTENT_TYPE.apply,
      query: { fieldManager: options.fieldManager, force: options.force ? true : undefined },
    });
  }

  /** Merge patch (RFC 7386) of an object. */
  async mergePatch<T extends KubeObject = KubeObject>(
    ref: KindRef,
    name: string,
    namespace: string | undefined,
    patch: object,
    fieldManager?: string,
  ): Promise<T> {
    return this.#patch<T>(ref, name, namespace, patch, PATCH_CONTENT_TYPE.merge, undefined, fieldManager);
  }

  /** JSON patch (RFC 6902) of an object; a failing `test` operation gives 422. */
  async jsonPatch<T extends KubeObject = KubeObject>(
    ref: KindRef,
    name: string,
    namespace: string | undefined,
    ops: JsonPatchOperation[],
    fieldManager?: string,
  ): Promise<T> {
    return this.#patch<T>(ref, name, namespace, ops, PATCH_CONTENT_TYPE.json, undefined, fieldManager);
  }

  /** Merge patch (default) or JSON patch of the status subresource. */
  async patchStatus<T extends KubeObject = KubeObject>(
    ref: KindRef,
    name: string,
    namespace: string | undefined,
    patch: object | JsonPatchOperation[],
    type: 'merge' | 'json' = 'merge',
    fieldManager?: string,
  ): Promise<T> {
    return this.#patch<T>(ref, name, namespace, patch, PATCH_CONTENT_TYPE[type], 'status', fieldManager);
  }

  /** True when a CustomResourceDefinition `plural.group` exists and is not being deleted. */
  async crdExists(group: string, plural: string): Promise<boolean> {
    const crd = await this.getOrUndefined({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' }, `${plural}.${group}`);
    return crd !== undefined && !crd.metadata.deletionTimestamp;
  }

  /** Resolves a kind to its resource (plural, scope, subresources) through discovery. */
  async resource(ref: KindRef): Promise<ResourceInfo> {
    return this.resolver.resolve(ref);
  }

  async #patch<T>(
    ref: KindRef,
    name: string,
    namespace: string | undefined,
    body: unknown,
    contentType: string,
    subresource?: string,
    fieldManager?: string,
  ): Promise<T> {
    const info = subresource ? await this.#withStatus(ref) : await this.resolver.resolve(ref);
    this.#count('patch', ref.kind);
    return this.#transport.request<T>({
      method: 'PATCH',
      path: resourcePath(info, namespace, name, subresource),
      body,
      contentType,
      query: { fieldManager },
    });
  }

  async #withStatus(ref: KindRef): Promise<ResourceInfo> {
    const info = await this.resolver.resolve(ref);
    if (!info.subresources.includes('status')) {
      // Discovery may predate the CRD's status subresource; look once more.
      this.resolver.invalidate(ref.apiVersion);
      return this.resolver.resolve(ref);
    }
    return info;
  }

  #count(verb: WriteVerb, kind: string): void {
    this.writeCounter?.record(verb, kind);
  }
}

function requireName(obj: KubeObject): string {
  const name = obj.metadata?.name;
  if (!name) throw new TypeError(`${obj.kind} has no metadata.name`);
  return name;
}

/** The body of an apply: the object without server-owned metadata (managedFields, resourceVersion is kept as a precondition only when set). */
function applyBody(obj: KubeObject): KubeObject {
  const { managedFields: _managed, creationTimestamp: _created, uid: _uid, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}
