/**
 * @module fake-apiserver/fixtures
 * Objects shared by the fake API server's tests and by other tests that need a custom resource.
 */

/**
 * A CRD for `widgets.example.com` in wire JSON, with the status subresource and a schema with a
 * default and an enum. (client-node's typed V1JSONSchemaProps spells `default` as `_default` and
 * drops the JSON name, so CRDs are sent as plain JSON through CustomObjectsApi.)
 */
export function widgetCrd(scope: 'Namespaced' | 'Cluster' = 'Namespaced'): { metadata: { name: string }; spec: Record<string, any>; [k: string]: unknown } {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope,
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      versions: [{
        name: 'v1', served: true, storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
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
        },
      }],
    },
  };
}
