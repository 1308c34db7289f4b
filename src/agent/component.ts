import type { Component, ComponentContext } from '../core/component.js';
import { ERR_NOT_AVAILABLE } from '../core/errors.js';
import type { AgentHandle } from '../core/contracts.js';
/** Creates this component. (Placeholder until the component lands.) */
export async function createAgentComponent(_ctx: ComponentContext): Promise<Component & { handle: AgentHandle }> {
  throw ERR_NOT_AVAILABLE('the agent is not available yet in this build');
}
