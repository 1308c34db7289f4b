/**
 * @module kube/paths
 * Pure helpers for REST paths and selector strings.
 */
import type { ResourceInfo } from './types.js';

/** Splits an apiVersion into group ('' for core) and version. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** `/api/v1` for the core group, `/apis/{group}/{version}` otherwise. */
export function groupVersionPath(group: string, version: string): string {
  return group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
}

/**
 * REST path of a resource collection or object: `/apis/g/v[/namespaces/ns]/plural[/name[/sub]]`.
 * For a namespaced resource without `namespace` the path lists across all namespaces.
 */
export function resourcePath(info: ResourceInfo, namespace?: string, name?: string, subresource?: string): string {
  let path = groupVersionPath(info.group, info.version);
  if (info.namespaced && namespace) path += `/namespaces/${encodeURIComponent(namespace)}`;
  path += `/${info.plural}`;
  if (name !== undefined) path += `/${encodeURIComponent(name)}`;
  if (subresource) path += `/${subresource}`;
  return path;
}

/** Formats a selector given as a map (`{a:'b'}` → `a=b`) or passes a string through. */
export function formatSelector(selector: string | Record<string, string> | undefined): string | undefined {
  if (selector === undefined) return undefined;
  if (typeof selector === 'string') return selector || undefined;
  const parts = Object.entries(selector).map(([k, v]) => `${k}=${v}`);
  return parts.length ? parts.join(',') : undefined;
}
