/**
 * @module estimator/monitors/local-agent
 * The `LocalAgent` monitor (only inside `powerplane up`): this machine's CPU busy ratio, logical CPUs
 * and node power straight from the in-process agent.
 */
import type { AgentHandle } from '../../core/contracts.js';
import type { NodeMonitor, NodeStatus } from '../types.js';
import { ErrNodeMonitorNotFound } from '../errors.js';
import type { MonitorModule } from './registry.js';

/** Creates the `LocalAgent` monitor over the in-process agent. */
export function createLocalAgentMonitor(agent: AgentHandle): NodeMonitor {
  return {
    type: 'LocalAgent',
    async read() {
      const model = agent.localNodeModel();
      const busy = model.busyRatio();
      if (!Number.isFinite(busy)) throw new Error('the agent has no CPU busy ratio yet');
      const out: Partial<NodeStatus> = { cpuUsage: busy, logicalProcessors: model.logicalCpus, cpuUsedMilli: busy * model.logicalCpus * 1000 };
      const watts = agent.node()?.watts;
      if (watts !== undefined && Number.isFinite(watts)) out.powerWatts = watts;
      return out;
    },
  };
}

/** The `LocalAgent` entry of the monitor registry: only inside `powerplane up`, which has an agent. */
export const createNodeMonitor: MonitorModule['createNodeMonitor'] = ({ deps }) => {
  if (!deps.agent) throw ErrNodeMonitorNotFound('agent LocalAgent is only available in powerplane up');
  return createLocalAgentMonitor(deps.agent);
};
