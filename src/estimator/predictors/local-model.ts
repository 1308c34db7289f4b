/**
 * @module estimator/predictors/local-model
 * The `LocalModel` predictor (only inside `powerplane up`): this machine's power curve from the agent's
 * own model, at busy ratio `cpuUsage + request/(logicalCPUs·1000)` (clamped to [0,1] by the model).
 */
import type { LocalNodeModel } from '../../core/contracts.js';
import { ErrNodeStatus, ErrPCPredictorNotFound } from '../errors.js';
import type { PowerPredictor } from '../types.js';
import type { PredictorModule } from './registry.js';

/** Creates the `LocalModel` predictor over the agent's local node model. */
export function createLocalModelPredictor(model: () => LocalNodeModel): PowerPredictor {
  return {
    type: 'LocalModel',
    identity: () => `LocalModel|${model().modelName}`,
    async predict(reqs, status) {
      const m = model();
      const cpus = status.logicalProcessors ?? m.logicalCpus;
      const busy = status.cpuUsage;
      if (busy === undefined || !Number.isFinite(busy)) throw ErrNodeStatus('node status cpuUsage is missing');
      return reqs.map((r) => m.wattsAt(busy + r / (cpus * 1000)));
    },
  };
}

/** The `LocalModel` entry of the predictor registry: only inside `powerplane up`, which has an agent. */
export const createPowerPredictor: PredictorModule['createPowerPredictor'] = ({ deps }) => {
  const agent = deps.agent;
  if (!agent) throw ErrPCPredictorNotFound('predictor LocalModel is only available in powerplane up');
  return createLocalModelPredictor(() => agent.localNodeModel());
};
