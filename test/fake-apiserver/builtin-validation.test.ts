import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateBuiltin } from './builtin-validation.js';
import { builtinResources } from './registry.js';

const def = (kind: string) => builtinResources().find((d) => d.kind === kind && d.group !== 'events.k8s.io')!;
const ds = (selector: unknown, labels: Record<string, string>, containers: unknown[] = [{ name: 'a', image: 'i' }]) => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'd' },
  spec: { selector, template: { metadata: { labels }, spec: { containers } } },
});
const fields = (causes: Array<{ field?: string }>) => causes.map((c) => c.field).sort();

test('workloads: selector required, must match the template labels, and is immutable', () => {
  assert.deepEqual(validateBuiltin(def('DaemonSet'), ds({ matchLabels: { app: 'x' } }, { app: 'x', extra: 'y' }), undefined), []);
  assert.deepEqual(fields(validateBuiltin(def('DaemonSet'), ds(undefined, { app: 'x' }), undefined)), ['spec.selector']);
  assert.deepEqual(fields(validateBuiltin(def('DaemonSet'), ds({ matchLabels: { app: 'x' } }, { app: 'y' }), undefined)), [
    'spec.template.metadata.labels',
  ]);
  const old = ds({ matchLabels: { app: 'x' } }, { app: 'x', v: '1' });
  assert.deepEqual(fields(validateBuiltin(def('DaemonSet'), ds({ matchLabels: { app: 'x', v: '1' } }, { app: 'x', v: '1' }), old)), [
    'spec.selector',
  ]);
});

test('pod templates: containers required, named uniquely, with images', () => {
  assert.deepEqual(fields(validateBuiltin(def('Deployment'), ds({ matchLabels: { a: 'b' } }, { a: 'b' }, []), undefined)), [
    'spec.template.spec.containers',
  ]);
  const dup = ds({ matchLabels: { a: 'b' } }, { a: 'b' }, [{ name: 'c', image: 'i' }, { name: 'c' }]);
  assert.deepEqual(fields(validateBuiltin(def('Deployment'), dup, undefined)), [
    'spec.template.spec.containers[1].image',
    'spec.template.spec.containers[1].name',
  ]);
});

test('config keys and binding roleRefs', () => {
  assert.deepEqual(fields(validateBuiltin(def('ConfigMap'), { data: { 'ok.key': 'v', 'bad/key': 'v' } }, undefined)), ['data[bad/key]']);
  const rb = { roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'a' }, subjects: [] };
  assert.deepEqual(validateBuiltin(def('RoleBinding'), rb, undefined), []);
  assert.deepEqual(fields(validateBuiltin(def('RoleBinding'), { ...rb, roleRef: { ...rb.roleRef, name: 'b' } }, rb)), ['roleRef']);
  assert.deepEqual(fields(validateBuiltin(def('ClusterRoleBinding'), { subjects: [] }, undefined)), ['roleRef']);
});

test('webhook configurations: each clientConfig names exactly one of url or service', () => {
  const cfg = (clientConfig: unknown) => ({
    webhooks: [
      { name: 'a.x', clientConfig: { url: 'https://a' } },
      { name: 'b.x', clientConfig },
    ],
  });
  for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
    assert.deepEqual(validateBuiltin(def(kind), cfg({ service: { namespace: 'n', name: 's' } }), undefined), []);
    const both = validateBuiltin(def(kind), cfg({ url: 'https://b', service: { namespace: 'n', name: 's' } }), undefined);
    assert.deepEqual(
      both.map((c) => `${c.field}: ${c.message}`),
      ['webhooks[1].clientConfig: Required value: exactly one of url or service is required'],
    );
    assert.deepEqual(fields(validateBuiltin(def(kind), cfg({ caBundle: 'x' }), undefined)), ['webhooks[1].clientConfig']);
  }
});
