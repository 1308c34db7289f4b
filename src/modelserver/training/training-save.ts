/**
 * @module modelserver/training/training-save
 * Stores the models of a training run in the store layout, with their metadata, Kepler weights where
 * available, and the measured-vs-predicted plot beside the best model; and summarises the run per
 * trainer (the table `powerplane train` prints and the job result).
 */
import { FEATURE_GROUPS } from '../../models/features.js';
import type { Accuracy } from '../../models/types.js';
import type { ModelMetadata, MachineSpec } from '../store/metadata.js';
import type { ModelStore } from '../store/store.js';
import { measuredVsPredictedSvg } from './svg-plot.js';
import type { TrainingOutcome, TrainingPlan } from './training.js';

/** Where and under which names the run's models are stored. */
export interface SaveOptions {
  pipeline: string;
  /** Default: `rapl-sysfs` for RAPL zones, `acpi` for platform power, else `custom`. */
  energySource?: string;
  /** Feature group directory; default: the group whose features match, else the requested name, else `custom`. */
  featureGroup?: string;
  /** One trainer: the model's name; several: the prefix of `<name>-<trainer>`. Default `<trainer>[_<nodeType>]`. */
  name?: string;
  version: string;
  trainingSource: string;
  machineSpec?: MachineSpec;
  nodeType?: number;
}

/** One trainer's line of the summary. */
export interface TrainerSummary {
  trainer: string;
  /** Store id of the saved model. */
  id?: string;
  mae?: number;
  mape?: number;
  r2?: number;
  folds?: number;
  samples?: number;
  perComponent?: Record<string, Accuracy>;
  /** Kepler weights were exported. */
  weight?: boolean;
  trainMs: number;
  error?: { code: string; message: string };
}

/** The whole run's summary. */
export interface TrainingSummary {
  features: string[];
  components: string[];
  samples: number;
  outputType: string;
  /** Id of the best model (lowest aggregate MAE). */
  best?: string;
  bestTrainer?: string;
  trainers: TrainerSummary[];
}

const RAPL_ZONES = new Set(['package', 'core', 'uncore', 'dram', 'psys']);

/** Kepler's energy source for a set of components. */
export function defaultEnergySource(components: readonly string[]): string {
  if (components.every((c) => RAPL_ZONES.has(c))) return 'rapl-sysfs';
  if (components.every((c) => c === 'platform')) return 'acpi';
  return 'custom';
}

/** The feature group directory name for a feature list (a requested group name wins if it is one). */
export function featureGroupName(features: readonly string[], requested?: string): string {
  const groups = Object.keys(FEATURE_GROUPS);
  const req = requested ? groups.find((g) => g.toLowerCase() === requested.trim().toLowerCase()) : undefined;
  if (req) return req;
  const same = groups.find((g) => FEATURE_GROUPS[g].length === features.length && FEATURE_GROUPS[g].every((f, i) => f === features[i]));
  return same ?? 'custom';
}

/** Model name for a trainer under the save options. */
export function modelName(trainer: string, trainers: number, opts: Pick<SaveOptions, 'name' | 'nodeType'>): string {
  if (opts.name) return trainers === 1 ? opts.name : `${opts.name}-${trainer}`;
  return opts.nodeType !== undefined ? `${trainer}_${opts.nodeType}` : trainer;
}

/** Saves every successful trainer's model; returns the summary. */
export async function saveTrainingOutcome(
  store: ModelStore,
  outcome: TrainingOutcome,
  plan: TrainingPlan,
  opts: SaveOptions,
): Promise<TrainingSummary> {
  const energySource = opts.energySource ?? defaultEnergySource(outcome.components);
  const featureGroup = opts.featureGroup ?? featureGroupName(outcome.features);
  const created = new Date().toISOString();
  const trainers: TrainerSummary[] = [];
  let best: string | undefined;
  for (const o of outcome.outcomes) {
    if (!o.model || !o.accuracy) {
      trainers.push({ trainer: o.trainer, trainMs: o.trainMs, error: o.error });
      continue;
    }
    const name = modelName(o.trainer, plan.trainers.length, opts);
    const params = o.model.params as { scaler?: unknown } | null;
    const metadata: ModelMetadata = {
      format: 'powerplane-model-metadata/v1',
      model_name: name,
      version: opts.version,
      pipeline: opts.pipeline,
      energy_source: energySource,
      output_type: plan.outputType,
      feature_group: featureGroup,
      trainer: o.trainer,
      model_class: o.model.kind,
      model_file: 'model.json',
      features: [...o.model.features],
      components: [...o.model.components],
      scaler: params && typeof params === 'object' && 'scaler' in params ? params.scaler : null,
      ...(plan.outputType === 'DynPower' ? { isolator: plan.isolator } : {}),
      accuracy: o.accuracy,
      train_samples: outcome.samples,
      test_samples: o.accuracy.aggregate.samples,
      folds: o.accuracy.folds,
      ...(opts.nodeType !== undefined ? { node_type: opts.nodeType } : {}),
      ...(opts.machineSpec ? { machine_spec: opts.machineSpec } : {}),
      weight: o.weight !== undefined,
      training_source: opts.trainingSource,
      created,
    };
    const isBest = o.trainer === outcome.best;
    const a = o.accuracy.aggregate;
    const plot =
      isBest && o.predictions
        ? measuredVsPredictedSvg(
            outcome.components.map((c, k) => ({ name: c, measured: outcome.measured.map((r) => r[k]), predicted: o.predictions!.map((r) => r[k]) })),
            {
              title: `${name}: measured vs predicted (${plan.outputType})`,
              subtitle: `${o.accuracy.folds}-fold CV on ${a.samples} samples · MAE ${a.mae.toFixed(2)} W · MAPE ${a.mape.toFixed(2)} % · R² ${a.r2.toFixed(3)}`,
            },
          )
        : undefined;
    const saved = await store.save(
      { pipeline: opts.pipeline, energySource, outputType: plan.outputType, featureGroup, name },
      { model: o.model, metadata, weight: o.weight, plot },
    );
    if (isBest) best = saved.id;
    trainers.push({
      trainer: o.trainer,
      id: saved.id,
      mae: a.mae,
      mape: a.mape,
      r2: a.r2,
      folds: o.accuracy.folds,
      samples: a.samples,
      perComponent: o.accuracy.perComponent,
      weight: o.weight !== undefined,
      trainMs: o.trainMs,
    });
  }
  return {
    features: outcome.features,
    components: outcome.components,
    samples: outcome.samples,
    outputType: plan.outputType,
    best,
    bestTrainer: outcome.best,
    trainers,
  };
}
