import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { renderManifests, defaultImage } from './render.js';
import { DEFAULT_OPERATOR_NAMESPACE, OPERATOR_NAME } from './components/install.js';
import { PACKAGE_ROOT } from '../core/version.js';

const KUSTOMIZE = join(PACKAGE_ROOT, 'deploy', 'kustomize');

test('deploy/kustomize/base/powerplane.yaml is `powerplane render` (regenerate: npm run generate)', () => {
  const file = join(KUSTOMIZE, 'base', 'powerplane.yaml');
  const generated = renderManifests({ namespace: DEFAULT_OPERATOR_NAMESPACE, image: defaultImage(), crdsOnly: false });
  assert.equal(readFileSync(file, 'utf8'), generated, `${file} drifted from the code; regenerate it with: npm run generate`);
  const base = parse(readFileSync(join(KUSTOMIZE, 'base', 'kustomization.yaml'), 'utf8')) as { resources: string[] };
  assert.deepEqual(base.resources, ['powerplane.yaml']);
});

test('the example overlay patches names that exist in the base, and sets both image references alike', () => {
  const overlay = parse(readFileSync(join(KUSTOMIZE, 'example-overlay', 'kustomization.yaml'), 'utf8')) as {
    resources: string[];
    images: Array<{ name: string; newName: string; newTag: string }>;
    patches: Array<{ patch: string }>;
  };
  assert.deepEqual(overlay.resources, ['../base']);
  assert.equal(overlay.images[0].name, defaultImage().split(':')[0]);
  const patch = parse(overlay.patches[0].patch) as {
    metadata: { name: string; namespace: string };
    spec: { template: { spec: { containers: Array<{ name: string; env: Array<{ name: string; value: string }> }> } } };
  };
  const docs = parseAllDocuments(readFileSync(join(KUSTOMIZE, 'base', 'powerplane.yaml'), 'utf8')).map((d) => d.toJS() as Record<string, any>);
  const deployment = docs.find(
    (d) => d?.kind === 'Deployment' && d.metadata.name === patch.metadata.name && d.metadata.namespace === patch.metadata.namespace,
  );
  assert.ok(deployment, `the patch targets Deployment ${patch.metadata.namespace}/${patch.metadata.name}, which the base lacks`);
  assert.equal(patch.metadata.name, OPERATOR_NAME);
  const patchedContainer = patch.spec.template.spec.containers[0];
  const container = (
    deployment.spec.template.spec.containers as Array<{ name: string; image: string; env: Array<{ name: string; value?: string }> }>
  ).find((c) => c.name === patchedContainer.name);
  assert.ok(container, `no container ${patchedContainer.name} in the operator Deployment`);
  const envVar = container.env.find((e) => e.name === patchedContainer.env[0].name);
  assert.equal(envVar?.value, container.image, 'the base passes the operator image to operands through this variable');
  assert.equal(patchedContainer.env[0].value, `${overlay.images[0].newName}:${overlay.images[0].newTag}`);
});
