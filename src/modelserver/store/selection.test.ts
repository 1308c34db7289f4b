import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  parseFilter,
  passesFilter,
  rankModels,
  bestModel,
  bestModelsByGroup,
  specSimilarity,
  normalizeEnergySource,
  normalizeProcessor,
} from './selection.js';
import { fixtureMetadata } from '../../../test/modelserver/fixtures.js';
import { locationToId, type ModelLocation, type StoredModel } from './store.js';
import type { ModelMetadata } from './metadata.js';
import { ERR_BAD_REQUEST } from '../../core/errors.js';

function model(
  name: string,
  over: Partial<ModelMetadata> & { mae?: number; mape?: number } = {},
  loc: Partial<ModelLocation> = {},
  hasWeight = false,
): StoredModel {
  const l: ModelLocation = { pipeline: 'p', energySource: 'rapl-sysfs', outputType: 'AbsPower', featureGroup: 'BPFOnly', name, ...loc };
  return { id: locationToId(l), location: l, metadata: fixtureMetadata(l, over), hasWeight };
}

test('filters parse with and without operators and reject nonsense naming the field', () => {
  assert.deepEqual(parseFilter('mae:<10; mape:5;r2:0.9'), [
    { kind: 'number', field: 'mae', op: '<', value: 10 },
    { kind: 'number', field: 'mape', op: '<=', value: 5 },
    { kind: 'number', field: 'r2', op: '>=', value: 0.9 },
  ]);
  assert.deepEqual(parseFilter('features:a,b'), [{ kind: 'features', features: ['a', 'b'] }]);
  assert.deepEqual(parseFilter(''), []);
  for (const bad of ['mae', 'bogus:1', 'mae:<ten', 'features:'])
    assert.throws(
      () => parseFilter(bad),
      (e) => ERR_BAD_REQUEST.is(e) && e.details.field === 'filter',
      bad,
    );
});

test('filters actually filter (upstream rejected every model once a filter was set)', () => {
  const a = model('A_1', { mae: 8, mape: 4 });
  const b = model('B_1', { mae: 12, mape: 3 });
  const pick = (f: string) => [a, b].filter((m) => passesFilter(m.metadata, parseFilter(f))).map((m) => m.location.name);
  assert.deepEqual(pick('mae:<10'), ['A_1']);
  assert.deepEqual(pick('mape:<5'), ['A_1', 'B_1']);
  assert.deepEqual(pick('mape:<3.5'), ['B_1']);
  assert.deepEqual(pick('mae:<10;mape:<3.5'), []);
  assert.deepEqual(pick('package_mae:>10'), ['B_1']);
  assert.deepEqual(pick('features:bpf_cpu_time_ms'), ['A_1', 'B_1']);
  assert.deepEqual(pick('features:bpf_cpu_time_ms,x'), []);
});

test('node types match exactly: _1 does not match _10', () => {
  const m1 = model('SGD_1', { mae: 20 });
  const m10 = model('SGD_10', { mae: 1 });
  assert.deepEqual(
    rankModels([m1, m10], { nodeType: 1, looseNodeType: false }).map((m) => m.location.name),
    ['SGD_1'],
  );
  assert.deepEqual(rankModels([m10], { nodeType: 1, looseNodeType: false }), []);
  assert.equal(bestModel([m10], { nodeType: 1 })?.location.name, 'SGD_10', 'loose mode falls back');
  assert.equal(bestModel([m1, m10], { nodeType: -1 })?.location.name, 'SGD_10', 'any node type: lowest error');
  const explicit = model('custom', { node_type: 1, mae: 30 });
  assert.equal(bestModel([explicit, m10], { nodeType: 1, looseNodeType: false })?.location.name, 'custom');
});

test('a machine spec selects the closest node type', () => {
  const i3 = model('SGD_1', { mae: 18, machine_spec: { processor: 'intel_xeon_e5_2686v4', cores: 72, chips: 2, memory: 503 } });
  const m5 = model('SGD_0', { mae: 60, machine_spec: { processor: 'intel_xeon_platinum_8259cl', cores: 96, chips: 2, memory: 377 } });
  const m7 = model('SGD_5', { mae: 9, machine_spec: { processor: 'intel_xeon_platinum_8488c', cores: 96, chips: 1, memory: 377 } });
  const req = { processor: 'Intel(R) Xeon(R) Platinum 8259CL CPU @ 2.50GHz', cores: 96, chips: 2, memory: 384 };
  assert.equal(normalizeProcessor(req.processor), 'intel_xeon_platinum_8259cl');
  assert.equal(bestModel([i3, m5, m7], { machineSpec: req })?.location.name, 'SGD_0');
  assert.equal(
    bestModel([i3, m5, m7], { machineSpec: { processor: 'Intel(R) Xeon(R) CPU E5-2686 v4 @ 2.30GHz', cores: 72 } })?.location.name,
    'SGD_1',
  );
  assert.equal(specSimilarity({ cores: 8 }, { cores: 8 }), 1);
  assert.ok(specSimilarity({ cores: 8 }, { cores: 16 }) < 1);
  assert.equal(specSimilarity({ cores: 8 }, undefined), 0);
});

test('metrics, source, output type, trainer and weight constrain the candidates', () => {
  const rapl = model('SGDRegressorTrainer_1', { trainer: 'kepler-linear' }, {}, true);
  const acpi = model('linear', { components: ['platform'] }, { energySource: 'acpi' });
  const counters = model('gbt', { features: ['cpu_instructions'] }, { featureGroup: 'CounterOnly' });
  const dyn = model('dyn', {}, { outputType: 'DynPower' });
  const all = [rapl, acpi, counters, dyn];
  assert.equal(normalizeEnergySource('intel_rapl'), 'rapl-sysfs');
  assert.deepEqual(
    rankModels(all, { energySource: 'intel_rapl', outputType: 'AbsPower', metrics: ['bpf_cpu_time_ms'] }).map((m) => m.location.name),
    ['SGDRegressorTrainer_1'],
  );
  assert.deepEqual(
    rankModels(all, { trainerName: 'SGDRegressorTrainer' }).map((m) => m.location.name),
    ['SGDRegressorTrainer_1'],
  );
  assert.deepEqual(
    rankModels(all, { weightOnly: true }).map((m) => m.location.name),
    ['SGDRegressorTrainer_1'],
  );
  const best = bestModelsByGroup(all, { energySource: 'rapl-sysfs' });
  assert.deepEqual(Object.keys(best).sort(), ['AbsPower', 'DynPower']);
  assert.deepEqual(Object.keys(best.AbsPower).sort(), ['BPFOnly', 'CounterOnly']);
});

test('a node type without models falls back to the closest machine spec (Kepler sends node_type 0)', () => {
  const a = model('SGD_1', { mae: 50, machine_spec: { processor: 'intel_xeon_e5_2686v4', cores: 72 } });
  const b = model('SGD_2', { mae: 5, machine_spec: { processor: 'amd_epyc_7r13', cores: 96 } });
  assert.equal(bestModel([a, b], { nodeType: 0, machineSpec: { processor: 'intel_xeon_e5_2686v4', cores: 72 } })?.location.name, 'SGD_1');
  assert.equal(bestModel([a, b], { nodeType: 0 })?.location.name, 'SGD_2');
});

test('property: bestModel (one pass) is the first of rankModels for queries without a machine spec', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          trainer: fc.constantFrom('SGD', 'KNN', 'linear'),
          nodeType: fc.integer({ min: 0, max: 3 }),
          mae: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constant(Number.NaN)),
          source: fc.constantFrom('rapl-sysfs', 'intel_rapl', 'acpi'),
          outputType: fc.constantFrom('AbsPower' as const, 'DynPower' as const),
          features: fc.constantFrom(['bpf_cpu_time_ms'], ['bpf_cpu_time_ms', 'cpu_instructions']),
          weight: fc.boolean(),
        }),
        { maxLength: 25 },
      ),
      fc.record({
        nodeType: fc.integer({ min: -1, max: 4 }),
        looseNodeType: fc.boolean(),
        energySource: fc.constantFrom('rapl-sysfs', 'acpi', undefined),
        outputType: fc.constantFrom('AbsPower' as const, 'DynPower' as const, undefined),
        metrics: fc.constantFrom(['bpf_cpu_time_ms'], undefined),
        weightOnly: fc.boolean(),
        errorKey: fc.constantFrom('mae', 'mape', undefined),
      }),
      (specs, q) => {
        const models = specs.map((s, i) =>
          model(
            `${s.trainer}${i}_${s.nodeType}`,
            { mae: s.mae, features: [...s.features] },
            { energySource: s.source, outputType: s.outputType },
            s.weight,
          ),
        );
        assert.equal(bestModel(models, q)?.id, rankModels(models, q)[0]?.id);
      },
    ),
    { numRuns: 500 },
  );
});
