/**
 * @module models/history
 * Features from the previous interval. Power meters integrate over an interval that does not line up
 * exactly with the CPU-time interval, and power follows load with a short lag, so the previous interval's
 * CPU time carries information the current one lacks. `withPreviousInterval` adds `<feature>_prev`
 * columns to time-ordered data; the agent supplies the same from its last refresh.
 */
import type { Dataset } from './types.js';
import { validateDataset } from './dataset.js';
import { ERR_MODEL_BAD_DATASET } from './errors.js';

/** The name of the previous-interval column of a feature. */
export function previousFeatureName(feature: string): string {
  return `${feature}_prev`;
}

/**
 * Adds `<f>_prev` (the value of `f` in the row before) for each of `features`, for rows whose previous
 * row is the previous interval: same group and, when timestamps are known, no gap longer than 1.5× the
 * median step. Rows without such a previous row are dropped.
 * @throws PP_MODEL_BAD_DATASET for an unknown feature.
 */
export function withPreviousInterval(data: Dataset, features: readonly string[]): Dataset {
  validateDataset(data, 1);
  const idx = features.map((f) => {
    const j = data.features.indexOf(f);
    if (j < 0) throw ERR_MODEL_BAD_DATASET(`the data set has no feature ${f}`, { field: 'features' });
    return j;
  });
  const ts = data.timestamps;
  let maxGap = Infinity;
  if (ts && ts.length > 1) {
    const steps = ts
      .slice(1)
      .map((t, i) => t - ts[i])
      .filter((d) => d > 0)
      .sort((a, b) => a - b);
    if (steps.length) maxGap = 1.5 * steps[Math.floor(steps.length / 2)];
  }
  const keep: number[] = [];
  for (let i = 1; i < data.X.length; i++) {
    if (data.groups && data.groups[i] !== data.groups[i - 1]) continue;
    if (ts && !(ts[i] - ts[i - 1] > 0 && ts[i] - ts[i - 1] <= maxGap)) continue;
    keep.push(i);
  }
  return {
    features: [...data.features, ...features.map(previousFeatureName)],
    components: data.components,
    X: keep.map((i) => [...data.X[i], ...idx.map((j) => data.X[i - 1][j])]),
    Y: keep.map((i) => data.Y[i]),
    ...(data.groups ? { groups: keep.map((i) => data.groups![i]) } : {}),
    ...(ts ? { timestamps: keep.map((i) => ts[i]) } : {}),
  };
}
