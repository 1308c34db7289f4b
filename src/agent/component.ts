/**
 * @module agent/component
 * The node agent as a {@link Component}: its routes (`/metrics`, `/api/v1/*`), the refresh loop, the
 * PowerNode status (with `--kube.enable`), and the {@link AgentHandle} that `up` gives the dashboard
 * and the estimator.
 */
import type { Component, ComponentContext } from '../core/component.js';
import type { AgentHandle } from '../core/contracts.js';
import { buildAgent, resolveNodeName } from './build.js';
import { registerAgentRoutes } from './api/routes.js';
import { startNodeStatus } from './node-status.js';

/** Creates the agent component from the configuration. */
export async function createAgentComponent(ctx: ComponentContext): Promise<Component & { handle: AgentHandle }> {
  const log = ctx.log.child({ component: 'agent' });
  const agent = await buildAgent(ctx.config, log);
  let stopNodeStatus: (() => void) | undefined;
  return {
    name: 'agent',
    handle: agent,
    routes: (app) => registerAgentRoutes(app, agent),
    start: async () => {
      await agent.start();
      if (ctx.config.kube.enable) stopNodeStatus = await startNodeStatus(ctx.config, resolveNodeName(ctx.config), agent, log);
    },
    stop: async () => {
      stopNodeStatus?.();
      await agent.stop();
    },
    isReady: () => agent.isReady(),
  };
}
