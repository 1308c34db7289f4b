import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importKeplerDirectory, importKeplerWeights, locationFromWeightPath } from './import-weights.js';
import { ModelStore } from './store.js';
import { ModelService } from '../routes/model-service.js';
import { sharedDataPath } from '../../../test/helpers/shared-data.js';
import { ERR_MODEL_BAD_WEIGHTS } from '../../models/errors.js';

const tmpStore = () => new ModelStore(mkdtempSync(join(tmpdir(), 'pp-import-')), { rescanMs: 0 });

test('the location comes from the model-db path', () => {
  assert.deepEqual(locationFromWeightPath('/x/v0.7/ec2-0.7.11/rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_4.json'), {
    name: 'SGDRegressorTrainer_4',
    outputType: 'AbsPower',
    featureGroup: 'BPFOnly',
    energySource: 'rapl-sysfs',
    pipeline: 'ec2-0.7.11',
  });
  assert.deepEqual(locationFromWeightPath('/tmp/w.json'), { name: 'w' });
});

test('a weight file imports with node type, trainer and the original JSON as weight.json; predictions match the formula', async () => {
  const store = tmpStore();
  const file = sharedDataPath('kepler-model-db/weights/v0.7/specpower-0.7.11/acpi/AbsPower/BPFOnly/LogisticRegressionTrainer_75.json');
  const m = await importKeplerWeights(store, file);
  assert.equal(m.id, 'specpower-0.7.11/acpi/AbsPower/BPFOnly/LogisticRegressionTrainer_75');
  assert.equal(m.metadata.node_type, 75);
  assert.equal(m.metadata.trainer, 'LogisticRegressionTrainer');
  assert.equal(m.metadata.accuracy, undefined);
  const w = (await store.readWeight(m.id)) as { platform: { All_Weights: { CurveFit_Weights: number[] } } };
  const [A, x0, k, off] = w.platform.All_Weights.CurveFit_Weights;
  const model = await new ModelService(store).load(m);
  const x = 4000 / 8000;
  const [[p]] = model.predict([[4000, 0]]);
  assert.ok(Math.abs(p - (A / (1 + Math.exp(-k * (x - x0))) + off)) < 1e-6);
  assert.ok(Math.abs(p - 167.87) < 0.01, 'reference golden value');
});

test('a model-db directory imports every weight file in the layout and reports the bad ones', async () => {
  const store = tmpStore();
  const dir = mkdtempSync(join(tmpdir(), 'pp-modeldb-'));
  mkdirSync(join(dir, 'p/rapl-sysfs/AbsPower/BPFOnly'), { recursive: true });
  writeFileSync(join(dir, 'p/rapl-sysfs/AbsPower/BPFOnly/Broken_1.json'), '{"package": {"All_Weights": {"Numerical_Variables": 3}}}');
  writeFileSync(join(dir, 'p/metadata.json'), '{}');
  const r = await importKeplerDirectory(store, dir);
  assert.equal(r.imported.length, 0);
  assert.equal(r.skipped.length, 1);
  const real = await importKeplerDirectory(store, sharedDataPath('kepler-model-db/weights/v0.7'));
  assert.deepEqual(real.imported.map((m) => m.id).sort(), [
    'ec2-0.7.11/rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_4',
    'specpower-0.7.11/acpi/AbsPower/BPFOnly/LogisticRegressionTrainer_75',
  ]);
  await assert.rejects(importKeplerWeights(store, join(dir, 'p/rapl-sysfs/AbsPower/BPFOnly/Broken_1.json')), (e) => ERR_MODEL_BAD_WEIGHTS.is(e));
});
