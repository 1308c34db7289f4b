/**
 * End-to-end on Kepler's real nx12 training data: parse → cross-validate → train → export as Kepler
 * weights → load through the agent's predictor, and the accuracy bar of reference §5.1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedDataPath } from '../helpers/shared-data.js';
import { writeFileAtomic } from '../../src/core/fs.js';
import {
  readKeplerCsv,
  crossValidate,
  getTrainer,
  selectFeatures,
  toKeplerWeights,
  keplerWeightsPredictor,
  deserializeModel,
  isolate,
} from '../../src/models/index.js';

const raplPath = sharedDataPath('kepler-model-db', 'nx12', 'preprocess_dyn_default_min_rapl_BPFOnly.csv');
const acpiPath = sharedDataPath('kepler-model-db', 'nx12', 'preprocess_abs_default_acpi_BPFOnly.csv');

test('linear on nx12 reproduces Kepler’s SGD BPFOnly error; the median KNN beats Kepler’s KNN', async () => {
  const rapl = selectFeatures(await readKeplerCsv(raplPath), ['bpf_cpu_time_ms']);
  const linear = crossValidate(rapl, await getTrainer('linear'), { folds: 5, seed: 1, primaryComponent: 'package' });
  assert.equal(linear.aggregate.samples, 2202);
  assert.ok(Math.abs(linear.aggregate.mae - 23.09) < 1.5, `linear package MAE ${linear.aggregate.mae}`);
  const knn = crossValidate(rapl, await getTrainer('knn-median'), { folds: 5, seed: 1, primaryComponent: 'package' });
  assert.ok(knn.aggregate.mae < 11.63, `knn-median package MAE ${knn.aggregate.mae} (Kepler KNN: 11.63 W)`);
  assert.ok(knn.perComponent.dram.mae < linear.perComponent.dram.mae);
});

test('a model trained on nx12 ACPI data round-trips through JSON and through a Kepler weight file', async () => {
  const acpi = await readKeplerCsv(acpiPath);
  const model = (await getTrainer('linear')).train(acpi);
  const rows = acpi.X.slice(0, 100);
  assert.deepEqual((await deserializeModel(JSON.parse(JSON.stringify(model.toJSON())))).predict(rows), model.predict(rows));
  const dir = mkdtempSync(join(tmpdir(), 'pp-nx12-'));
  const file = join(dir, 'SGDRegressorTrainer_1.json');
  await writeFileAtomic(file, JSON.stringify(toKeplerWeights(model, { nodeType: 1 })));
  const predictor = await keplerWeightsPredictor(file);
  const want = model.predict(rows);
  rows.forEach((r, i) => {
    const got = predictor.predict({ bpf_cpu_time_ms: r[0] });
    assert.ok(Math.abs(got.platform - Math.max(0, want[i][0])) < 1e-9);
  });
});

test('DynPower: min isolation of absolute platform power, then a curve fit', async () => {
  const acpi = await readKeplerCsv(acpiPath);
  const { data, idle } = isolate(acpi, 'min');
  assert.equal(idle.platform['*'], 171);
  const cv = crossValidate(data, await getTrainer('logarithmic'), { folds: 5, trainOptions: { outputType: 'DynPower' } });
  const abs = crossValidate(acpi, await getTrainer('logarithmic'), { folds: 5 });
  // Shifting the target by a constant leaves the curve's error unchanged (the curve has an offset).
  assert.ok(Math.abs(cv.aggregate.mae - abs.aggregate.mae) < 0.05, `${cv.aggregate.mae} vs ${abs.aggregate.mae}`);
});
