/**
 * @module modelserver/store/model-index
 * Look-up structures over the models of a store (pure): the models sorted by id, by model name, and by
 * selection key (normalised energy source and output type, what every Kepler query names), so a
 * request by name or by source touches only its matches instead of copying and sorting the store.
 * Built once per change of the store (a write, a delete, a re-scan), never per request.
 */
import type { OutputType } from '../../models/types.js';
import { normalizeEnergySource } from './selection.js';
import type { StoredModel } from './store.js';

/** The indexes of one version of the store. */
export interface ModelIndex {
  /** Every model, sorted by id. */
  sorted: readonly StoredModel[];
  /** Models by `metadata.model_name`, each list sorted by id. */
  byName: ReadonlyMap<string, readonly StoredModel[]>;
  /** Models by {@link selectionKey}, each list sorted by id. */
  bySelection: ReadonlyMap<string, readonly StoredModel[]>;
}

/** The selection key of an energy source and output type (the source normalised as Kepler does). */
export function selectionKey(energySource: string, outputType: OutputType): string {
  return `${normalizeEnergySource(energySource)}|${outputType}`;
}

/** Builds the indexes of a set of models. */
export function buildModelIndex(models: Iterable<StoredModel>): ModelIndex {
  const sorted = [...models].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const byName = new Map<string, StoredModel[]>();
  const bySelection = new Map<string, StoredModel[]>();
  const add = (map: Map<string, StoredModel[]>, key: string, m: StoredModel) => {
    const list = map.get(key);
    if (list) list.push(m);
    else map.set(key, [m]);
  };
  for (const m of sorted) {
    add(byName, m.metadata.model_name, m);
    add(bySelection, selectionKey(m.metadata.energy_source, m.metadata.output_type), m);
  }
  return { sorted, byName, bySelection };
}
