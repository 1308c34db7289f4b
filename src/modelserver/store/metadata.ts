/**
 * @module modelserver/store/metadata
 * `metadata.json` of a stored model: what was trained, on which features and data, how accurate it
 * is (per component and aggregated, with the test-set size and folds), and the machine it describes.
 * The file also carries Kepler's flat keys (`mae`, `mape`, `<component>_mae`, `<component>_mape`,
 * `model_name`, `trainer`, `model_class`, `features`, `output_type`, `node_type`, `machine_spec`) so
 * Kepler tooling reads it; the aggregate MAPE is the correct one (max over components, or the primary
 * component), not Kepler's last-component value.
 */
import type { AccuracyReport, OutputType } from '../../models/types.js';

/** A node type's hardware, as Kepler's `machine_spec`. Extra keys are kept but not used for matching. */
export interface MachineSpec {
  vendor?: string;
  processor?: string;
  cores?: number;
  chips?: number;
  /** GiB. */
  memory?: number;
  /** MHz. */
  frequency?: number;
  threads_per_core?: number;
}

/** The parsed `metadata.json`. */
export interface ModelMetadata {
  format: 'powerplane-model-metadata/v1';
  model_name: string;
  /** Version served by the v2 protocol (`/v2/models/{name}/versions/{version}`). */
  version: string;
  pipeline: string;
  energy_source: string;
  output_type: OutputType;
  feature_group: string;
  /** Trainer (model kind registry name), e.g. `linear`, `gbt`, `kepler-linear`. */
  trainer: string;
  /** Model kind from `model.json`. */
  model_class: string;
  model_file: 'model.json';
  /** Ordered features: the model's input columns. */
  features: string[];
  /** Output components, e.g. `package`, `dram`, `platform`. */
  components: string[];
  /** Input scaling the model applies (kind-specific), or null. */
  scaler: unknown;
  /** Idle isolation used for DynPower labels (`min`, `profile`, `none`). */
  isolator?: string;
  /** Cross-validated accuracy; absent for imported models. */
  accuracy?: AccuracyReport;
  /** Samples the final model was trained on. */
  train_samples: number;
  /** Held-out samples the accuracy figures were computed on (sum over folds). */
  test_samples: number;
  folds: number;
  node_type?: number;
  machine_spec?: MachineSpec;
  /** True when `weight.json` (Kepler format) is stored beside the model. */
  weight: boolean;
  /** Where the training data came from (e.g. `csv:data.csv`, `prometheus:http://…`). */
  training_source?: string;
  created: string;
}

/** Serializes metadata with Kepler's flat accuracy keys added. */
export function metadataToJson(meta: ModelMetadata): string {
  const flat: Record<string, unknown> = { ...meta };
  if (meta.accuracy) {
    flat.mae = round(meta.accuracy.aggregate.mae);
    flat.mape = round(meta.accuracy.aggregate.mape);
    flat.r2 = round(meta.accuracy.aggregate.r2, 4);
    for (const [c, a] of Object.entries(meta.accuracy.perComponent)) {
      flat[`${c}_mae`] = round(a.mae);
      flat[`${c}_mape`] = round(a.mape);
    }
  }
  return JSON.stringify(flat, null, 2) + '\n';
}

function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Number.isFinite(x) ? Math.round(x * f) / f : x;
}

const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const strList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string' && s.length > 0);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A count: a finite non-negative integer. */
const count = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;
/** An error figure: a number, or null (how JSON writes NaN, e.g. R² of a constant target). */
const figure = (v: unknown): boolean => v === null || typeof v === 'number';

/** Why an accuracy figure set (`{mae, mape, r2, samples}`) at `at` is invalid, or undefined. */
function accuracyProblem(v: unknown, at: string): string | undefined {
  if (!isObject(v)) return `${at} is not an object`;
  for (const k of ['mae', 'mape', 'r2'] as const) if (!figure(v[k])) return `${at}.${k} is not a number`;
  if (!count(v.samples)) return `${at}.samples is not a count`;
  return undefined;
}

/** Why an `accuracy` report is invalid, or undefined. */
function accuracyReportProblem(v: unknown, components: readonly string[]): string | undefined {
  if (!isObject(v)) return 'accuracy is not an object';
  const aggregate = accuracyProblem(v.aggregate, 'accuracy.aggregate');
  if (aggregate) return aggregate;
  if (!isObject(v.perComponent)) return 'accuracy.perComponent is not an object';
  for (const [c, a] of Object.entries(v.perComponent)) {
    if (!components.includes(c)) return `accuracy.perComponent.${c} is not one of the components`;
    const p = accuracyProblem(a, `accuracy.perComponent.${c}`);
    if (p) return p;
  }
  if (!str(v.aggregation)) return 'accuracy.aggregation is missing';
  if (!count(v.folds)) return 'accuracy.folds is not a count';
  return undefined;
}

/** Why a `machine_spec` is invalid, or undefined. Extra keys are allowed. */
function machineSpecProblem(v: unknown): string | undefined {
  if (!isObject(v)) return 'machine_spec is not an object';
  for (const k of ['vendor', 'processor'] as const) if (v[k] !== undefined && typeof v[k] !== 'string') return `machine_spec.${k} is not a string`;
  for (const k of ['cores', 'chips', 'memory', 'frequency', 'threads_per_core'] as const) {
    if (v[k] !== undefined && !(typeof v[k] === 'number' && Number.isFinite(v[k]) && v[k] >= 0))
      return `machine_spec.${k} is not a non-negative number`;
  }
  return undefined;
}

/**
 * Validates a parsed `metadata.json` completely (every field the server reads, with its type); returns
 * the problem, naming the field, or undefined. A model whose metadata fails is skipped by listings
 * and refused by imports.
 */
export function metadataProblem(v: unknown): string | undefined {
  if (!isObject(v)) return 'is not a JSON object';
  const m = v;
  if (m.format !== 'powerplane-model-metadata/v1') return 'format is not powerplane-model-metadata/v1';
  for (const k of ['model_name', 'version', 'trainer', 'model_class', 'created'] as const) if (!str(m[k])) return `${k} is missing or not a string`;
  if (Number.isNaN(Date.parse(m.created as string))) return 'created is not a date';
  if (!strList(m.features)) return 'features is not a list of names';
  if (!strList(m.components) || m.components.length === 0) return 'components is not a non-empty list of names';
  if (m.output_type !== 'AbsPower' && m.output_type !== 'DynPower') return 'output_type is not AbsPower or DynPower';
  for (const k of ['train_samples', 'test_samples', 'folds'] as const) if (!count(m[k])) return `${k} is not a count`;
  if (m.node_type !== undefined && !Number.isSafeInteger(m.node_type)) return 'node_type is not an integer';
  for (const k of ['isolator', 'training_source', 'pipeline', 'energy_source', 'feature_group'] as const)
    if (m[k] !== undefined && typeof m[k] !== 'string') return `${k} is not a string`;
  if (m.model_file !== undefined && m.model_file !== 'model.json') return 'model_file is not model.json';
  if (m.weight !== undefined && typeof m.weight !== 'boolean') return 'weight is not a boolean';
  if (m.accuracy !== undefined) {
    const p = accuracyReportProblem(m.accuracy, m.components);
    if (p) return p;
  }
  if (m.machine_spec !== undefined) return machineSpecProblem(m.machine_spec);
  return undefined;
}

/** The node type of a model: `node_type`, else the `_<n>` suffix of a Kepler-style name (`SGDRegressorTrainer_4`). */
export function nodeTypeOf(meta: Pick<ModelMetadata, 'node_type' | 'model_name'>): number | undefined {
  if (meta.node_type !== undefined) return meta.node_type;
  const m = /_(\d+)$/.exec(meta.model_name);
  return m ? Number(m[1]) : undefined;
}

/** A metadata field usable in Kepler filters: aggregate or `<component>_<metric>` accuracy, sizes. */
export function metadataNumber(meta: ModelMetadata, field: string): number | undefined {
  const acc = meta.accuracy;
  switch (field) {
    case 'mae':
    case 'mape':
    case 'r2':
      return acc?.aggregate[field];
    case 'samples':
    case 'test_samples':
      return meta.test_samples;
    case 'train_samples':
      return meta.train_samples;
    case 'folds':
      return meta.folds;
    case 'node_type':
      return nodeTypeOf(meta);
  }
  const m = /^(.+)_(mae|mape|r2)$/.exec(field);
  if (m && acc?.perComponent[m[1]]) return acc.perComponent[m[1]][m[2] as 'mae' | 'mape' | 'r2'];
  return undefined;
}
