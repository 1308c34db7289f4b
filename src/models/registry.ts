/**
 * @module models/registry
 * The trainer registry (name → trainer) and the deserializer of every model kind.
 */
import type { SerializedModel, TrainedModel, Trainer } from './types.js';
import { ERR_MODEL_BAD_MODEL, ERR_MODEL_UNKNOWN_TRAINER } from './errors.js';
import { linearFromJSON, linearTrainer } from './trainers/linear.js';
import { polynomialFromJSON, polynomialTrainer } from './trainers/polynomial.js';
import { gbtFromJSON, gbtTrainer } from './trainers/gbt.js';
import { knnFromJSON, knnTrainer } from './trainers/knn.js';
import { logarithmicFromJSON, logarithmicTrainer } from './trainers/logarithmic.js';
import { logisticFromJSON, logisticTrainer } from './trainers/logistic.js';
import { exponentialFromJSON, exponentialTrainer } from './trainers/exponential.js';
import { ratioFromJSON, ratioTrainer } from './trainers/ratio.js';
import { keplerFromJSON } from './kepler/weights.js';

/** A trainer under another name with different default options (e.g. `ridge` = linear with λ = 1). */
function withDefaults(name: string, base: Trainer, defaults: Record<string, unknown>): Trainer {
  return { name, train: (data, options) => base.train(data, { ...defaults, ...options }) };
}

/**
 * Every trainer by registry name. `ridge` and `nnls` are linear models with a penalty / non-negative
 * weights; `gbt-lad` is gbt with absolute loss and `knn-median` the median of the 10 nearest rows (both
 * estimate the conditional median, which minimises MAE).
 */
export const TRAINERS: Readonly<Record<string, Trainer>> = Object.freeze({
  linear: linearTrainer,
  ridge: withDefaults('ridge', linearTrainer, { ridge: 1 }),
  nnls: withDefaults('nnls', linearTrainer, { nonNegative: true }),
  polynomial: polynomialTrainer,
  gbt: gbtTrainer,
  'gbt-lad': withDefaults('gbt-lad', gbtTrainer, { loss: 'absolute' }),
  knn: knnTrainer,
  'knn-median': withDefaults('knn-median', knnTrainer, { aggregate: 'median', k: 10 }),
  logarithmic: logarithmicTrainer,
  logistic: logisticTrainer,
  exponential: exponentialTrainer,
  ratio: ratioTrainer,
});

/** Names of the registered trainers. */
export const TRAINER_NAMES: readonly string[] = Object.freeze(Object.keys(TRAINERS));

/** The trainer of that name. @throws PP_MODEL_UNKNOWN_TRAINER */
export function getTrainer(name: string): Trainer {
  const t = Object.hasOwn(TRAINERS, name) ? TRAINERS[name] : undefined;
  if (!t) throw ERR_MODEL_UNKNOWN_TRAINER(`unknown trainer ${JSON.stringify(name)}; known: ${TRAINER_NAMES.join(', ')}`, { field: 'trainer' });
  return t;
}

const DESERIALIZERS: Readonly<Record<string, (json: SerializedModel) => TrainedModel>> = Object.freeze({
  linear: linearFromJSON,
  polynomial: polynomialFromJSON,
  gbt: gbtFromJSON,
  knn: knnFromJSON,
  logarithmic: logarithmicFromJSON,
  logistic: logisticFromJSON,
  exponential: exponentialFromJSON,
  ratio: ratioFromJSON,
  kepler: keplerFromJSON,
});

/**
 * Rebuilds a trained model from its serialized form (`model.toJSON()`, possibly via JSON text); the
 * rebuilt model predicts exactly as the original.
 * @throws PP_MODEL_BAD_MODEL for an unknown kind or malformed parameters.
 */
export function deserializeModel(json: SerializedModel): TrainedModel {
  if (typeof json !== 'object' || json === null) throw ERR_MODEL_BAD_MODEL('a serialized model is a JSON object', { field: 'model' });
  const kind = (json as { kind?: unknown }).kind;
  const d = typeof kind === 'string' && Object.hasOwn(DESERIALIZERS, kind) ? DESERIALIZERS[kind] : undefined;
  if (!d) throw ERR_MODEL_BAD_MODEL(`unknown model kind ${JSON.stringify(kind)}; known: ${Object.keys(DESERIALIZERS).join(', ')}`, { field: 'kind' });
  return d(json);
}
