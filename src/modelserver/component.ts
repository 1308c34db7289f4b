import type { Component, ComponentContext } from '../core/component.js';
import { ERR_NOT_AVAILABLE } from '../core/errors.js';

/** Creates this component. (Placeholder until the component lands.) */
export async function createModelServerComponent(_ctx: ComponentContext): Promise<Component> {
  throw ERR_NOT_AVAILABLE('the model server is not available yet in this build');
}
