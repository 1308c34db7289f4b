/**
 * @module fake-apiserver/discovery
 * Discovery documents built from the registry: APIVersions, APIGroupList, APIGroup, APIResourceList
 * (with `x/status` entries for the status subresource), and /version. Pure.
 */
import { apiVersionOf, type Registry } from './registry.js';

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** `/api`. */
export function apiVersions(address: string): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: address }] };
}

function groupDoc(registry: Registry, group: string): Record<string, unknown> {
  const versions = registry.versions(group).map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { name: group, versions, preferredVersion: versions[versions.length - 1] };
}

/** `/apis`. */
export function apiGroupList(registry: Registry): Record<string, unknown> {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: registry.groups().map((g) => groupDoc(registry, g)) };
}

/** `/apis/{group}`, or undefined when no version of the group is served. */
export function apiGroup(registry: Registry, group: string): Record<string, unknown> | undefined {
  if (!registry.groups().includes(group)) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(registry, group) };
}

/** `/api/v1` or `/apis/{group}/{version}`, or undefined when nothing is served there. */
export function apiResourceList(registry: Registry, group: string, version: string): Record<string, unknown> | undefined {
  const defs = registry
    .all()
    .filter((d) => d.group === group && d.version === version)
    .sort((a, b) => a.plural.localeCompare(b.plural));
  if (defs.length === 0) return undefined;
  const resources: Array<Record<string, unknown>> = [];
  for (const d of defs) {
    resources.push({
      name: d.plural,
      singularName: d.singular,
      namespaced: d.namespaced,
      kind: d.kind,
      verbs: VERBS,
      ...(d.shortNames.length ? { shortNames: d.shortNames } : {}),
    });
    if (d.statusSubresource)
      resources.push({ name: `${d.plural}/status`, singularName: '', namespaced: d.namespaced, kind: d.kind, verbs: ['get', 'patch', 'update'] });
    if (d.group === 'apps' && ['deployments', 'statefulsets', 'replicasets'].includes(d.plural))
      resources.push({
        name: `${d.plural}/scale`,
        singularName: '',
        namespaced: true,
        group: 'autoscaling',
        version: 'v1',
        kind: 'Scale',
        verbs: ['get', 'patch', 'update'],
      });
    if (d.group === '' && d.plural === 'pods')
      resources.push({
        name: 'pods/eviction',
        singularName: '',
        namespaced: true,
        group: 'policy',
        version: 'v1',
        kind: 'Eviction',
        verbs: ['create'],
      });
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf({ group, version }), resources };
}

/** `/version`. */
export function versionInfo(): Record<string, unknown> {
  return {
    major: '1',
    minor: '31',
    gitVersion: 'v1.31.0-powerplane-fake',
    gitCommit: '',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: 'n/a',
    compiler: 'n/a',
    platform: `${process.platform}/${process.arch}`,
  };
}
