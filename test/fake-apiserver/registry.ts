/**
 * @module fake-apiserver/registry
 * Which resources the fake server serves: the built-in kinds powerplane touches, plus every
 * resource a CustomResourceDefinition registers (and unregisters when it is deleted).
 */
import type { ResourceDef, StoredObject } from './types.js';

type Builtin = [
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  status: boolean,
  generation: boolean,
  shortNames?: string[],
];

const BUILTINS: Builtin[] = [
  ['', 'v1', 'Namespace', 'namespaces', false, true, false, ['ns']],
  ['', 'v1', 'ConfigMap', 'configmaps', true, false, false, ['cm']],
  ['', 'v1', 'Secret', 'secrets', true, false, false],
  ['', 'v1', 'Service', 'services', true, true, false, ['svc']],
  ['', 'v1', 'ServiceAccount', 'serviceaccounts', true, false, false, ['sa']],
  ['', 'v1', 'Node', 'nodes', false, true, false, ['no']],
  ['', 'v1', 'Pod', 'pods', true, true, false, ['po']],
  ['', 'v1', 'Event', 'events', true, false, false, ['ev']],
  ['', 'v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true, true, false, ['pvc']],
  ['', 'v1', 'Endpoints', 'endpoints', true, false, false, ['ep']],
  ['apps', 'v1', 'Deployment', 'deployments', true, true, true, ['deploy']],
  ['apps', 'v1', 'DaemonSet', 'daemonsets', true, true, true, ['ds']],
  ['apps', 'v1', 'StatefulSet', 'statefulsets', true, true, true, ['sts']],
  ['apps', 'v1', 'ReplicaSet', 'replicasets', true, true, true, ['rs']],
  ['policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, true, true, ['pdb']],
  ['rbac.authorization.k8s.io', 'v1', 'Role', 'roles', true, false, false],
  ['rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings', true, false, false],
  ['rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false, false, false],
  ['rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false, false, false],
  ['apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', false, true, true, ['crd', 'crds']],
  ['coordination.k8s.io', 'v1', 'Lease', 'leases', true, false, false],
  ['admissionregistration.k8s.io', 'v1', 'ValidatingWebhookConfiguration', 'validatingwebhookconfigurations', false, false, true],
  ['admissionregistration.k8s.io', 'v1', 'MutatingWebhookConfiguration', 'mutatingwebhookconfigurations', false, false, true],
  ['events.k8s.io', 'v1', 'Event', 'events', true, false, false, ['ev']],
];

/** The built-in resource definitions. */
export function builtinResources(): ResourceDef[] {
  return BUILTINS.map(([group, version, kind, plural, namespaced, status, generation, shortNames]) => ({
    group,
    version,
    kind,
    plural,
    namespaced,
    listKind: `${kind}List`,
    singular: kind.toLowerCase(),
    shortNames: shortNames ?? [],
    statusSubresource: status,
    generation,
    custom: false,
  }));
}

/** The resources a CRD object registers, one per served version. Pure. */
export function resourcesFromCrd(crd: StoredObject): ResourceDef[] {
  const spec = (crd.spec ?? {}) as {
    group?: string;
    scope?: string;
    names?: { plural?: string; singular?: string; kind?: string; listKind?: string; shortNames?: string[] };
    versions?: Array<{ name: string; served?: boolean; subresources?: { status?: unknown }; schema?: { openAPIV3Schema?: Record<string, unknown> } }>;
  };
  const names = spec.names ?? {};
  if (!spec.group || !names.plural || !names.kind) return [];
  return (spec.versions ?? [])
    .filter((v) => v.served !== false)
    .map((v) => ({
      group: spec.group!,
      version: v.name,
      kind: names.kind!,
      plural: names.plural!,
      singular: names.singular ?? names.kind!.toLowerCase(),
      listKind: names.listKind ?? `${names.kind}List`,
      shortNames: names.shortNames ?? [],
      namespaced: spec.scope !== 'Cluster',
      statusSubresource: v.subresources?.status !== undefined,
      generation: true,
      custom: true,
      schema: v.schema?.openAPIV3Schema,
    }));
}

/** Lookup of served resources by group/version/plural and by apiVersion/kind. */
export class Registry {
  readonly #byPath = new Map<string, ResourceDef>();

  constructor(defs: ResourceDef[]) {
    for (const d of defs) this.add(d);
  }

  /** Serves a resource (replacing one with the same group/version/plural). */
  add(def: ResourceDef): void {
    this.#byPath.set(`${def.group}/${def.version}/${def.plural}`, def);
  }

  /** Stops serving every version of group/plural. */
  removeGroupResource(group: string, plural: string): void {
    for (const [key, def] of this.#byPath) if (def.group === group && def.plural === plural) this.#byPath.delete(key);
  }

  /** A resource by URL parts. */
  byPath(group: string, version: string, plural: string): ResourceDef | undefined {
    return this.#byPath.get(`${group}/${version}/${plural}`);
  }

  /** A resource by apiVersion and kind. */
  byKind(apiVersion: string, kind: string): ResourceDef | undefined {
    const slash = apiVersion.indexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
    for (const def of this.#byPath.values()) if (def.group === group && def.version === version && def.kind === kind) return def;
    return undefined;
  }

  /** All served resources. */
  all(): ResourceDef[] {
    return [...this.#byPath.values()];
  }

  /** Served versions of a group, sorted. */
  versions(group: string): string[] {
    return [
      ...new Set(
        this.all()
          .filter((d) => d.group === group)
          .map((d) => d.version),
      ),
    ].sort();
  }

  /** Groups other than core, sorted. */
  groups(): string[] {
    return [...new Set(this.all().map((d) => d.group))].filter((g) => g !== '').sort();
  }
}

/** `group/version`, or `version` for the core group. */
export function apiVersionOf(def: Pick<ResourceDef, 'group' | 'version'>): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}
