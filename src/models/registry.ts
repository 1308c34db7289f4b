/**
 * @module models/registry
 * The model registry, in two tables: every model kind (kind → its lazily imported module, which exports
 * `fromJSON` and, for the kinds that train, `trainer`), and every trainer name (name → kind and default
 * options). Only the kinds used are imported: loading a Kepler weight file never loads gbt or knn, and
 * `agent --meter fake` loads none. {@link TRAINER_NAMES} (`--trainers`, the training API) derives from
 * the table. Adding a model kind is one new module plus one line in each table.
 */
import type { SerializedModel, TrainedModel, Trainer } from './types.js';
import { ERR_MODEL_BAD_MODEL, ERR_MODEL_UNKNOWN_TRAINER } from './errors.js';

/** A model kind's module: rebuilds its models, and trains them when the kind is trainable. */
export interface ModelKindModule {
  fromJSON(json: SerializedModel): TrainedModel;
  trainer?: Trainer;
}

/** Every model kind (the `kind` of a serialized model) → its module. `kepler` models are only loaded, never trained. */
export const MODEL_KINDS = {
  linear: () => import('./trainers/linear.js'),
  polynomial: () => import('./trainers/polynomial.js'),
  gbt: () => import('./trainers/gbt.js'),
  knn: () => import('./trainers/knn.js'),
  logarithmic: () => import('./trainers/logarithmic.js'),
  logistic: () => import('./trainers/logistic.js'),
  exponential: () => import('./trainers/exponential.js'),
  ratio: () => import('./trainers/ratio.js'),
  kepler: () => import('./kepler/weights.js'),
} as const satisfies Readonly<Record<string, () => Promise<ModelKindModule>>>;

/** A model kind that trains. */
type TrainableKind = Exclude<keyof typeof MODEL_KINDS, 'kepler'>;

/** A trainer: a model kind, with default options where it is a variant of another trainer. */
export interface TrainerEntry {
  kind: TrainableKind;
  /** Options given to the kind's trainer unless the caller sets them. */
  defaults?: Readonly<Record<string, unknown>>;
}

/**
 * Every trainer by registry name. `ridge` and `nnls` are linear models with a penalty / non-negative
 * weights; `gbt-lad` is gbt with absolute loss and `knn-median` the median of the 10 nearest rows (both
 * estimate the conditional median, which minimises MAE).
 */
export const TRAINERS = {
  linear: { kind: 'linear' },
  ridge: { kind: 'linear', defaults: { ridge: 1 } },
  nnls: { kind: 'linear', defaults: { nonNegative: true } },
  polynomial: { kind: 'polynomial' },
  gbt: { kind: 'gbt' },
  'gbt-lad': { kind: 'gbt', defaults: { loss: 'absolute' } },
  knn: { kind: 'knn' },
  'knn-median': { kind: 'knn', defaults: { aggregate: 'median', k: 10 } },
  logarithmic: { kind: 'logarithmic' },
  logistic: { kind: 'logistic' },
  exponential: { kind: 'exponential' },
  ratio: { kind: 'ratio' },
} as const satisfies Readonly<Record<string, TrainerEntry>>;

/** A trainer's registry name. */
export type TrainerName = keyof typeof TRAINERS;

/** Names of the registered trainers. */
export const TRAINER_NAMES: readonly string[] = Object.freeze(Object.keys(TRAINERS));

/** The trainer of that name (its kind's module is imported now). @throws PP_MODEL_UNKNOWN_TRAINER */
export async function getTrainer(name: string): Promise<Trainer> {
  const entry: TrainerEntry | undefined = Object.hasOwn(TRAINERS, name) ? TRAINERS[name as TrainerName] : undefined;
  if (!entry) throw ERR_MODEL_UNKNOWN_TRAINER(`unknown trainer ${JSON.stringify(name)}; known: ${TRAINER_NAMES.join(', ')}`, { field: 'trainer' });
  const base = (await MODEL_KINDS[entry.kind]()).trainer;
  const defaults = entry.defaults;
  return defaults ? { name, train: (data, options) => base.train(data, { ...defaults, ...options }) } : base;
}

/**
 * Rebuilds a trained model from its serialized form (`model.toJSON()`, possibly via JSON text); the
 * rebuilt model predicts exactly as the original. Imports only the model's kind.
 * @throws PP_MODEL_BAD_MODEL for an unknown kind or malformed parameters.
 */
export async function deserializeModel(json: SerializedModel): Promise<TrainedModel> {
  if (typeof json !== 'object' || json === null) throw ERR_MODEL_BAD_MODEL('a serialized model is a JSON object', { field: 'model' });
  const kind = (json as { kind?: unknown }).kind;
  const load = typeof kind === 'string' && Object.hasOwn(MODEL_KINDS, kind) ? MODEL_KINDS[kind as keyof typeof MODEL_KINDS] : undefined;
  if (!load)
    throw ERR_MODEL_BAD_MODEL(`unknown model kind ${JSON.stringify(kind)}; known: ${Object.keys(MODEL_KINDS).join(', ')}`, { field: 'kind' });
  return (await load()).fromJSON(json);
}
