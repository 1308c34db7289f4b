/**
 * @module models/scaler
 * Feature scalers recorded with a model: MaxAbs (`x / max|x|`, as Kepler ≥ 0.6 and sklearn's
 * MaxAbsScaler: an all-zero column keeps scale 1), standard (`(x − mean) / std`, std 0 → 1), or none.
 */
import { ERR_MODEL_BAD_MODEL } from './errors.js';

/** A fitted scaler, serializable as JSON. */
export type Scaler = { type: 'maxabs'; scale: number[] } | { type: 'standard'; mean: number[]; std: number[] } | { type: 'none'; width: number };

/** Scaler kinds a trainer accepts. */
export type ScalerType = Scaler['type'];

/** Fits a scaler of `type` on the columns of `X` (rows × width). */
export function fitScaler(type: ScalerType, X: readonly (readonly number[])[], width: number): Scaler {
  if (type === 'none') return { type, width };
  if (type === 'maxabs') {
    const scale = new Array<number>(width).fill(0);
    for (const row of X) for (let j = 0; j < width; j++) scale[j] = Math.max(scale[j], Math.abs(row[j]));
    return { type, scale: scale.map((s) => (s === 0 ? 1 : s)) };
  }
  const n = Math.max(1, X.length);
  const mean = new Array<number>(width).fill(0);
  for (const row of X) for (let j = 0; j < width; j++) mean[j] += row[j] / n;
  const v = new Array<number>(width).fill(0);
  for (const row of X) for (let j = 0; j < width; j++) v[j] += (row[j] - mean[j]) ** 2 / n;
  return { type, mean, std: v.map((x) => (x > 0 ? Math.sqrt(x) : 1)) };
}

/** Applies a fitted scaler to one row. */
export function scaleRow(s: Scaler, row: readonly number[]): number[] {
  switch (s.type) {
    case 'none':
      return [...row];
    case 'maxabs':
      return row.map((x, j) => x / s.scale[j]);
    case 'standard':
      return row.map((x, j) => (x - s.mean[j]) / s.std[j]);
  }
}

/** Applies a fitted scaler to every row. */
export function scaleRows(s: Scaler, X: readonly (readonly number[])[]): number[][] {
  return X.map((r) => scaleRow(s, r));
}

/** Number of columns a scaler was fitted on. */
export function scalerWidth(s: Scaler): number {
  return s.type === 'none' ? s.width : s.type === 'maxabs' ? s.scale.length : s.mean.length;
}

/** Validates a scaler read back from JSON. @throws PP_MODEL_BAD_MODEL */
export function checkScaler(raw: unknown, width: number): Scaler {
  const bad = (why: string) => ERR_MODEL_BAD_MODEL(`scaler: ${why}`, { field: 'params.scaler' });
  if (typeof raw !== 'object' || raw === null) throw bad('missing');
  const s = raw as Record<string, unknown>;
  const nums = (v: unknown, name: string): number[] => {
    if (!Array.isArray(v) || v.length !== width || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw bad(`${name} must be ${width} finite numbers`);
    }
    return v as number[];
  };
  if (s.type === 'none') return { type: 'none', width };
  if (s.type === 'maxabs') {
    const scale = nums(s.scale, 'scale');
    if (scale.some((x) => x === 0)) throw bad('scale must not be 0');
    return { type: 'maxabs', scale };
  }
  if (s.type === 'standard') {
    const std = nums(s.std, 'std');
    if (std.some((x) => x === 0)) throw bad('std must not be 0');
    return { type: 'standard', mean: nums(s.mean, 'mean'), std };
  }
  throw bad(`unknown type ${JSON.stringify(s.type)}`);
}
