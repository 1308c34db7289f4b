/**
 * @module agent/component
 * The node agent as a {@link Component}: its routes (`/metrics`, `/api/v1/*`), the refresh loop, and
 * the {@link AgentHandle} that `up` gives the dashboard and the estimator.
 */
import type { Component, ComponentContext } from '../core/component.js';
import type { AgentHandle } from '../core/contracts.js';
import { buildAgent } from './build.js';
import { registerAgentRoutes } from './api/routes.js';

/** Creates the agent component from the configuration. */
export async function createAgentComponent(ctx: ComponentContext): Promise<Component & { handle: AgentHandle }> {
  const agent = await buildAgent(ctx.config, ctx.log.child({ component: 'agent' }));
  return {
    name: 'agent',
    handle: agent,
    routes: (app) => registerAgentRoutes(app, agent),
    start: () => agent.start(),
    stop: () => agent.stop(),
    isReady: () => agent.isReady(),
  };
}
