/**
 * @module models/kepler/weights
 * Kepler model-db weight JSON (the language-neutral model format of Kepler ≥ 0.6): load it as a model
 * that predicts exactly as Kepler's local regressor does, export powerplane's linear and curve models in
 * it, and wrap a weight file as the agent's {@link NodePowerPredictor}.
 *
 * The math, per component (`{component: {All_Weights: {...}}}`):
 * - numerical inputs are scaled `x_j = v_j / scale_j`; a zero (or missing) scale leaves `x_j = 0`;
 *   legacy files without `scale` standardise instead: `x_j = (v_j − mean_j) / √variance_j`;
 * - linear: `P = Bias_Weight + Σ_cat weight[value] + Σ_j weight_j · x_j`;
 * - curve fits use the first numerical feature only (`x = v_0 / scale_0`): logarithmic
 *   `a·ln(b·x+1)+c`, logistic `A/(1+e^(−k(x−x0)))+off`, exponential `a·e^(b·x)+c`, plus categorical weights.
 * The predictor is chosen from the trainer name (option `trainer`, else `model_name`, else the file
 * name, with the `_<node type>` suffix dropped); unknown names are linear, as in Kepler.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { SerializedModel, TrainedModel } from '../types.js';
import type { FeatureVector, NodePowerPredictor } from '../../core/contracts.js';
import { ERR_FILE_UNREADABLE, ERR_MALFORMED_FILE, errorMessage } from '../../core/errors.js';
import { BaseModel, checkEnvelope, type ModelHeader } from '../model-base.js';
import { ERR_MODEL_BAD_WEIGHTS, ERR_MODEL_NOT_EXPORTABLE } from '../errors.js';
import { LinearModel } from '../trainers/linear.js';
import { CurveModel } from '../trainers/curve-fit.js';
import { LOGARITHMIC } from '../trainers/logarithmic.js';
import { LOGISTIC } from '../trainers/logistic.js';
import { EXPONENTIAL } from '../trainers/exponential.js';
import type { CurveSpec } from '../trainers/curve-fit.js';
import { FEATURE_ALIASES } from '../features.js';

/** One numerical variable of a weight file. */
export interface KeplerNumericalVariable {
  scale?: number;
  weight?: number;
  mean?: number;
  variance?: number;
}

/** The weights of one component. */
export interface KeplerComponentWeights {
  All_Weights: {
    Bias_Weight?: number;
    Categorical_Variables?: Record<string, Record<string, { weight: number }>>;
    Numerical_Variables: Record<string, KeplerNumericalVariable>;
    CurveFit_Weights?: number[];
  };
}

/** A weight file: components plus optional `model_name`, `machine_spec`, `mae`. */
export interface KeplerWeights {
  model_name?: string;
  machine_spec?: Record<string, unknown>;
  mae?: number;
  [component: string]: KeplerComponentWeights | string | number | Record<string, unknown> | undefined;
}

/** Kepler's predictors. */
export type KeplerPredictor = 'linear' | 'logarithmic' | 'logistic' | 'exponential';

/** Options of {@link loadKeplerWeights}. */
export interface KeplerLoadOptions {
  /** Trainer name (e.g. `LogisticRegressionTrainer` or `LogisticRegressionTrainer_75`); overrides `model_name` and the file name. */
  trainer?: string;
  /** Kepler's feature list order (curve fits use its first entry). Default: the file's order. */
  features?: readonly string[];
  /** Scaling: `auto` (scale when present, else mean/variance), `maxabs`, or `standard` (legacy). */
  scaling?: 'auto' | 'maxabs' | 'standard';
  /** Output type recorded on the model (default AbsPower). */
  outputType?: 'AbsPower' | 'DynPower';
}

/** Largest weight file accepted (bytes). */
export const MAX_WEIGHTS_BYTES = 1 << 20;

const CURVES: Record<Exclude<KeplerPredictor, 'linear'>, CurveSpec> = { logarithmic: LOGARITHMIC, logistic: LOGISTIC, exponential: EXPONENTIAL };
const META_KEYS = new Set(['model_name', 'machine_spec', 'mae', 'mape', 'node_type']);

/** The predictor Kepler uses for a trainer name (suffix `_<n>` and `.json` ignored); unknown → linear. */
export function predictorForTrainer(name: string): KeplerPredictor {
  const base = name.replace(/\.json$/i, '').replace(/_\d+$/, '');
  for (const [kind, spec] of Object.entries(CURVES)) if (spec.keplerTrainer === base) return kind as KeplerPredictor;
  return 'linear';
}

function finite(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** Validates the component entries of a weight file and returns them. */
function parseComponents(json: unknown, where: string, path: string | undefined): Record<string, KeplerComponentWeights> {
  const bad = (msg: string, field?: string) => ERR_MODEL_BAD_WEIGHTS(`${where}: ${msg}`, { ...(field ? { field } : {}), ...(path ? { path } : {}) });
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw bad('a weight file is a JSON object');
  const out: Record<string, KeplerComponentWeights> = {};
  for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
    if (META_KEYS.has(key)) continue;
    const aw = (value as { All_Weights?: unknown } | null)?.All_Weights;
    if (typeof aw !== 'object' || aw === null) throw bad(`component ${key} has no All_Weights object`, key);
    const w = aw as Record<string, unknown>;
    if (w.Bias_Weight !== undefined && !finite(w.Bias_Weight)) throw bad(`${key}.Bias_Weight is not a number`, `${key}.All_Weights.Bias_Weight`);
    const num = w.Numerical_Variables ?? {};
    if (typeof num !== 'object' || num === null || Array.isArray(num))
      throw bad(`${key}.Numerical_Variables is not an object`, `${key}.All_Weights.Numerical_Variables`);
    for (const [f, v] of Object.entries(num as Record<string, unknown>)) {
      if (typeof v !== 'object' || v === null) throw bad(`${key}.${f} is not an object`, `${key}.All_Weights.Numerical_Variables.${f}`);
      for (const field of ['scale', 'weight', 'mean', 'variance'] as const) {
        const x = (v as Record<string, unknown>)[field];
        if (x !== undefined && !finite(x)) throw bad(`${key}.${f}.${field} is not a number`, `${key}.All_Weights.Numerical_Variables.${f}.${field}`);
      }
    }
    const cat = w.Categorical_Variables ?? {};
    if (typeof cat !== 'object' || cat === null || Array.isArray(cat))
      throw bad(`${key}.Categorical_Variables is not an object`, `${key}.All_Weights.Categorical_Variables`);
    for (const [f, values] of Object.entries(cat as Record<string, unknown>)) {
      if (typeof values !== 'object' || values === null) throw bad(`${key}.Categorical_Variables.${f} is not an object`);
      for (const [val, e] of Object.entries(values as Record<string, unknown>)) {
        if (!finite((e as { weight?: unknown } | null)?.weight)) throw bad(`${key}.Categorical_Variables.${f}.${val}.weight is not a number`);
      }
    }
    const cf = w.CurveFit_Weights;
    if (cf !== undefined && (!Array.isArray(cf) || !cf.every(finite)))
      throw bad(`${key}.CurveFit_Weights is not a list of numbers`, `${key}.All_Weights.CurveFit_Weights`);
    out[key] = {
      All_Weights: {
        ...(w.Bias_Weight !== undefined ? { Bias_Weight: w.Bias_Weight as number } : {}),
        Categorical_Variables: cat as Record<string, Record<string, { weight: number }>>,
        Numerical_Variables: num as Record<string, KeplerNumericalVariable>,
        ...(cf !== undefined ? { CurveFit_Weights: cf as number[] } : {}),
      },
    };
  }
  if (Object.keys(out).length === 0) throw bad('the file has no component weights');
  return out;
}

/** Parameters of a model loaded from Kepler weights. */
export interface KeplerModelParams {
  predictor: KeplerPredictor;
  scaling: 'auto' | 'maxabs' | 'standard';
  /** Component weights exactly as in the file. */
  weights: Record<string, KeplerComponentWeights>;
  /** `model_name` of the file, when it had one. */
  modelName?: string;
}

/** A model that predicts from Kepler weights exactly as Kepler's local regressor does. */
export class KeplerWeightsModel extends BaseModel {
  readonly kind = 'kepler';
  private readonly categorical: ReadonlySet<string>;
  constructor(
    h: ModelHeader,
    readonly p: KeplerModelParams,
  ) {
    super(h);
    this.categorical = new Set(Object.values(p.weights).flatMap((c) => Object.keys(c.All_Weights.Categorical_Variables ?? {})));
  }

  /** Scaled value of a numerical feature per the file's scaling. */
  private scaled(v: number, nv: KeplerNumericalVariable | undefined): number {
    if (!nv) return 0;
    const useScale = this.p.scaling === 'maxabs' || (this.p.scaling === 'auto' && nv.scale !== undefined);
    if (useScale) return nv.scale ? v / nv.scale : 0;
    const variance = nv.variance ?? 0;
    return variance > 0 ? (v - (nv.mean ?? 0)) / Math.sqrt(variance) : 0;
  }

  protected predictRow(x: readonly number[]): number[] {
    return this.components.map((c) => {
      const w = this.p.weights[c].All_Weights;
      let cat = 0;
      for (const [f, values] of Object.entries(w.Categorical_Variables ?? {})) {
        const j = this.features.indexOf(f);
        if (j >= 0) cat += values[String(x[j])]?.weight ?? 0;
      }
      if (this.p.predictor === 'linear') {
        let s = w.Bias_Weight ?? 0;
        this.features.forEach((f, j) => {
          if (this.categorical.has(f)) return;
          const nv = w.Numerical_Variables[f];
          if (nv?.weight) s += nv.weight * this.scaled(x[j], nv);
        });
        return s + cat;
      }
      const first = this.features.findIndex((f) => !this.categorical.has(f));
      const xv = first >= 0 ? this.scaled(x[first], w.Numerical_Variables[this.features[first]]) : 0;
      return CURVES[this.p.predictor].f(w.CurveFit_Weights!, xv) + cat;
    });
  }

  protected params(): KeplerModelParams {
    return this.p;
  }
}

/**
 * Loads a Kepler weight JSON as a model. `path` (or the file name in it) is used in errors and, when the
 * file has no `model_name`, to pick the predictor from the trainer name.
 * @throws PP_MODEL_BAD_WEIGHTS for a malformed file, a curve file without the right number of
 * coefficients, or a linear file with curve coefficients.
 */
export function loadKeplerWeights(json: unknown, path?: string, options: KeplerLoadOptions = {}): KeplerWeightsModel {
  const where = path ?? 'weights';
  const weights = parseComponents(json, where, path);
  const modelName = typeof (json as KeplerWeights).model_name === 'string' ? ((json as KeplerWeights).model_name as string) : undefined;
  const trainerName = options.trainer ?? modelName ?? (path ? basename(path) : undefined);
  const anyCurve = Object.values(weights).some((c) => c.All_Weights.CurveFit_Weights !== undefined);
  let predictor: KeplerPredictor;
  if (trainerName !== undefined) predictor = predictorForTrainer(trainerName);
  else if (anyCurve) {
    const lengths = new Set(Object.values(weights).map((c) => c.All_Weights.CurveFit_Weights?.length));
    if (lengths.size === 1 && lengths.has(4)) predictor = 'logistic';
    else
      throw ERR_MODEL_BAD_WEIGHTS(`${where}: curve-fit weights without a trainer name; pass the trainer (e.g. LogarithmicRegressionTrainer)`, {
        field: 'trainer',
      });
  } else predictor = 'linear';
  for (const [c, cw] of Object.entries(weights)) {
    const cf = cw.All_Weights.CurveFit_Weights;
    if (predictor === 'linear' && cf !== undefined) {
      throw ERR_MODEL_BAD_WEIGHTS(`${where}: ${c} has CurveFit_Weights, which the linear predictor rejects (trainer ${trainerName ?? 'unknown'})`, {
        field: c,
      });
    }
    if (predictor !== 'linear' && cf?.length !== CURVES[predictor].nParams) {
      throw ERR_MODEL_BAD_WEIGHTS(`${where}: the ${predictor} predictor needs exactly ${CURVES[predictor].nParams} CurveFit_Weights for ${c}`, {
        field: c,
      });
    }
  }
  const fileFeatures: string[] = [];
  for (const cw of Object.values(weights)) {
    for (const f of Object.keys(cw.All_Weights.Numerical_Variables)) if (!fileFeatures.includes(f)) fileFeatures.push(f);
    for (const f of Object.keys(cw.All_Weights.Categorical_Variables ?? {})) if (!fileFeatures.includes(f)) fileFeatures.push(f);
  }
  const features = options.features ? [...options.features] : fileFeatures;
  if (features.length === 0) throw ERR_MODEL_BAD_WEIGHTS(`${where}: the file names no features`, { field: 'Numerical_Variables' });
  if (new Set(features).size !== features.length) throw ERR_MODEL_BAD_WEIGHTS(`${where}: the feature list has duplicates`, { field: 'features' });
  return new KeplerWeightsModel(
    { features, components: Object.keys(weights), outputType: options.outputType ?? 'AbsPower' },
    { predictor, scaling: options.scaling ?? 'auto', weights, ...(modelName ? { modelName } : {}) },
  );
}

/** Rebuilds a model imported from Kepler weights from its serialized form. */
export function keplerFromJSON(json: SerializedModel): TrainedModel {
  const { header, params } = checkEnvelope(json, 'kepler');
  const p = params as Partial<KeplerModelParams>;
  const predictor = p.predictor;
  if (predictor !== 'linear' && predictor !== 'logarithmic' && predictor !== 'logistic' && predictor !== 'exponential') {
    throw ERR_MODEL_BAD_WEIGHTS('kepler model: unknown predictor', { field: 'params.predictor' });
  }
  const trainer = predictor === 'linear' ? 'SGDRegressorTrainer' : CURVES[predictor].keplerTrainer;
  return loadKeplerWeights(p.weights, undefined, { trainer, features: header.features, scaling: p.scaling, outputType: header.outputType });
}

/** Options of {@link toKeplerWeights}. */
export interface KeplerExportOptions {
  /** `model_name` to write (Kepler picks the predictor from it); default `<KeplerTrainer>_<nodeType>` when `nodeType` is given. */
  modelName?: string;
  nodeType?: number;
  machineSpec?: Record<string, unknown>;
}

/** The Kepler trainer name of an exportable model kind (`SGDRegressorTrainer` for linear). */
export function keplerTrainerName(model: TrainedModel): string {
  if (model instanceof LinearModel) return 'SGDRegressorTrainer';
  if (model instanceof CurveModel) return model.spec.keplerTrainer;
  if (model instanceof KeplerWeightsModel) return model.p.predictor === 'linear' ? 'SGDRegressorTrainer' : CURVES[model.p.predictor].keplerTrainer;
  throw ERR_MODEL_NOT_EXPORTABLE(`a ${model.kind} model cannot be expressed as Kepler weights (only linear and curve-fit models can)`, {
    field: 'kind',
  });
}

/**
 * Exports a linear or curve-fit model (or one loaded from Kepler weights) as Kepler weight JSON that
 * Kepler's predictors evaluate to the same watts. Linear models with a standard scaler (or none) are
 * rewritten exactly into `x / scale` form. Curve fits list their fitted feature first, since Kepler's
 * curve predictors use the first feature.
 * @throws PP_MODEL_NOT_EXPORTABLE for other kinds.
 */
export function toKeplerWeights(model: TrainedModel, options: KeplerExportOptions = {}): KeplerWeights {
  const trainer = keplerTrainerName(model);
  const head: KeplerWeights = {};
  const name = options.modelName ?? (options.nodeType !== undefined ? `${trainer}_${options.nodeType}` : undefined);
  if (name) head.model_name = name;
  if (options.machineSpec) head.machine_spec = options.machineSpec;
  if (model instanceof KeplerWeightsModel) return { ...head, ...structuredClone(model.p.weights) };
  const out: KeplerWeights = head;
  if (model instanceof LinearModel) {
    const s = model.p.scaler;
    model.components.forEach((c, k) => {
      const w = model.p.weights[k];
      let bias = model.p.intercept[k];
      const num: Record<string, KeplerNumericalVariable> = {};
      model.features.forEach((f, j) => {
        if (s.type === 'maxabs') num[f] = { scale: s.scale[j], weight: w[j] };
        else if (s.type === 'standard') {
          bias -= (w[j] * s.mean[j]) / s.std[j];
          num[f] = { scale: 1, weight: w[j] / s.std[j] };
        } else num[f] = { scale: 1, weight: w[j] };
      });
      out[c] = { All_Weights: { Bias_Weight: bias, Categorical_Variables: {}, Numerical_Variables: num } };
    });
    return out;
  }
  const curve = model as CurveModel;
  const feature = curve.features[curve.p.featureIndex];
  curve.components.forEach((c, k) => {
    out[c] = {
      All_Weights: {
        Categorical_Variables: {},
        Numerical_Variables: { [feature]: { scale: curve.p.scale } },
        CurveFit_Weights: [...curve.p.coefficients[k]],
      },
    };
  });
  return out;
}

/**
 * Reads a Kepler weight file and returns the agent's node power predictor: features missing from the
 * input count as 0 (as in Kepler), older feature names are asked for by their current names
 * (`bpf_cpu_time_us` → `bpf_cpu_time_ms`), and predicted watts are clamped at 0.
 * @throws PP_FILE_UNREADABLE, PP_MALFORMED_FILE (not JSON), PP_MODEL_BAD_WEIGHTS.
 */
export async function keplerWeightsPredictor(path: string, options: KeplerLoadOptions = {}): Promise<NodePowerPredictor> {
  let text: string;
  try {
    const st = await stat(path);
    if (st.size > MAX_WEIGHTS_BYTES) throw ERR_MALFORMED_FILE(`${path}: weight file is larger than ${MAX_WEIGHTS_BYTES} bytes`, { path });
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (ERR_MALFORMED_FILE.is(err)) throw err;
    throw ERR_FILE_UNREADABLE(`${path}: ${errorMessage(err)}`, { path }, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw ERR_MALFORMED_FILE(`${path}: not valid JSON (${errorMessage(err)})`, { path }, { cause: err });
  }
  const model = loadKeplerWeights(json, path, options);
  // Older files name features the agent knows under their current names (bpf_cpu_time_us → bpf_cpu_time_ms).
  const inputNames = model.features.map((f) => FEATURE_ALIASES[f] ?? f);
  return {
    name: `kepler:${basename(path)}`,
    features: inputNames,
    predict(fv: FeatureVector): Record<string, number> {
      const row = inputNames.map((f) => {
        const v = fv[f];
        return typeof v === 'number' && Number.isFinite(v) ? v : 0;
      });
      const [p] = model.predict([row]);
      return Object.fromEntries(model.components.map((c, k) => [c, Math.max(0, p[k])]));
    },
  };
}

/** The `kepler` model kind's entry in the model registry (models/registry.ts): deserialization only. */
export { keplerFromJSON as fromJSON };
