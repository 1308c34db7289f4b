/**
 * Test fixtures of the model server
 * Builders of metadata and store entries shared by this component's tests.
 */
import type { SerializedModel } from '../../src/models/types.js';
import type { ModelMetadata } from '../../src/modelserver/store/metadata.js';
import type { ModelLocation } from '../../src/modelserver/store/store.js';

/** Metadata for a model at `loc` with the given aggregate MAE/MAPE (per-component = aggregate on `components[0]`). */
export function fixtureMetadata(loc: ModelLocation, over: Partial<ModelMetadata> & { mae?: number; mape?: number } = {}): ModelMetadata {
  const { mae = 5, mape = 3, ...rest } = over;
  const features = rest.features ?? ['bpf_cpu_time_ms'];
  const components = rest.components ?? ['package'];
  const acc = { mae, mape, r2: 0.9, samples: 100 };
  return {
    format: 'powerplane-model-metadata/v1',
    model_name: loc.name,
    version: '1',
    pipeline: loc.pipeline,
    energy_source: loc.energySource,
    output_type: loc.outputType,
    feature_group: loc.featureGroup,
    trainer: 'linear',
    model_class: 'linear',
    model_file: 'model.json',
    features,
    components,
    scaler: null,
    accuracy: { perComponent: Object.fromEntries(components.map((c) => [c, acc])), aggregate: acc, aggregation: 'max', folds: 5 },
    train_samples: 500,
    test_samples: 100,
    folds: 5,
    weight: false,
    created: '2026-01-01T00:00:00.000Z',
    ...rest,
  };
}

/** A serialized linear model (watts = Σ features per component): enough for store tests, valid for imports. */
export function fixtureModel(features = ['bpf_cpu_time_ms'], components = ['package']): SerializedModel {
  return {
    format: 'powerplane-model/v1',
    kind: 'linear',
    features,
    components,
    outputType: 'AbsPower',
    params: { scaler: { type: 'none' }, intercept: components.map(() => 0), weights: components.map(() => features.map(() => 1)) },
  };
}
