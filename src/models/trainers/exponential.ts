/**
 * @module models/trainers/exponential
 * Kepler's exponential curve `P = a·e^(b·x) + c` on the scaled main feature (coefficients [a, b, c]).
 */
import { curveFromJSON, curveTrainer, linearPair, linspace, type CurveSpec } from './curve-fit.js';

/** The exponential curve family. */
export const EXPONENTIAL: CurveSpec = {
  kind: 'exponential',
  keplerTrainer: 'ExponentialRegressionTrainer',
  nParams: 3,
  f: (p, x) => p[0] * Math.exp(p[1] * x) + p[2],
  grad: (p, x) => {
    const e = Math.exp(p[1] * x);
    return [e, p[0] * x * e, 1];
  },
  starts(x, y) {
    const out: number[][] = [];
    // Kepler's initial guess, then a grid over b with (a, c) solved in closed form.
    const ymin = Math.min(...y);
    const a0 = (Math.max(...y) - ymin) / Math.E;
    out.push([a0, 1, ymin - a0]);
    for (const b of linspace(-10, 10, 41)) {
      if (b === 0) continue;
      const [a, c] = linearPair(
        x.map((v) => Math.exp(b * v)),
        y,
      );
      out.push([a, b, c]);
    }
    return out;
  },
};

/** Trains the exponential curve. */
export const exponentialTrainer = curveTrainer(EXPONENTIAL);
/** Rebuilds an exponential model from its serialized form. */
export const exponentialFromJSON = curveFromJSON(EXPONENTIAL);

/** This model kind's entry in the trainer registry (models/registry.ts). */
export { exponentialTrainer as trainer, exponentialFromJSON as fromJSON };
