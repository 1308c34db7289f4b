/**
 * @module estimator/predictors/local-model
 * The `LocalModel` predictor (only inside `powerplane up`): this machine's power curve from the agent's
 * own model, at busy ratio `cpuUsage + request/(logicalCPUs·1000)` (clamped to [0,1] by the model).
 */
import type { LocalNodeModel } from '../../core/contracts.js';
import { ErrNodeStatus } from '../errors.js';
import type { PowerPredictor } from '../types.js';

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
