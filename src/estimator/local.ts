/**
 * @module estimator/local
 * What `powerplane up` serves as `default/default`: this machine as the only node, read by the
 * `LocalAgent` monitor and predicted by the agent's own model (`LocalModel`).
 */
import type { AgentHandle } from '../core/contracts.js';
import { formatDuration } from '../core/duration.js';
import type { EstimatorSpec } from './spec.js';
import type { NodeInfo } from './types.js';

/** The spec and node list of the local machine's Estimator. */
export function localEstimatorConfig(agent: AgentHandle, refreshMs: number): { spec: EstimatorSpec; nodes: NodeInfo[] } {
  const model = agent.localNodeModel();
  return {
    spec: {
      defaultNodeConfig: {
        nodeMonitor: { refreshInterval: formatDuration(Math.max(1000, refreshMs)), agents: [{ type: 'LocalAgent' }] },
        powerConsumptionPredictor: { type: 'LocalModel' },
      },
    },
    nodes: [{ name: model.nodeName, labels: {}, allocatableMilli: model.logicalCpus * 1000 }],
  };
}
