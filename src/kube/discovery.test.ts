import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resourcesFromDiscovery } from './discovery.js';
import { formatSelector, resourcePath, splitApiVersion } from './paths.js';

test('discovery documents become resource infos with subresources attached', () => {
  const infos = resourcesFromDiscovery({
    groupVersion: 'apps/v1',
    resources: [
      { name: 'deployments', kind: 'Deployment', namespaced: true, verbs: ['get'] },
      { name: 'deployments/status', kind: 'Deployment', namespaced: true },
      { name: 'deployments/scale', kind: 'Scale', namespaced: true },
    ],
  });
  assert.deepEqual(infos, [
    { group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', namespaced: true, subresources: ['status', 'scale'], verbs: ['get'] },
  ]);
});

test('paths for core and grouped, namespaced and cluster resources', () => {
  const pod = { group: '', version: 'v1', kind: 'Pod', plural: 'pods', namespaced: true, subresources: [], verbs: [] };
  const crd = {
    group: 'powerplane.io',
    version: 'v1alpha1',
    kind: 'PowerNode',
    plural: 'powernodes',
    namespaced: false,
    subresources: [],
    verbs: [],
  };
  assert.equal(resourcePath(pod, 'ns', 'p', 'status'), '/api/v1/namespaces/ns/pods/p/status');
  assert.equal(resourcePath(pod), '/api/v1/pods');
  assert.equal(resourcePath(crd, 'ignored', 'n1'), '/apis/powerplane.io/v1alpha1/powernodes/n1');
  assert.deepEqual(splitApiVersion('v1'), { group: '', version: 'v1' });
  assert.deepEqual(splitApiVersion('apps/v1'), { group: 'apps', version: 'v1' });
  assert.equal(formatSelector({ a: 'b', c: 'd' }), 'a=b,c=d');
  assert.equal(formatSelector({}), undefined);
  assert.equal(formatSelector('x in (y)'), 'x in (y)');
});
