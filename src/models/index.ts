/**
 * @module models
 * The power-model library: trainers and model kinds, feature groups, scalers, accuracy and
 * cross-validation, isolators, data-set parsers (Kepler CSV, Prometheus range dumps, plain CSV, the CCF
 * instance table) and Kepler weight-format compatibility. Import from here.
 */
export type { Dataset, OutputType, Accuracy, AccuracyReport, SerializedModel, TrainedModel, Trainer } from './types.js';
export * from './errors.js';
export { TRAINERS, TRAINER_NAMES, getTrainer, deserializeModel } from './registry.js';
export { FEATURE_GROUPS, CATEGORICAL_FEATURES, FEATURE_ALIASES, KNOWN_FEATURES, mainFeature, resolveFeatures, validGroups } from './features.js';
export { mae, mape, r2, accuracyOf, accuracyReport } from './metrics.js';
export { crossValidate, evaluate, foldAssignment, type CrossValidateOptions, type CrossValidationResult } from './crossval.js';
export { isolate, ISOLATORS, type IsolatorName, type IdleProfile, type IsolationResult } from './isolators.js';
export { seededRandom, shuffledIndices } from '../core/random.js';
export { withPreviousInterval, previousFeatureName } from './history.js';
export { validateDataset, selectFeatures, selectComponents, subsetRows, MAX_DATASET_ROWS } from './dataset.js';
export { fitScaler, scaleRow, scaleRows, type Scaler, type ScalerType } from './scaler.js';
export { parseCsv, parseCsvDataset, MAX_CSV_BYTES, type CsvDatasetOptions, type CsvTable } from './parsers/csv.js';
export { parseKeplerCsv, readKeplerCsv, type KeplerCsvOptions } from './parsers/kepler-csv.js';
export { parsePrometheusRange, DEFAULT_PROM_MAPPINGS, type PromMapping, type PromSeries, type PrometheusRangeOptions } from './parsers/prometheus.js';
export { parseCcfInstances, ccfCurveDataset, CCF_LOAD_POINTS, type CcfInstanceCurve } from './parsers/ccf-instances.js';
export {
  loadKeplerWeights,
  toKeplerWeights,
  keplerWeightsPredictor,
  keplerTrainerName,
  predictorForTrainer,
  KeplerWeightsModel,
  MAX_WEIGHTS_BYTES,
  type KeplerWeights,
  type KeplerComponentWeights,
  type KeplerLoadOptions,
  type KeplerExportOptions,
  type KeplerPredictor,
} from './kepler/weights.js';
