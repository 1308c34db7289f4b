/**
 * @module models/crossval
 * Held-out accuracy: k-fold cross-validation with a deterministic shuffle, leave-one-out for small
 * data sets, grouped folds when rows carry groups, and evaluation of a trained model on a data set.
 */
import type { AccuracyReport, Dataset, TrainedModel, Trainer } from './types.js';
import { accuracyReport } from './metrics.js';
import { selectComponents, selectFeatures, subsetRows, validateDataset } from './dataset.js';
import { shuffledIndices } from '../core/random.js';
import { ERR_MODEL_BAD_OPTIONS } from './errors.js';

/** Options of {@link crossValidate}. */
export interface CrossValidateOptions {
  /** Number of folds (default 5). Leave-one-out is used when rows < folds × 2. */
  folds?: number;
  /** Aggregate = this component's figures (else the worst over components). */
  primaryComponent?: string;
  /** Shuffle seed (default 1): the same seed gives the same folds. */
  seed?: number;
  /** Options passed to the trainer. */
  trainOptions?: Record<string, unknown>;
  /** Keep rows of one group (`data.groups`) in the same fold (default false). */
  grouped?: boolean;
}

/** Cross-validated accuracy with the out-of-fold predictions that produced it. */
export interface CrossValidationResult extends AccuracyReport {
  /** Out-of-fold predictions, rows × components, in the data set's row order. */
  predictions: number[][];
}

/**
 * Assigns each row a fold 0..folds−1 (shuffled by `seed`; by group when `groups` is given).
 */
export function foldAssignment(n: number, folds: number, seed: number, groups?: readonly string[]): number[] {
  const fold = new Array<number>(n).fill(0);
  if (groups) {
    const names = [...new Set(groups)];
    const order = shuffledIndices(names.length, seed);
    const g2f = new Map<string, number>();
    order.forEach((gi, pos) => g2f.set(names[gi], pos % folds));
    for (let i = 0; i < n; i++) fold[i] = g2f.get(groups[i])!;
    return fold;
  }
  shuffledIndices(n, seed).forEach((row, pos) => (fold[row] = pos % folds));
  return fold;
}

/**
 * k-fold cross-validation of `trainer` on `data`: each fold is predicted by a model trained on the
 * others, and the metrics are computed over all out-of-fold predictions together (so the sample count
 * is the whole data set). With fewer than `folds × 2` rows (or groups), leave-one-out is used instead.
 * @throws PP_MODEL_BAD_OPTIONS for folds < 2 or an unknown primary component; PP_MODEL_BAD_DATASET for bad data.
 */
export function crossValidate(data: Dataset, trainer: Trainer, options: CrossValidateOptions = {}): CrossValidationResult {
  validateDataset(data, 2);
  const requested = options.folds ?? 5;
  if (!Number.isInteger(requested) || requested < 2)
    throw ERR_MODEL_BAD_OPTIONS(`folds must be an integer ≥ 2, got ${requested}`, { field: 'folds' });
  if (options.primaryComponent !== undefined && !data.components.includes(options.primaryComponent)) {
    throw ERR_MODEL_BAD_OPTIONS(`primary component ${options.primaryComponent} is not one of ${data.components.join(', ')}`, {
      field: 'primaryComponent',
    });
  }
  const n = data.X.length;
  const groups = options.grouped ? data.groups : undefined;
  if (options.grouped && !groups) throw ERR_MODEL_BAD_OPTIONS('grouped cross-validation needs data.groups', { field: 'grouped' });
  const units = groups ? new Set(groups).size : n;
  if (units < 2) throw ERR_MODEL_BAD_OPTIONS('cross-validation needs at least two groups', { field: 'grouped' });
  const folds = units < requested * 2 ? units : requested;
  const fold = foldAssignment(n, folds, options.seed ?? 1, groups);
  const predictions: number[][] = new Array(n);
  for (let f = 0; f < folds; f++) {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < n; i++) (fold[i] === f ? test : train).push(i);
    if (test.length === 0) continue;
    const model = trainer.train(subsetRows(data, train), options.trainOptions);
    const pred = model.predict(test.map((i) => data.X[i]));
    test.forEach((i, t) => (predictions[i] = pred[t]));
  }
  return { ...accuracyReport(data.components, data.Y, predictions, folds, options.primaryComponent), predictions };
}

/**
 * Accuracy of a trained model on a data set (a single held-out split: `folds` = 1). The data set's
 * columns are matched to the model's features and components by name.
 * @throws PP_MODEL_BAD_DATASET when a feature or component of the model is missing from the data.
 */
export function evaluate(model: TrainedModel, data: Dataset, primaryComponent?: string): AccuracyReport {
  validateDataset(data, 1);
  const d = selectComponents(selectFeatures(data, model.features), model.components);
  return accuracyReport(d.components, d.Y, model.predict(d.X), 1, primaryComponent);
}
