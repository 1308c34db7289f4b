import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dataKindNotes, trainAll } from './training.js';
import type { Dataset } from '../../models/types.js';

function synthetic(n: number): Dataset {
  const X: number[][] = [];
  const Y: number[][] = [];
  for (let i = 0; i < n; i++) {
    const u = ((i * 37) % 101) / 100;
    X.push([u * 4000]);
    Y.push([30 + 0.02 * u * 4000, 5 + 0.001 * u * 4000]);
  }
  return { features: ['bpf_cpu_time_ms'], components: ['package', 'dram'], X, Y };
}

test('every trainer is cross-validated; linear recovers a linear law; bad trainers are reported', async () => {
  const steps: string[] = [];
  const out = await trainAll(synthetic(60), { trainers: ['linear', 'knn', 'nope'], folds: 5, outputType: 'AbsPower', isolator: 'none' }, (d, t, l) =>
    steps.push(`${d}/${t} ${l}`),
  );
  assert.equal(out.samples, 60);
  assert.equal(out.best, 'linear');
  const lin = out.outcomes.find((o) => o.trainer === 'linear')!;
  assert.ok(lin.accuracy!.aggregate.mae < 1e-6);
  assert.equal(lin.accuracy!.folds, 5);
  assert.equal(lin.predictions!.length, 60);
  assert.ok(lin.weight, 'linear models export Kepler weights');
  assert.equal(out.outcomes.find((o) => o.trainer === 'knn')!.weight, undefined);
  assert.equal(out.outcomes.find((o) => o.trainer === 'nope')!.error!.code, 'PP_MODEL_UNKNOWN_TRAINER');
  assert.equal(steps.at(-1), '6/6 done');
});

test('DynPower removes the minimum idle power before training', async () => {
  const out = await trainAll(synthetic(40), { trainers: ['linear'], folds: 4, outputType: 'DynPower', isolator: 'min' });
  assert.equal(Math.min(...out.measured.map((r) => r[0])), 0);
  assert.equal(out.idle!.package['*'], 30);
  assert.equal(out.outcomes[0].model!.outputType, 'DynPower');
});

test('AbsPower training on idle-removed targets is called out; measured targets and DynPower are not', () => {
  const rows = 100;
  const X = Array.from({ length: rows }, (_, i) => [i]);
  const measured: Dataset = { features: ['cpu'], components: ['package', 'dram'], X, Y: X.map(([c]) => [20 + c, 3]) };
  assert.deepEqual(dataKindNotes(measured, 'AbsPower'), []);
  const isolated: Dataset = { ...measured, Y: X.map(([c]) => [c < 10 ? 0 : c * 0.5, 3]) };
  const notes = dataKindNotes(isolated, 'AbsPower');
  assert.equal(notes.length, 1);
  assert.match(notes[0], /^target package looks idle-removed \(DynPower data\): 10 % of its samples are at or below 0\.5 W.*--output-type DynPower/);
  assert.deepEqual(dataKindNotes(isolated, 'DynPower'), []);
});
