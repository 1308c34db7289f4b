/**
 * @module estimator/predictors/none
 * The `None` predictor: always +Inf, so the node never takes workloads (WAO's behaviour).
 */
import type { PowerPredictor } from '../types.js';
import type { PredictorModule } from './registry.js';

/** Creates the `None` predictor. */
export function createNonePredictor(): PowerPredictor {
  return {
    type: 'None',
    identity: () => 'None',
    predict: async (reqs) => reqs.map(() => Infinity),
    slope: () => Infinity,
    wattsPerCore: () => Infinity,
  };
}

/** The `None` entry of the predictor registry. */
export const createPowerPredictor: PredictorModule['createPowerPredictor'] = () => createNonePredictor();
