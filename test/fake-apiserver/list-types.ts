/**
 * @module fake-apiserver/list-types
 * How lists merge under server-side apply: the Kubernetes API's `x-kubernetes-list-type` /
 * `patchMergeKey` for the built-in fields powerplane uses, and the CRD schema's list extensions for
 * custom resources. Lists not named here are atomic, as in the real API.
 */
import type { ListType, ListTypeResolver } from './field-paths.js';
import { isPlainObject } from './merge-patch.js';
import type { ResourceDef } from './types.js';

const BY_FIELD: Record<string, ListType> = {
  containers: { type: 'map', keys: ['name'] },
  initContainers: { type: 'map', keys: ['name'] },
  ephemeralContainers: { type: 'map', keys: ['name'] },
  env: { type: 'map', keys: ['name'] },
  volumes: { type: 'map', keys: ['name'] },
  volumeMounts: { type: 'map', keys: ['mountPath'] },
  volumeDevices: { type: 'map', keys: ['devicePath'] },
  imagePullSecrets: { type: 'map', keys: ['name'] },
  conditions: { type: 'map', keys: ['type'] },
  finalizers: { type: 'set' },
  ownerReferences: { type: 'map', keys: ['uid'] },
  webhooks: { type: 'map', keys: ['name'] },
  hostAliases: { type: 'map', keys: ['ip'] },
  topologySpreadConstraints: { type: 'map', keys: ['topologyKey', 'whenUnsatisfiable'] },
};

/** The list type of a built-in field. Pure. */
export function builtinListType(names: readonly string[], items: readonly unknown[]): ListType {
  const field = names[names.length - 1];
  if (field === 'ports') {
    const inContainer = names.some((n) => n === 'containers' || n === 'initContainers' || n === 'ephemeralContainers');
    if (inContainer || items.some((i) => isPlainObject(i) && 'containerPort' in i)) return { type: 'map', keys: ['containerPort', 'protocol'] };
    return { type: 'map', keys: ['port', 'protocol'] };
  }
  return BY_FIELD[field] ?? { type: 'atomic' };
}

/** Walks an openAPIV3Schema along field names (list items add no name). */
function schemaAt(schema: Record<string, unknown> | undefined, names: readonly string[]): Record<string, unknown> | undefined {
  let cur = schema;
  for (const name of names) {
    if (!cur) return undefined;
    while (cur && cur.type === 'array' && isPlainObject(cur.items)) cur = cur.items as Record<string, unknown>;
    const props = cur?.properties;
    if (isPlainObject(props) && isPlainObject(props[name])) cur = props[name] as Record<string, unknown>;
    else if (isPlainObject(cur?.additionalProperties)) cur = cur!.additionalProperties as Record<string, unknown>;
    else return undefined;
  }
  return cur;
}

/** The resolver for one resource: metadata lists as built in; a CR's own lists from its schema. */
export function listTypeResolver(def: ResourceDef): ListTypeResolver {
  if (!def.custom) return builtinListType;
  return (names, items) => {
    if (names[0] === 'metadata') return builtinListType(names, items);
    const s = schemaAt(def.schema, names);
    const t = s?.['x-kubernetes-list-type'];
    if (t === 'set') return { type: 'set' };
    if (t === 'map' && Array.isArray(s?.['x-kubernetes-list-map-keys'])) return { type: 'map', keys: s!['x-kubernetes-list-map-keys'] as string[] };
    return { type: 'atomic' };
  };
}
