/**
 * @module models/dataset
 * Checks and reshapes data sets: validation, feature selection by name, row subsets.
 */
import type { Dataset } from './types.js';
import { ERR_MODEL_BAD_DATASET } from './errors.js';

/** Largest number of rows a data set may have (training time and memory stay bounded). */
export const MAX_DATASET_ROWS = 2_000_000;

/**
 * Checks that a data set is well-formed: unique names, matching row lengths, finite numbers.
 * @throws PP_MODEL_BAD_DATASET naming the first problem (row numbers are 0-based).
 */
export function validateDataset(data: Dataset, minRows = 1): Dataset {
  const bad = (msg: string, field = 'data') => ERR_MODEL_BAD_DATASET(msg, { field });
  if (!Array.isArray(data.features) || data.features.length === 0) throw bad('the data set has no features', 'features');
  if (!Array.isArray(data.components) || data.components.length === 0) throw bad('the data set has no target components', 'components');
  if (new Set(data.features).size !== data.features.length) throw bad('feature names are not unique', 'features');
  if (new Set(data.components).size !== data.components.length) throw bad('component names are not unique', 'components');
  if (data.X.length !== data.Y.length) throw bad(`X has ${data.X.length} rows but Y has ${data.Y.length}`);
  if (data.X.length < minRows) throw bad(`the data set has ${data.X.length} rows; at least ${minRows} are needed`);
  if (data.X.length > MAX_DATASET_ROWS) throw bad(`the data set has ${data.X.length} rows; at most ${MAX_DATASET_ROWS} are accepted`);
  if (data.groups && data.groups.length !== data.X.length) throw bad('groups must have one entry per row', 'groups');
  if (data.timestamps && data.timestamps.length !== data.X.length) throw bad('timestamps must have one entry per row', 'timestamps');
  const nf = data.features.length;
  const nc = data.components.length;
  for (let i = 0; i < data.X.length; i++) {
    const x = data.X[i];
    const y = data.Y[i];
    if (!Array.isArray(x) || x.length !== nf) throw bad(`row ${i} of X has ${x?.length} values, expected ${nf}`);
    if (!Array.isArray(y) || y.length !== nc) throw bad(`row ${i} of Y has ${y?.length} values, expected ${nc}`);
    for (let j = 0; j < nf; j++) if (!Number.isFinite(x[j])) throw bad(`row ${i}, feature ${data.features[j]} is not a finite number`);
    for (let k = 0; k < nc; k++) if (!Number.isFinite(y[k])) throw bad(`row ${i}, component ${data.components[k]} is not a finite number`);
  }
  return data;
}

/**
 * Returns the data set with only `features`, in that order.
 * @throws PP_MODEL_BAD_DATASET when a feature is missing.
 */
export function selectFeatures(data: Dataset, features: readonly string[]): Dataset {
  const idx = features.map((f) => {
    const j = data.features.indexOf(f);
    if (j < 0) throw ERR_MODEL_BAD_DATASET(`the data set has no feature ${f} (it has ${data.features.join(', ')})`, { field: 'features' });
    return j;
  });
  return { ...data, features: [...features], X: data.X.map((r) => idx.map((j) => r[j])) };
}

/**
 * Returns the data set with only `components`, in that order.
 * @throws PP_MODEL_BAD_DATASET when a component is missing.
 */
export function selectComponents(data: Dataset, components: readonly string[]): Dataset {
  const idx = components.map((c) => {
    const k = data.components.indexOf(c);
    if (k < 0) throw ERR_MODEL_BAD_DATASET(`the data set has no component ${c} (it has ${data.components.join(', ')})`, { field: 'components' });
    return k;
  });
  return { ...data, components: [...components], Y: data.Y.map((r) => idx.map((k) => r[k])) };
}

/** The rows at `indices`, in that order. */
export function subsetRows(data: Dataset, indices: readonly number[]): Dataset {
  return {
    features: data.features,
    components: data.components,
    X: indices.map((i) => data.X[i]),
    Y: indices.map((i) => data.Y[i]),
    ...(data.groups ? { groups: indices.map((i) => data.groups![i]) } : {}),
    ...(data.timestamps ? { timestamps: indices.map((i) => data.timestamps![i]) } : {}),
  };
}

/** Column `j` of a matrix. */
export function column(M: readonly (readonly number[])[], j: number): number[] {
  return M.map((r) => r[j]);
}
