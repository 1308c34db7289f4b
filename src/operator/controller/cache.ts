/**
 * @module operator/controller/cache
 * The operator's read side: informers on what it owns (label selector
 * `app.kubernetes.io/managed-by=powerplane-operator`), on its own custom resources, and nothing
 * else, so memory follows the size of the install and not the cluster's pod count. Kinds without
 * an informer (optional CRDs) are read from the API server.
 */
import { Informer } from '../../kube/informer.js';
import type { KubeClient } from '../../kube/client.js';
import type { KindRef, KubeObject } from '../../kube/types.js';
import { MANAGED_SELECTOR } from '../components/labels.js';
import { OWNED_KINDS } from './owned-kinds.js';
import type { ObjectReader } from '../reconciler/types.js';

const refKey = (ref: KindRef) => `${ref.apiVersion}/${ref.kind}`;

/** Informers by kind, plus reads that fall back to the API server. */
export class OperatorCache implements ObjectReader {
  readonly #kube: KubeClient;
  readonly #informers = new Map<string, Informer>();
  readonly #refs: KindRef[] = [];

  constructor(kube: KubeClient, custom: readonly KindRef[]) {
    this.#kube = kube;
    for (const k of OWNED_KINDS) {
      if (k.crd) continue;
      this.#add(k.ref, new Informer(kube, k.ref, { labelSelector: MANAGED_SELECTOR }));
    }
    for (const ref of custom) this.#add(ref, new Informer(kube, ref));
  }

  /** The informer of a kind, when there is one; `T` is the kind's object type. */
  informer<T extends KubeObject = KubeObject>(ref: KindRef): Informer<T> | undefined {
    return this.#informers.get(refKey(ref)) as Informer<T> | undefined;
  }

  /** Every informer with its kind (to attach handlers). */
  informers(): Array<[KindRef, Informer]> {
    return this.#refs.map((ref) => [ref, this.#informers.get(refKey(ref))!]);
  }

  #add(ref: KindRef, informer: Informer): void {
    this.#refs.push(ref);
    this.#informers.set(refKey(ref), informer);
  }

  /** Starts every informer; resolves when all have listed once. */
  async start(): Promise<void> {
    await Promise.all([...this.#informers.values()].map((i) => i.start()));
  }

  /** Stops every informer. */
  async stop(): Promise<void> {
    await Promise.all([...this.#informers.values()].map((i) => i.stop()));
  }

  /** True when every informer has listed once. */
  synced(): boolean {
    return [...this.#informers.values()].every((i) => i.hasSynced());
  }

  /** One object, from the cache when a synced informer covers the kind. */
  async get(ref: KindRef, name: string, namespace?: string): Promise<KubeObject | undefined> {
    const inf = this.#informers.get(refKey(ref));
    if (inf?.hasSynced()) return inf.get(name, namespace);
    return this.#kube.getOrUndefined(ref, name, namespace);
  }

  /** Objects of a kind the operator manages (label selector), from the cache when possible. */
  async listManaged(ref: KindRef): Promise<KubeObject[]> {
    const inf = this.#informers.get(refKey(ref));
    if (inf?.hasSynced())
      return inf.list().filter((o) => o.metadata.labels?.['app.kubernetes.io/managed-by'] === MANAGED_SELECTOR['app.kubernetes.io/managed-by']);
    return (await this.#kube.list(ref, { labelSelector: MANAGED_SELECTOR })).items;
  }
}
