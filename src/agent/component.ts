/**
 * @module agent/component
 * The node agent as a {@link Component}: its routes (`/metrics`, `/api/v1/*`), the refresh loop, the
 * PowerNode status (with `--kube.enable`), configuration hot reload, and the {@link AgentHandle} that
 * `up` gives the dashboard and the estimator.
 */
import type { Component, ComponentContext } from '../core/component.js';
import type { AgentHandle } from '../core/contracts.js';
import type { PowerplaneConfig } from '../core/config-keys.js';
import { buildAgent, resolveNodeName } from './build.js';
import { registerAgentRoutes } from './api/routes.js';
import { startNodeStatus } from './node-status.js';
import { applyConfig } from './reload.js';
import { setupGpuPowerLimit } from './gpu/power-limit-setup.js';
import { registerPowerLimitRoutes } from './api/power-limit-routes.js';

/** The agent component. */
export interface AgentComponent extends Component {
  handle: AgentHandle;
  /** Applies a reloaded configuration (keys that need a restart are logged, not applied). */
  reconfigure(next: PowerplaneConfig): Promise<void>;
}

/** Creates the agent component from the configuration. */
export async function createAgentComponent(ctx: ComponentContext): Promise<AgentComponent> {
  const log = ctx.log.child({ component: 'agent' });
  const powerLimit = await setupGpuPowerLimit(ctx.config, log);
  const agent = await buildAgent(ctx.config, log);
  const nodeName = resolveNodeName(ctx.config);
  let current = ctx.config;
  let stopNodeStatus: (() => void) | undefined;
  const syncNodeStatus = async (config: PowerplaneConfig) => {
    stopNodeStatus?.();
    stopNodeStatus = config.kube.enable ? await startNodeStatus(config, nodeName, agent, log) : undefined;
  };
  return {
    name: 'agent',
    handle: agent,
    routes: (app) => {
      registerAgentRoutes(app, agent);
      if (powerLimit) registerPowerLimitRoutes(app, powerLimit);
    },
    start: async () => {
      await agent.start();
      if (current.kube.enable) await syncNodeStatus(current);
    },
    stop: async () => {
      stopNodeStatus?.();
      await agent.stop();
      await powerLimit?.action?.close(); // puts back every GPU limit this agent changed
    },
    isReady: () => agent.isReady(),
    reconfigure: async (next) => {
      const { hot } = await applyConfig(agent, current, next, nodeName, log);
      if (hot.some((k) => k.startsWith('kube.'))) await syncNodeStatus(next);
      current = next;
    },
  };
}
