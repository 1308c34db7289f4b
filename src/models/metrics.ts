/**
 * @module models/metrics
 * Error metrics and their per-component aggregation.
 *
 * - MAE: mean |y − ŷ| in watts.
 * - MAPE: mean |y − ŷ| / y × 100 over the samples with y > 0 only (NaN when there are none, which
 *   serializes as `null`).
 * - R²: 1 − SS_res / SS_tot (1 for a perfect fit of a constant target, 0 for an imperfect one).
 *
 * The aggregate over components is the named primary component's figures, or else the worst of each
 * metric over the components (max MAE, max MAPE, min R²) — never "the last component".
 */
import type { Accuracy, AccuracyReport } from './types.js';
import { ERR_MODEL_BAD_OPTIONS } from './errors.js';

/** Mean absolute error. NaN for empty input. */
export function mae(y: readonly number[], yhat: readonly number[]): number {
  if (y.length === 0) return NaN;
  let s = 0;
  for (let i = 0; i < y.length; i++) s += Math.abs(y[i] - yhat[i]);
  return s / y.length;
}

/** Mean absolute percentage error in percent, over samples with y > 0 only; NaN when none has y > 0. */
export function mape(y: readonly number[], yhat: readonly number[]): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] > 0) {
      s += Math.abs(y[i] - yhat[i]) / y[i];
      n++;
    }
  }
  return n === 0 ? NaN : (s / n) * 100;
}

/** Coefficient of determination. For a constant target: 1 if predicted exactly, else 0. NaN for empty input. */
export function r2(y: readonly number[], yhat: readonly number[]): number {
  if (y.length === 0) return NaN;
  let mean = 0;
  for (const v of y) mean += v / y.length;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < y.length; i++) {
    ssRes += (y[i] - yhat[i]) ** 2;
    ssTot += (y[i] - mean) ** 2;
  }
  if (ssTot === 0) return ssRes === 0 ? 1 : 0;
  return 1 - ssRes / ssTot;
}

/** MAE, MAPE, R² and sample count of one target column. */
export function accuracyOf(y: readonly number[], yhat: readonly number[]): Accuracy {
  return { mae: mae(y, yhat), mape: mape(y, yhat), r2: r2(y, yhat), samples: y.length };
}

const maxOf = (xs: number[]): number => {
  const finite = xs.filter((x) => !Number.isNaN(x));
  return finite.length ? Math.max(...finite) : NaN;
};
const minOf = (xs: number[]): number => {
  const finite = xs.filter((x) => !Number.isNaN(x));
  return finite.length ? Math.min(...finite) : NaN;
};

/**
 * Builds an accuracy report from true and predicted rows × components.
 * @param primaryComponent when given, the aggregate is that component's accuracy.
 * @throws PP_MODEL_BAD_OPTIONS when the primary component is not one of `components`.
 */
export function accuracyReport(
  components: readonly string[],
  Y: readonly (readonly number[])[],
  Yhat: readonly (readonly number[])[],
  folds: number,
  primaryComponent?: string,
): AccuracyReport {
  const perComponent: Record<string, Accuracy> = {};
  components.forEach((c, k) => {
    perComponent[c] = accuracyOf(
      Y.map((r) => r[k]),
      Yhat.map((r) => r[k]),
    );
  });
  if (primaryComponent !== undefined) {
    if (!perComponent[primaryComponent]) {
      throw ERR_MODEL_BAD_OPTIONS(`primary component ${primaryComponent} is not one of ${components.join(', ')}`, { field: 'primaryComponent' });
    }
    return { perComponent, aggregate: { ...perComponent[primaryComponent] }, aggregation: `primary:${primaryComponent}`, folds };
  }
  const all = Object.values(perComponent);
  const aggregate: Accuracy = {
    mae: maxOf(all.map((a) => a.mae)),
    mape: maxOf(all.map((a) => a.mape)),
    r2: minOf(all.map((a) => a.r2)),
    samples: Y.length,
  };
  return { perComponent, aggregate, aggregation: 'max', folds };
}
