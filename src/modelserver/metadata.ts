/**
 * @module modelserver/metadata
 * `metadata.json` of a stored model: what was trained, on which features and data, how accurate it
 * is (per component and aggregated, with the test-set size and folds), and the machine it describes.
 * The file also carries Kepler's flat keys (`mae`, `mape`, `<component>_mae`, `<component>_mape`,
 * `model_name`, `trainer`, `model_class`, `features`, `output_type`, `node_type`, `machine_spec`) so
 * Kepler tooling reads it; the aggregate MAPE is the correct one (max over components, or the primary
 * component), not Kepler's last-component value.
 */
import type { AccuracyReport, OutputType } from '../models/types.js';

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
const strList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/** Validates a parsed `metadata.json`; returns the problem or undefined. */
export function metadataProblem(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'is not a JSON object';
  const m = v as Record<string, unknown>;
  if (m.format !== 'powerplane-model-metadata/v1') return 'format is not powerplane-model-metadata/v1';
  for (const k of ['model_name', 'version', 'trainer', 'model_class', 'created'] as const) if (!str(m[k])) return `${k} is missing`;
  if (!strList(m.features) || !strList(m.components) || m.components.length === 0) return 'features or components are missing';
  if (m.output_type !== 'AbsPower' && m.output_type !== 'DynPower') return 'output_type is not AbsPower or DynPower';
  for (const k of ['train_samples', 'test_samples', 'folds'] as const) if (typeof m[k] !== 'number') return `${k} is not a number`;
  if (m.node_type !== undefined && !Number.isInteger(m.node_type)) return 'node_type is not an integer';
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
