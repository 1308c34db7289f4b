/**
 * @module fake-apiserver/fixtures
 * Objects shared by the fake API server's tests and by other tests that need a custom resource.
 */

/** What {@link crdOf} needs to know of a custom resource. */
export interface CrdSpec {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular?: string;
  shortNames?: string[];
  scope?: 'Namespaced' | 'Cluster';
  /** The version's `openAPIV3Schema`. */
  schema: Record<string, unknown>;
}

/** A CustomResourceDefinition in wire JSON: one served storage version with the status subresource. */
export function crdOf(c: CrdSpec): { apiVersion: string; kind: string; metadata: { name: string }; spec: Record<string, any> } {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${c.plural}.${c.group}` },
    spec: {
      group: c.group,
      scope: c.scope ?? 'Namespaced',
      names: {
        plural: c.plural,
        singular: c.singular ?? c.kind.toLowerCase(),
        kind: c.kind,
        listKind: `${c.kind}List`,
        ...(c.shortNames ? { shortNames: c.shortNames } : {}),
      },
      versions: [{ name: c.version, served: true, storage: true, subresources: { status: {} }, schema: { openAPIV3Schema: c.schema } }],
    },
  };
}

/**
 * A CRD for `widgets.example.com` in wire JSON, with the status subresource and a schema with a
 * default and an enum. (client-node's typed V1JSONSchemaProps spells `default` as `_default` and
 * drops the JSON name, so CRDs are sent as plain JSON through CustomObjectsApi.)
 */
export function widgetCrd(scope: 'Namespaced' | 'Cluster' = 'Namespaced'): ReturnType<typeof crdOf> {
  return crdOf({
    group: 'example.com',
    version: 'v1',
    kind: 'Widget',
    plural: 'widgets',
    scope,
    schema: {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            size: { type: 'integer', minimum: 1, default: 1 },
            color: { type: 'string', enum: ['red', 'blue'] },
            tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
          },
        },
        status: { type: 'object', properties: { ready: { type: 'boolean' } } },
      },
    },
  });
}
