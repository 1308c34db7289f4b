/**
 * @module operator/controller/crd-watch
 * Watches a few CustomResourceDefinitions by name (one informer each, field selector
 * `metadata.name`, so nothing else of the cluster's CRDs is held): the optional ones a PowerMonitor
 * installs objects of (ServiceMonitor, PrometheusRule, SecurityContextConstraints, MachineConfig) and
 * cert-manager's Certificate. A CRD created, deleted, or marked for deletion after the first list
 * calls `onChange`, so the operator reacts at once instead of at the next spec change or resync.
 */
import { Informer } from '../../kube/informer.js';
import type { KubeClient } from '../../kube/client.js';
import type { KubeObject } from '../../kube/types.js';
import { OWNED_KINDS } from './owned-kinds.js';

const CRD_REF = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' } as const;

/** `plural.group` of the CRDs of the optional kinds a PowerMonitor installs. */
export const OPTIONAL_KIND_CRDS: readonly string[] = OWNED_KINDS.flatMap((k) => (k.crd ? [`${k.crd.plural}.${k.crd.group}`] : []));
/** cert-manager's Certificate CRD (the webhook's certificate source). */
export const CERT_MANAGER_CRD = 'certificates.cert-manager.io';

/** Watches CRDs by name. */
export class CrdWatch {
  readonly #informers: Informer[];
  #started = false;

  /** `onChange(name, served)` runs for each change after the first list; `served` is false once deletion began. */
  constructor(kube: KubeClient, names: readonly string[], onChange: (name: string, served: boolean) => void) {
    this.#informers = names.map((name) => {
      const inf = new Informer(kube, CRD_REF, { fieldSelector: { 'metadata.name': name } });
      const fire = (served: boolean) => {
        if (this.#started) onChange(name, served);
      };
      inf
        .on('add', (o: KubeObject) => fire(!o.metadata.deletionTimestamp))
        .on('update', (o: KubeObject, old: KubeObject) => {
          if (Boolean(o.metadata.deletionTimestamp) !== Boolean(old.metadata.deletionTimestamp)) fire(!o.metadata.deletionTimestamp);
        })
        .on('delete', () => fire(false));
      return inf;
    });
  }

  /** Starts watching; resolves after the first list of each. */
  async start(): Promise<void> {
    await Promise.all(this.#informers.map((i) => i.start()));
    this.#started = true;
  }

  /** Stops watching. */
  async stop(): Promise<void> {
    this.#started = false;
    await Promise.all(this.#informers.map((i) => i.stop()));
  }
}
