/**
 * @module models/trainers/ratio
 * The agent's attribution rule as a model kind, so pipelines can compare learned models against it.
 *
 * The agent splits each component's active (dynamic) power among workloads in proportion to one usage
 * feature (CPU time): `P_w = usage_w / usage_node × P_node_dyn`. Fitted on node-level data, that rule is
 * a ratio estimator: every unit of usage carries the same power, `β_c = Σ(P_c − idle_c) / Σ usage`
 * over the training rows, so `P_c = idle_c + β_c · usage` (and `idle_c = 0` for `DynPower`). For
 * `AbsPower`, `idle_c` is the component's minimum in the training data (the `min` isolator).
 * Option `feature` picks the usage feature (default: the main feature, e.g. `bpf_cpu_time_ms`).
 */
import type { Dataset, SerializedModel, TrainedModel, Trainer } from '../types.js';
import { BaseModel, checkEnvelope, numbers, outputTypeOption, type ModelHeader } from '../model-base.js';
import { validateDataset, column } from '../dataset.js';
import { mainFeature } from '../features.js';
import { ERR_MODEL_BAD_MODEL, ERR_MODEL_BAD_OPTIONS } from '../errors.js';

/** Parameters of a ratio model. */
export interface RatioParams {
  featureIndex: number;
  /** Idle watts per component (0 for DynPower). */
  idle: number[];
  /** Watts per unit of the usage feature, per component. */
  perUnit: number[];
}

/** A ratio model: power proportional to one usage feature, plus idle. */
export class RatioModel extends BaseModel {
  readonly kind = 'ratio';
  constructor(
    h: ModelHeader,
    readonly p: RatioParams,
  ) {
    super(h);
  }
  protected predictRow(x: readonly number[]): number[] {
    const u = x[this.p.featureIndex];
    return this.p.idle.map((idle, k) => idle + this.p.perUnit[k] * u);
  }
  protected params(): RatioParams {
    return this.p;
  }
}

/** Fits the ratio model (a ratio estimator over the training rows). */
export const ratioTrainer: Trainer = {
  name: 'ratio',
  train(data: Dataset, options?: Record<string, unknown>): TrainedModel {
    validateDataset(data, 1);
    const outputType = outputTypeOption(options);
    const requested = options?.feature;
    if (requested !== undefined && (typeof requested !== 'string' || !data.features.includes(requested))) {
      throw ERR_MODEL_BAD_OPTIONS(`feature must be one of ${data.features.join(', ')}, got ${JSON.stringify(requested)}`, { field: 'feature' });
    }
    const featureIndex = data.features.indexOf((requested as string | undefined) ?? mainFeature(data.features));
    const usage = column(data.X, featureIndex);
    const usageSum = usage.reduce((a, b) => a + b, 0);
    const idle = data.components.map((_, k) => (outputType === 'DynPower' ? 0 : Math.min(...column(data.Y, k))));
    const perUnit = data.components.map((_, k) => {
      const dyn = column(data.Y, k).reduce((s, y) => s + (y - idle[k]), 0);
      return usageSum > 0 ? dyn / usageSum : 0;
    });
    return new RatioModel({ features: data.features, components: data.components, outputType }, { featureIndex, idle, perUnit });
  },
};

/** Rebuilds a ratio model from its serialized form. @throws PP_MODEL_BAD_MODEL */
export function ratioFromJSON(json: SerializedModel): TrainedModel {
  const { header, params } = checkEnvelope(json, 'ratio');
  const fi = params.featureIndex;
  if (typeof fi !== 'number' || !Number.isInteger(fi) || fi < 0 || fi >= header.features.length) {
    throw ERR_MODEL_BAD_MODEL('ratio model: featureIndex is out of range', { field: 'params.featureIndex' });
  }
  const nc = header.components.length;
  return new RatioModel(header, {
    featureIndex: fi,
    idle: numbers(params.idle, nc, 'params.idle'),
    perUnit: numbers(params.perUnit, nc, 'params.perUnit'),
  });
}

/** This model kind's entry in the trainer registry (models/registry.ts). */
export { ratioTrainer as trainer, ratioFromJSON as fromJSON };
