/**
 * @module models/trainers/logistic
 * Kepler's logistic curve `P = A / (1 + e^(−k(x − x0))) + off` on the scaled main feature
 * (coefficients in Kepler's order [A, x0, k, off]).
 */
import { curveFromJSON, curveTrainer, linearPair, linspace, type CurveSpec } from './curve-fit.js';

const sigmoid = (k: number, x0: number, x: number): number => 1 / (1 + Math.exp(-k * (x - x0)));

/** The logistic curve family. */
export const LOGISTIC: CurveSpec = {
  kind: 'logistic',
  keplerTrainer: 'LogisticRegressionTrainer',
  nParams: 4,
  f: (p, x) => p[0] * sigmoid(p[2], p[1], x) + p[3],
  grad: (p, x) => {
    const s = sigmoid(p[2], p[1], x);
    const ds = s * (1 - s);
    return [s, -p[0] * p[2] * ds, p[0] * (x - p[1]) * ds, 1];
  },
  starts(x, y) {
    const out: number[][] = [];
    const xmin = Math.min(...x);
    const xmax = Math.max(...x);
    const span = xmax - xmin || 1;
    // A grid over (x0, k) with (A, off) solved in closed form.
    for (const x0 of linspace(xmin - span, xmax + span, 13)) {
      for (let e = -0.5; e <= 2.5; e += 0.375) {
        const k = 10 ** e / span;
        const [A, off] = linearPair(
          x.map((v) => sigmoid(k, x0, v)),
          y,
        );
        out.push([A, x0, k, off]);
      }
    }
    return out;
  },
};

/** Trains the logistic curve. */
export const logisticTrainer = curveTrainer(LOGISTIC);
/** Rebuilds a logistic model from its serialized form. */
export const logisticFromJSON = curveFromJSON(LOGISTIC);

/** This model kind's entry in the trainer registry (models/registry.ts). */
export { logisticTrainer as trainer, logisticFromJSON as fromJSON };
