/**
 * @module models/trainers/linear
 * Linear model `P_c = bias_c + Σ_j w_cj · x_j` on scaled features (MaxAbs by default, as Kepler's
 * weight files). Options: `ridge` (λ ≥ 0, default 0), `nonNegative` (NNLS weights, default false),
 * `scaler` (`maxabs` | `standard` | `none`), `outputType`.
 */
import type { Dataset, SerializedModel, TrainedModel, Trainer } from '../types.js';
import {
  BaseModel,
  booleanOption,
  checkEnvelope,
  enumOption,
  matrix,
  numberOption,
  numbers,
  outputTypeOption,
  type ModelHeader,
} from '../model-base.js';
import { checkScaler, fitScaler, scaleRow, scaleRows, type Scaler } from '../scaler.js';
import { validateDataset } from '../dataset.js';
import { leastSquares } from './least-squares.js';

/** Parameters of a linear model. */
export interface LinearParams {
  scaler: Scaler;
  /** One bias per component. */
  intercept: number[];
  /** components × features, on scaled features. */
  weights: number[][];
  ridge: number;
  nonNegative: boolean;
}

/** A fitted linear model. */
export class LinearModel extends BaseModel {
  readonly kind = 'linear';
  constructor(
    h: ModelHeader,
    readonly p: LinearParams,
  ) {
    super(h);
  }
  protected predictRow(x: readonly number[]): number[] {
    const s = scaleRow(this.p.scaler, x);
    return this.p.weights.map((w, k) => w.reduce((acc, wj, j) => acc + wj * s[j], this.p.intercept[k]));
  }
  protected params(): LinearParams {
    return this.p;
  }
}

/** Trains a linear model (least squares, ridge, or non-negative least squares). */
export const linearTrainer: Trainer = {
  name: 'linear',
  train(data: Dataset, options?: Record<string, unknown>): TrainedModel {
    validateDataset(data, 2);
    const ridge = numberOption(options, 'ridge', 0, 0, 1e12);
    const nonNegative = booleanOption(options, 'nonNegative', false);
    const scaler = fitScaler(enumOption(options, 'scaler', ['maxabs', 'standard', 'none'], 'maxabs'), data.X, data.features.length);
    const fit = leastSquares(scaleRows(scaler, data.X), data.Y, { ridge, nonNegative });
    return new LinearModel(
      { features: data.features, components: data.components, outputType: outputTypeOption(options) },
      { scaler, intercept: fit.intercept, weights: fit.coef, ridge, nonNegative },
    );
  },
};

/** Rebuilds a linear model from its serialized form. @throws PP_MODEL_BAD_MODEL */
export function linearFromJSON(json: SerializedModel): TrainedModel {
  const { header, params } = checkEnvelope(json, 'linear');
  const nf = header.features.length;
  const nc = header.components.length;
  return new LinearModel(header, {
    scaler: checkScaler(params.scaler, nf),
    intercept: numbers(params.intercept, nc, 'params.intercept'),
    weights: matrix(params.weights, nc, nf, 'params.weights'),
    ridge: typeof params.ridge === 'number' ? params.ridge : 0,
    nonNegative: params.nonNegative === true,
  });
}

/** This model kind's entry in the trainer registry (models/registry.ts). */
export { linearTrainer as trainer, linearFromJSON as fromJSON };
