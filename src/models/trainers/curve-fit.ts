/**
 * @module models/trainers/curve-fit
 * Single-feature curve fits as Kepler's curve-fit trainers do them: the main feature (CPU time, or the
 * option `feature`) is MaxAbs-scaled to `x = v / scale`, and each component gets its own coefficients.
 *
 * Fitting is robust rather than depending on one initial guess: every curve here is linear in two of
 * its parameters once the others are fixed, so a grid over the nonlinear parameters is solved in closed
 * form, and Levenberg–Marquardt then refines the best grid points on all parameters.
 */
import type { Dataset, SerializedModel, TrainedModel, Trainer } from '../types.js';
import { BaseModel, checkEnvelope, matrix, numbers, outputTypeOption, type ModelHeader } from '../model-base.js';
import { validateDataset, column } from '../dataset.js';
import { mainFeature } from '../features.js';
import { ERR_MODEL_BAD_MODEL, ERR_MODEL_BAD_OPTIONS } from '../errors.js';

/** A curve family: its formula, gradient and starting points. */
export interface CurveSpec {
  /** Model kind and trainer name (`logarithmic`, `logistic`, `exponential`). */
  kind: string;
  /** Kepler's trainer name for this curve (selects Kepler's predictor). */
  keplerTrainer: string;
  /** Number of coefficients, in Kepler's `CurveFit_Weights` order. */
  nParams: number;
  /** The curve at scaled x. */
  f(p: readonly number[], x: number): number;
  /** ∂f/∂p at scaled x. */
  grad(p: readonly number[], x: number): number[];
  /** Starting coefficient vectors for x (scaled) and y. */
  starts(x: readonly number[], y: readonly number[]): number[][];
}

/** Parameters of a curve model. */
export interface CurveParams {
  /** Column of `features` the curve is applied to. */
  featureIndex: number;
  /** MaxAbs scale of that feature (x = v / scale). */
  scale: number;
  /** One coefficient vector per component (Kepler's `CurveFit_Weights` order). */
  coefficients: number[][];
}

/** A fitted single-feature curve, one coefficient vector per component. */
export class CurveModel extends BaseModel {
  readonly kind: string;
  constructor(
    readonly spec: CurveSpec,
    h: ModelHeader,
    readonly p: CurveParams,
  ) {
    super(h);
    this.kind = spec.kind;
  }
  protected predictRow(x: readonly number[]): number[] {
    const v = x[this.p.featureIndex] / this.p.scale;
    return this.p.coefficients.map((c) => this.spec.f(c, v));
  }
  protected params(): CurveParams {
    return this.p;
  }
}

/** Sum of squared errors of coefficients `p` (NaN/∞ when the curve is undefined somewhere). */
export function sse(spec: CurveSpec, p: readonly number[], x: readonly number[], y: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (y[i] - spec.f(p, x[i])) ** 2;
  return Number.isFinite(s) ? s : Infinity;
}

/** Least-squares (a, c) of y ≈ a·g + c, with a = 0 when g is constant. */
export function linearPair(g: readonly number[], y: readonly number[]): [number, number] {
  const n = g.length;
  let gm = 0;
  let ym = 0;
  for (let i = 0; i < n; i++) {
    gm += g[i] / n;
    ym += y[i] / n;
  }
  let sgg = 0;
  let sgy = 0;
  for (let i = 0; i < n; i++) {
    sgg += (g[i] - gm) ** 2;
    sgy += (g[i] - gm) * (y[i] - ym);
  }
  const a = sgg > 1e-300 && Number.isFinite(sgg) ? sgy / sgg : 0;
  return [a, ym - a * gm];
}

/** Solves a small dense system by Gaussian elimination with partial pivoting; null when singular. */
function solveSmall(A: number[][], b: number[]): number[] | null {
  const n = b.length;
  const M = A.map((r, i) => [...r, b[i]]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[piv][c])) piv = r;
    if (Math.abs(M[piv][c]) < 1e-300) return null;
    [M[c], M[piv]] = [M[piv], M[c]];
    for (let r = c + 1; r < n; r++) {
      const f = M[r][c] / M[c][c];
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  const out = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r][n];
    for (let k = r + 1; k < n; k++) s -= M[r][k] * out[k];
    out[r] = s / M[r][r];
  }
  return out;
}

/** Levenberg–Marquardt least squares from `p0`; returns the best coefficients found and their SSE. */
export function levenbergMarquardt(
  spec: CurveSpec,
  p0: readonly number[],
  x: readonly number[],
  y: readonly number[],
  maxIter = 200,
): { p: number[]; sse: number } {
  let p = [...p0];
  let cur = sse(spec, p, x, y);
  if (!Number.isFinite(cur)) return { p, sse: Infinity };
  let lambda = 1e-3;
  const m = p.length;
  for (let iter = 0; iter < maxIter; iter++) {
    const A = Array.from({ length: m }, () => new Array<number>(m).fill(0));
    const g = new Array<number>(m).fill(0);
    for (let i = 0; i < x.length; i++) {
      const J = spec.grad(p, x[i]);
      const r = y[i] - spec.f(p, x[i]);
      for (let a = 0; a < m; a++) {
        g[a] += J[a] * r;
        for (let b = 0; b < m; b++) A[a][b] += J[a] * J[b];
      }
    }
    let accepted = false;
    for (let attempt = 0; attempt < 12; attempt++) {
      const D = A.map((row, a) => row.map((v, b) => (a === b ? v + lambda * Math.max(v, 1e-12) : v)));
      const delta = solveSmall(D, g);
      if (delta && delta.every(Number.isFinite)) {
        const pn = p.map((v, a) => v + delta[a]);
        const s = sse(spec, pn, x, y);
        if (s < cur) {
          const improvement = (cur - s) / Math.max(cur, 1e-300);
          p = pn;
          cur = s;
          lambda = Math.max(lambda / 10, 1e-12);
          accepted = true;
          if (improvement < 1e-12) return { p, sse: cur };
          break;
        }
      }
      lambda *= 10;
    }
    if (!accepted) break;
  }
  return { p, sse: cur };
}

/** Fits one component: grid starts, then Levenberg–Marquardt from the best three. */
export function fitCurve(spec: CurveSpec, x: readonly number[], y: readonly number[]): number[] {
  const starts = spec
    .starts(x, y)
    .map((p) => ({ p, sse: sse(spec, p, x, y) }))
    .filter((s) => Number.isFinite(s.sse))
    .sort((a, b) => a.sse - b.sse)
    .slice(0, 3);
  let best = { p: starts[0]?.p ?? [], sse: starts[0]?.sse ?? Infinity };
  for (const s of starts) {
    const r = levenbergMarquardt(spec, s.p, x, y);
    if (r.sse < best.sse) best = r;
  }
  if (!Number.isFinite(best.sse)) {
    throw ERR_MODEL_BAD_OPTIONS(`${spec.kind}: no finite fit was found for this data`, { field: 'trainer' });
  }
  return best.p;
}

/** Builds the trainer of a curve family. Option `feature` picks the column (default: the main feature). */
export function curveTrainer(spec: CurveSpec): Trainer {
  return {
    name: spec.kind,
    train(data: Dataset, options?: Record<string, unknown>): TrainedModel {
      validateDataset(data, 2);
      const requested = options?.feature;
      if (requested !== undefined && (typeof requested !== 'string' || !data.features.includes(requested))) {
        throw ERR_MODEL_BAD_OPTIONS(`feature must be one of ${data.features.join(', ')}, got ${JSON.stringify(requested)}`, { field: 'feature' });
      }
      const feature = (requested as string | undefined) ?? mainFeature(data.features);
      const featureIndex = data.features.indexOf(feature);
      const raw = column(data.X, featureIndex);
      const maxAbs = raw.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const scale = maxAbs === 0 ? 1 : maxAbs;
      const x = raw.map((v) => v / scale);
      const coefficients = data.components.map((_, k) => fitCurve(spec, x, column(data.Y, k)));
      return new CurveModel(
        spec,
        { features: data.features, components: data.components, outputType: outputTypeOption(options) },
        { featureIndex, scale, coefficients },
      );
    },
  };
}

/** Builds the deserializer of a curve family. */
export function curveFromJSON(spec: CurveSpec): (json: SerializedModel) => TrainedModel {
  return (json) => {
    const { header, params } = checkEnvelope(json, spec.kind);
    const fi = params.featureIndex;
    if (typeof fi !== 'number' || !Number.isInteger(fi) || fi < 0 || fi >= header.features.length) {
      throw ERR_MODEL_BAD_MODEL(`${spec.kind} model: featureIndex is out of range`, { field: 'params.featureIndex' });
    }
    const scale = numbers([params.scale], 1, 'params.scale')[0];
    if (scale === 0) throw ERR_MODEL_BAD_MODEL(`${spec.kind} model: scale must not be 0`, { field: 'params.scale' });
    return new CurveModel(spec, header, {
      featureIndex: fi,
      scale,
      coefficients: matrix(params.coefficients, header.components.length, spec.nParams, 'params.coefficients'),
    });
  };
}

/** `count` numbers evenly spaced from `a` to `b`. */
export function linspace(a: number, b: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => (count === 1 ? a : a + ((b - a) * i) / (count - 1)));
}
