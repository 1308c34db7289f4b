import type { Component, ComponentContext } from '../core/component.js';
import { ERR_NOT_AVAILABLE } from '../core/errors.js';

/** Creates this component. (Placeholder until the component lands.) */
export async function createDashboardComponent(_ctx: ComponentContext): Promise<Component> {
  throw ERR_NOT_AVAILABLE('the dashboard is not available yet in this build');
}
