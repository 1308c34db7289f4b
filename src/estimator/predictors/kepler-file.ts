/**
 * @module estimator/predictors/kepler-file
 * The `Model` predictor with a local Kepler model-db weight file (`endpoint: file:///path/weights.json`):
 * the agent's weight-file predictor ({@link keplerWeightsPredictor}) evaluated at the node's CPU usage plus
 * the request. Inputs it fills: `bpf_cpu_time_ms` (ratio·logicalProcessors·1000 CPU ms per second),
 * `cpu_busy_ratio`; other features count as 0, as in Kepler. Node watts: `platform`, else the zones that
 * do not nest (package + dram).
 */
import { keplerWeightsPredictor } from '../../models/kepler/weights.js';
import type { PowerPredictor } from '../types.js';
import { requireStatus } from './mlserver.js';
import { nodeWatts } from './node-watts.js';

/** Loads the weight file and creates the predictor; rejects for unreadable or malformed files. */
export async function createKeplerFilePredictor(path: string): Promise<PowerPredictor> {
  const model = await keplerWeightsPredictor(path);
  return {
    type: 'Model',
    identity: () => `Model|${model.name}`,
    async predict(reqs, status) {
      const s = requireStatus(status, ['cpuUsage', 'logicalProcessors']);
      return reqs.map((r) => {
        const ratio = s.cpuUsage + r / (s.logicalProcessors * 1000);
        return nodeWatts(model.predict({ bpf_cpu_time_ms: ratio * s.logicalProcessors * 1000, cpu_busy_ratio: ratio }));
      });
    },
  };
}
