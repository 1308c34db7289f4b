/**
 * @module estimator/predictors/registry
 * Every power-consumption predictor type of the Estimator spec (`powerConsumptionPredictor.type`), in
 * one table: type → which connection options it takes and its lazily imported module, which exports
 * {@link PredictorModule.createPowerPredictor}. The CRD's and config file's enum
 * ({@link PREDICTOR_TYPES}), the webhook's endpoint rule and the docs derive from it; adding a
 * predictor is one new module plus one line here. This module imports no implementation (only types).
 */
import type { PredictorSpec } from '../spec.js';
import type { PluginDeps } from '../plugins.js';
import type { PluginEntry } from '../monitors/registry.js';
import type { PowerPredictor } from '../types.js';
import type { HttpPredictorOptions } from './mlserver.js';

/** What a predictor is built from: its spec, its connection (resolved on demand) and the surroundings. */
export interface PredictorContext {
  spec: PredictorSpec;
  /** The endpoint with its credentials, TLS and timeout (default 3 s); rejects without an endpoint. */
  connection(): Promise<HttpPredictorOptions>;
  deps: PluginDeps;
}

/** The shape of a predictor module. */
export interface PredictorModule {
  createPowerPredictor(ctx: PredictorContext): PowerPredictor | Promise<PowerPredictor>;
}

/** The predictor types: WAO's, then powerplane's `LocalModel`. */
export const PREDICTORS = {
  None: { endpoint: 'unused', load: () => import('./none.js') },
  Fake: { endpoint: 'unused', load: () => import('./fake.js') },
  MLServer: { endpoint: 'required', load: () => import('./mlserver.js') },
  Model: { endpoint: 'required', file: true, load: () => import('./model.js') },
  LocalModel: { endpoint: 'unused', upOnly: true, load: () => import('./local-model.js') },
} as const satisfies Readonly<Record<string, PluginEntry<PredictorModule>>>;

/** A predictor type. */
export type PredictorType = keyof typeof PREDICTORS;

/** Every predictor type, in table order. */
export const PREDICTOR_TYPES: readonly PredictorType[] = Object.freeze(Object.keys(PREDICTORS) as PredictorType[]);

/** The table entry of `type`, or undefined for an unknown type. */
export function predictorEntry(type: string): PluginEntry<PredictorModule> | undefined {
  return Object.hasOwn(PREDICTORS, type) ? PREDICTORS[type as PredictorType] : undefined;
}
