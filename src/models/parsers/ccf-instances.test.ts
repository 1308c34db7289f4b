import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sharedDataPath } from '../../../test/helpers/shared-data.js';
import { parseCcfInstances, ccfCurveDataset } from './ccf-instances.js';

test('the CCF AWS instance table parses into 4-point curves (decimal commas)', () => {
  const path = sharedDataPath('ccf', 'aws-instances.csv');
  const curves = parseCcfInstances(readFileSync(path, 'utf8'), path);
  assert.ok(curves.length > 600);
  const a1 = curves.find((c) => c.instance === 'a1.medium')!;
  assert.deepEqual(a1.package, [0.29, 0.8, 1.88, 2.55]);
  assert.equal(a1.vcpu, 1);
  const m5 = curves.find((c) => c.instance === 'm5.metal')!;
  assert.equal(m5.package[0], 57.88);
  const d = ccfCurveDataset(m5);
  assert.deepEqual(d.X, [[0], [0.1], [0.5], [1]]);
  assert.deepEqual(d.components, ['package', 'dram', 'platform']);
  assert.equal(d.Y[3][0], m5.package[3]);
});
