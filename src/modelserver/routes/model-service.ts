/**
 * @module modelserver/routes/model-service
 * What the routes share over the store: resolving a model by id or unique name, loading (and caching)
 * the trained model behind it, and the summary shape the list and detail routes return.
 */
import { deserializeModel } from '../../models/registry.js';
import type { TrainedModel } from '../../models/types.js';
import { ERR_MODEL_AMBIGUOUS, ERR_MODEL_NOT_FOUND } from '../errors.js';
import { nodeTypeOf, type MachineSpec } from '../store/metadata.js';
import type { ModelStore, StoredModel } from '../store/store.js';

/** A model in `GET /api/v1/models`. */
export interface ModelSummary {
  id: string;
  name: string;
  version: string;
  pipeline: string;
  energy_source: string;
  output_type: string;
  feature_group: string;
  trainer: string;
  kind: string;
  features: string[];
  components: string[];
  /** Aggregate cross-validated accuracy (null for imported models without figures). */
  accuracy: { mae: number; mape: number; r2: number; samples: number; folds: number; aggregation: string } | null;
  node_type?: number;
  machine_spec?: MachineSpec;
  weight: boolean;
  created: string;
}

/** The summary of a stored model. */
export function modelSummary(m: StoredModel): ModelSummary {
  const md = m.metadata;
  const acc = md.accuracy;
  const nodeType = nodeTypeOf(md);
  return {
    id: m.id,
    name: md.model_name,
    version: md.version,
    pipeline: md.pipeline,
    energy_source: md.energy_source,
    output_type: md.output_type,
    feature_group: md.feature_group,
    trainer: md.trainer,
    kind: md.model_class,
    features: md.features,
    components: md.components,
    accuracy: acc
      ? {
          mae: acc.aggregate.mae,
          mape: acc.aggregate.mape,
          r2: acc.aggregate.r2,
          samples: acc.aggregate.samples,
          folds: acc.folds,
          aggregation: acc.aggregation,
        }
      : null,
    ...(nodeType !== undefined ? { node_type: nodeType } : {}),
    ...(md.machine_spec ? { machine_spec: md.machine_spec } : {}),
    weight: m.hasWeight,
    created: md.created,
  };
}

/** Resolves and loads models. */
export class ModelService {
  private readonly cache = new Map<string, { created: string; model: TrainedModel }>();

  constructor(readonly store: ModelStore) {}

  /** A model by id (`pipeline/source/type/group/name`) or by its name when that is unique. */
  async resolve(nameOrId: string): Promise<StoredModel> {
    if (nameOrId.includes('/')) return this.store.require(nameOrId);
    const matches = await this.store.findByName(nameOrId);
    if (matches.length === 0) throw ERR_MODEL_NOT_FOUND(`no model named ${JSON.stringify(nameOrId.slice(0, 200))}`, { field: 'name' });
    if (matches.length > 1)
      throw ERR_MODEL_AMBIGUOUS(`${matches.length} models are named ${nameOrId}; use an id: ${matches.map((m) => m.id).join(', ')}`, {
        field: 'name',
      });
    return matches[0];
  }

  /** The trained model of a stored model (cached until the stored model changes). */
  async load(m: StoredModel): Promise<TrainedModel> {
    const hit = this.cache.get(m.id);
    if (hit && hit.created === m.metadata.created) return hit.model;
    const model = await deserializeModel(await this.store.readModel(m.id));
    this.cache.set(m.id, { created: m.metadata.created, model });
    return model;
  }

  /** Drops a model from the cache (after delete). */
  forget(id: string): void {
    this.cache.delete(id);
  }
}
