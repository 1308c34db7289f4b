/**
 * @module operator/capping/algorithms
 * The operator's algorithm resolver: `spec.algorithm.name` is a built-in, or an entry of the catalog
 * ConfigMap `powerplane-capping-algorithms` in the operator's namespace (read at each resolution, so
 * a catalog change applies at the next interval without a restart).
 */
import type { KubeClient } from '../../kube/client.js';
import { BUILTIN_NAMES, createAlgorithm } from '../../capping/algorithms/registry.js';
import { CATALOG_CONFIGMAP, parseCatalogConfigMap } from '../../capping/plugins/catalog.js';
import type { CappingAlgorithm } from '../../capping/algorithm/types.js';

/** A resolver reading the catalog ConfigMap of `namespace`. */
export function catalogAlgorithmResolver(
  kube: Pick<KubeClient, 'getOrUndefined'>,
  namespace: string,
): (spec: { name: string; parameters?: Record<string, unknown> }) => Promise<CappingAlgorithm> {
  return async (spec) => {
    if (BUILTIN_NAMES.has(spec.name)) return createAlgorithm(spec.name, spec.parameters ?? {});
    const cm = await kube.getOrUndefined({ apiVersion: 'v1', kind: 'ConfigMap' }, CATALOG_CONFIGMAP, namespace);
    const catalog = parseCatalogConfigMap(cm?.data as Record<string, string> | undefined, namespace, BUILTIN_NAMES);
    return createAlgorithm(spec.name, spec.parameters ?? {}, catalog);
  };
}
