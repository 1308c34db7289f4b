import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderManifests } from '../render.js';
import { PACKAGE_ROOT } from '../../core/version.js';

test('deploy/crds matches the schemas (regenerate: npm run generate)', () => {
  const file = join(PACKAGE_ROOT, 'deploy', 'crds', 'powerplane.io_crds.yaml');
  const onDisk = readFileSync(file, 'utf8');
  const generated = renderManifests({ namespace: 'powerplane-system', image: 'unused', crdsOnly: true });
  assert.equal(onDisk, generated, `${file} drifted from src/operator/api; regenerate it with: npm run generate`);
});
