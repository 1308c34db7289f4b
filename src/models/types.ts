/**
 * @module models/types
 * Seams of the power-model library: data sets, trainers, trained models and their serialized form.
 * One trainer per file under `trainers/`.
 */

/** A table of samples: rows of features and one or more target components (e.g. package, dram, platform). */
export interface Dataset {
  /** Ordered feature names (the model records them exactly). */
  features: string[];
  /** Target component names (columns of `Y`). */
  components: string[];
  /** Rows × features. */
  X: number[][];
  /** Rows × components, watts. */
  Y: number[][];
  /** Optional row groups (e.g. node type) for grouped cross-validation. */
  groups?: string[];
  /** Optional sample time of each row (seconds since epoch), for time-ordered data (Kepler CSV, Prometheus). */
  timestamps?: number[];
}

/** Output type of a model: absolute power (idle included) or dynamic power (idle removed by an isolator). */
export type OutputType = 'AbsPower' | 'DynPower';

/** Error figures of a model on held-out data. */
export interface Accuracy {
  mae: number;
  /** Mean absolute percentage error over samples with y > 0, in percent. */
  mape: number;
  r2: number;
  /** Samples evaluated. */
  samples: number;
}

/** Per-component accuracy plus the aggregate (max over components, or the primary component). */
export interface AccuracyReport {
  perComponent: Record<string, Accuracy>;
  aggregate: Accuracy;
  /** How the aggregate was formed: `max` or `primary:<component>`. */
  aggregation: string;
  /** Folds of cross-validation (1 = a single train/test split). */
  folds: number;
}

/** The serialized form of a trained model (`model.json` in the model directory). */
export interface SerializedModel {
  format: 'powerplane-model/v1';
  kind: string;
  features: string[];
  components: string[];
  outputType: OutputType;
  /** Kind-specific parameters (weights, trees, neighbours, curve coefficients, scaler). */
  params: unknown;
}

/** A trained model: pure prediction, serializable. */
export interface TrainedModel {
  readonly kind: string;
  readonly features: readonly string[];
  readonly components: readonly string[];
  readonly outputType: OutputType;
  /** Predicts rows × components watts for rows × features input. */
  predict(X: number[][]): number[][];
  toJSON(): SerializedModel;
}

/** A trainer: one model kind. */
export interface Trainer {
  /** Registry name, e.g. `linear`, `ridge`, `polynomial`, `gbt`, `knn`, `logarithmic`, `logistic`, `exponential`. */
  readonly name: string;
  train(data: Dataset, options?: Record<string, unknown>): TrainedModel;
}
