/**
 * @module kube/discovery
 * Resolves a kind (apiVersion + kind) to its REST resource (plural, scope, subresources) from the API
 * server's discovery documents (`/api/v1`, `/apis/{group}/{version}`), cached per group/version. A
 * kind missing from a cached document triggers one refetch (a CRD may have been installed since).
 */
import { ERR_KUBE_UNKNOWN_KIND, KubeError, isNotFound } from './errors.js';
import { groupVersionPath, splitApiVersion } from './paths.js';
import type { KubeTransport } from './transport.js';
import type { KindRef, ResourceInfo } from './types.js';

interface APIResource {
  name: string;
  kind: string;
  namespaced: boolean;
  verbs?: string[];
}
interface APIResourceList {
  groupVersion: string;
  resources: APIResource[];
}

/** Builds ResourceInfos from one APIResourceList (pure). Subresources (`a/b`) attach to their parent. */
export function resourcesFromDiscovery(list: APIResourceList): ResourceInfo[] {
  const { group, version } = splitApiVersion(list.groupVersion);
  const byPlural = new Map<string, ResourceInfo>();
  for (const r of list.resources) {
    if (r.name.includes('/')) continue;
    byPlural.set(r.name, { group, version, kind: r.kind, plural: r.name, namespaced: r.namespaced, subresources: [], verbs: r.verbs ?? [] });
  }
  for (const r of list.resources) {
    const [parent, sub] = r.name.split('/');
    if (sub) byPlural.get(parent)?.subresources.push(sub);
  }
  return [...byPlural.values()];
}

/** Discovery-backed kind → resource resolver with a per-group-version cache. */
export class ResourceResolver {
  readonly #transport: KubeTransport;
  readonly #cache = new Map<string, ResourceInfo[]>();

  constructor(transport: KubeTransport) {
    this.#transport = transport;
  }

  /** Resolves a kind; throws a 404 KubeError (code PP_KUBE_UNKNOWN_KIND) when the server does not serve it. */
  async resolve(ref: KindRef): Promise<ResourceInfo> {
    const cached = this.#cache.get(ref.apiVersion)?.find((r) => r.kind === ref.kind);
    if (cached) return cached;
    const found = (await this.#fetch(ref.apiVersion)).find((r) => r.kind === ref.kind);
    if (!found) {
      throw new KubeError(404, 'NotFound', `the server does not serve kind ${ref.kind} in ${ref.apiVersion}`, undefined, {
        definition: ERR_KUBE_UNKNOWN_KIND.definition,
      });
    }
    return found;
  }

  /** True when the server serves the kind (a missing CRD gives false). */
  async serves(ref: KindRef): Promise<boolean> {
    try {
      await this.resolve(ref);
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  /** Forgets cached discovery (all, or one apiVersion). */
  invalidate(apiVersion?: string): void {
    if (apiVersion) this.#cache.delete(apiVersion);
    else this.#cache.clear();
  }

  async #fetch(apiVersion: string): Promise<ResourceInfo[]> {
    const { group, version } = splitApiVersion(apiVersion);
    let resources: ResourceInfo[];
    try {
      resources = resourcesFromDiscovery(await this.#transport.request<APIResourceList>({ method: 'GET', path: groupVersionPath(group, version) }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
      resources = [];
    }
    this.#cache.set(apiVersion, resources);
    return resources;
  }
}
