/**
 * @module models/trainers/polynomial
 * Degree-2 polynomial regression with interactions (sklearn `PolynomialFeatures(degree=2)` then least
 * squares): features are MaxAbs-scaled, expanded to `x_i` and `x_i·x_j` (i ≤ j), then fitted by least
 * squares with a small ridge penalty (option `ridge`, default 1e-8) for numerical stability.
 */
import type { Dataset, SerializedModel, TrainedModel, Trainer } from '../types.js';
import { BaseModel, checkEnvelope, enumOption, matrix, numberOption, numbers, outputTypeOption, type ModelHeader } from '../model-base.js';
import { checkScaler, fitScaler, scaleRow, type Scaler } from '../scaler.js';
import { validateDataset } from '../dataset.js';
import { leastSquares } from './least-squares.js';

/** Expands a scaled row into degree-1 and degree-2 terms (with interactions). */
export function expandDegree2(s: readonly number[]): number[] {
  const out = [...s];
  for (let i = 0; i < s.length; i++) for (let j = i; j < s.length; j++) out.push(s[i] * s[j]);
  return out;
}

/** Parameters of a polynomial model. */
export interface PolynomialParams {
  scaler: Scaler;
  degree: 2;
  intercept: number[];
  /** components × expanded terms (p + p(p+1)/2). */
  weights: number[][];
}

/** A fitted degree-2 polynomial model. */
export class PolynomialModel extends BaseModel {
  readonly kind = 'polynomial';
  constructor(
    h: ModelHeader,
    readonly p: PolynomialParams,
  ) {
    super(h);
  }
  protected predictRow(x: readonly number[]): number[] {
    const t = expandDegree2(scaleRow(this.p.scaler, x));
    return this.p.weights.map((w, k) => w.reduce((acc, wj, j) => acc + wj * t[j], this.p.intercept[k]));
  }
  protected params(): PolynomialParams {
    return this.p;
  }
}

/** Trains a degree-2 polynomial model. */
export const polynomialTrainer: Trainer = {
  name: 'polynomial',
  train(data: Dataset, options?: Record<string, unknown>): TrainedModel {
    validateDataset(data, 2);
    const ridge = numberOption(options, 'ridge', 1e-8, 0, 1e12);
    const scaler = fitScaler(enumOption(options, 'scaler', ['maxabs', 'standard'], 'maxabs'), data.X, data.features.length);
    const T = data.X.map((r) => expandDegree2(scaleRow(scaler, r)));
    const fit = leastSquares(T, data.Y, { ridge, nonNegative: false });
    return new PolynomialModel(
      { features: data.features, components: data.components, outputType: outputTypeOption(options) },
      { scaler, degree: 2, intercept: fit.intercept, weights: fit.coef },
    );
  },
};

/** Rebuilds a polynomial model from its serialized form. @throws PP_MODEL_BAD_MODEL */
export function polynomialFromJSON(json: SerializedModel): TrainedModel {
  const { header, params } = checkEnvelope(json, 'polynomial');
  const nf = header.features.length;
  const nc = header.components.length;
  const terms = nf + (nf * (nf + 1)) / 2;
  return new PolynomialModel(header, {
    scaler: checkScaler(params.scaler, nf),
    degree: 2,
    intercept: numbers(params.intercept, nc, 'params.intercept'),
    weights: matrix(params.weights, nc, terms, 'params.weights'),
  });
}

/** This model kind's entry in the trainer registry (models/registry.ts). */
export { polynomialTrainer as trainer, polynomialFromJSON as fromJSON };
