/**
 * @module modelserver/training/training
 * One training run, as a pure (synchronous, CPU-bound) function: isolate idle power for DynPower,
 * cross-validate every requested trainer, fit each on all rows, and export Kepler weights where the
 * kind allows. A trainer that fails is reported, not fatal. Runs inline (`powerplane train`) or in a
 * worker thread (server jobs, see `train-runner.ts`).
 */
import type { AccuracyReport, Dataset, OutputType, SerializedModel } from '../../models/types.js';
import { getTrainer } from '../../models/registry.js';
import { crossValidate } from '../../models/crossval.js';
import { isolate } from '../../models/isolators.js';
import { toKeplerWeights, type KeplerWeights } from '../../models/kepler/weights.js';
import { validateDataset } from '../../models/dataset.js';
import { PowerplaneError, errorMessage } from '../../core/errors.js';

/** What to train. */
export interface TrainingPlan {
  trainers: string[];
  folds: number;
  outputType: OutputType;
  /** Isolator for DynPower (`min`, `profile`, `none`); ignored for AbsPower. */
  isolator: string;
  /** Aggregate accuracy = this component's (default: worst over components). */
  primaryComponent?: string;
  /** Recorded in exported Kepler weights. */
  nodeType?: number;
  machineSpec?: Record<string, unknown>;
}

/** The result of one trainer. */
export interface TrainerOutcome {
  trainer: string;
  /** Cross-validated accuracy (absent when the trainer failed). */
  accuracy?: AccuracyReport;
  model?: SerializedModel;
  /** Kepler weights when the kind can be expressed in them. */
  weight?: KeplerWeights;
  /** Out-of-fold predictions (rows × components), for plots. */
  predictions?: number[][];
  error?: { code: string; message: string };
  /** Wall time of cross-validation plus the final fit, ms. */
  trainMs: number;
}

/** The result of a run. */
export interface TrainingOutcome {
  features: string[];
  components: string[];
  samples: number;
  /** Measured targets after isolation (rows × components), aligned with the predictions. */
  measured: number[][];
  /** Idle watts removed per component by the isolator (DynPower). */
  idle?: Record<string, Record<string, number>>;
  outcomes: TrainerOutcome[];
  /** Trainer with the lowest aggregate MAE, when any succeeded. */
  best?: string;
}

/** Progress callback: `done` of `total` steps, with a label. */
export type TrainingProgress = (done: number, total: number, label: string) => void;

/** A target at or below this many watts is "near zero" for {@link dataKindNotes}. */
const NEAR_ZERO_WATTS = 0.5;
/** Share of near-zero samples above which an AbsPower target looks idle-removed. */
const NEAR_ZERO_SHARE = 0.05;

/**
 * Notes on what the target data looks like, for the user: measured (AbsPower) power never sits near 0 W,
 * so a target with many samples at ≤ 0.5 W was most likely idle-removed (min-isolated, Kepler's DynPower
 * data). Trained as AbsPower, its MAPE (which divides by the measured watts) is meaningless.
 */
export function dataKindNotes(data: Dataset, outputType: OutputType): string[] {
  if (outputType !== 'AbsPower' || data.Y.length === 0) return [];
  const notes: string[] = [];
  data.components.forEach((c, k) => {
    const near = data.Y.filter((row) => row[k] <= NEAR_ZERO_WATTS).length;
    const share = near / data.Y.length;
    if (share >= NEAR_ZERO_SHARE) {
      notes.push(
        `target ${c} looks idle-removed (DynPower data): ${(share * 100).toFixed(0)} % of its samples are at or below ${NEAR_ZERO_WATTS} W, which measured power never is. ` +
          'Its MAPE divides by those near-zero watts and is meaningless; train it with --output-type DynPower --isolator none.',
      );
    }
  });
  return notes;
}

/** Trains every trainer of the plan on `data`. */
export async function trainAll(data: Dataset, plan: TrainingPlan, progress: TrainingProgress = () => undefined): Promise<TrainingOutcome> {
  validateDataset(data, 2);
  let train = data;
  let idle: TrainingOutcome['idle'];
  if (plan.outputType === 'DynPower') {
    const iso = isolate(data, plan.isolator);
    train = iso.data;
    idle = iso.idle;
  }
  const total = plan.trainers.length * 2;
  const outcomes: TrainerOutcome[] = [];
  for (const [i, name] of plan.trainers.entries()) {
    progress(i * 2, total, `${name}: cross-validating`);
    let t0 = performance.now();
    try {
      const trainer = await getTrainer(name);
      t0 = performance.now(); // the time to train, without importing the trainer's module
      const options = { outputType: plan.outputType };
      const cv = crossValidate(train, trainer, { folds: plan.folds, primaryComponent: plan.primaryComponent, trainOptions: options });
      progress(i * 2 + 1, total, `${name}: fitting all rows`);
      const model = trainer.train(train, options);
      let weight: KeplerWeights | undefined;
      try {
        weight = toKeplerWeights(model, { nodeType: plan.nodeType, machineSpec: plan.machineSpec });
      } catch (err) {
        if (!(err instanceof PowerplaneError)) throw err;
      }
      const { predictions, ...accuracy } = cv;
      outcomes.push({ trainer: name, accuracy, model: model.toJSON(), weight, predictions, trainMs: performance.now() - t0 });
    } catch (err) {
      const e = err instanceof PowerplaneError ? { code: err.code, message: err.message } : { code: 'PP_INTERNAL', message: errorMessage(err) };
      outcomes.push({ trainer: name, error: e, trainMs: performance.now() - t0 });
    }
  }
  progress(total, total, 'done');
  const ok = outcomes.filter((o) => o.accuracy && Number.isFinite(o.accuracy.aggregate.mae));
  ok.sort((a, b) => a.accuracy!.aggregate.mae - b.accuracy!.aggregate.mae);
  return {
    features: [...train.features],
    components: [...train.components],
    samples: train.X.length,
    measured: train.Y,
    idle,
    outcomes,
    best: ok[0]?.trainer,
  };
}
