/**
 * @module models/trainers/logarithmic
 * Kepler's logarithmic curve `P = a·ln(b·x + 1) + c` on the scaled main feature (coefficients [a, b, c]).
 */
import { curveFromJSON, curveTrainer, linearPair, type CurveSpec } from './curve-fit.js';

/** The logarithmic curve family. */
export const LOGARITHMIC: CurveSpec = {
  kind: 'logarithmic',
  keplerTrainer: 'LogarithmicRegressionTrainer',
  nParams: 3,
  f: (p, x) => p[0] * Math.log(p[1] * x + 1) + p[2],
  grad: (p, x) => {
    const u = p[1] * x + 1;
    return [Math.log(u), (p[0] * x) / u, 1];
  },
  starts(x, y) {
    const out: number[][] = [];
    // Kepler's initial guess, then a grid over b with (a, c) solved in closed form.
    const ymin = Math.min(...y);
    out.push([Math.max(...y) - ymin, 1, ymin]);
    for (let e = -2; e <= 3; e += 0.2) {
      const b = 10 ** e;
      const [a, c] = linearPair(
        x.map((v) => Math.log(b * v + 1)),
        y,
      );
      out.push([a, b, c]);
    }
    return out;
  },
};

/** Trains the logarithmic curve. */
export const logarithmicTrainer = curveTrainer(LOGARITHMIC);
/** Rebuilds a logarithmic model from its serialized form. */
export const logarithmicFromJSON = curveFromJSON(LOGARITHMIC);

/** This model kind's entry in the trainer registry (models/registry.ts). */
export { logarithmicTrainer as trainer, logarithmicFromJSON as fromJSON };
