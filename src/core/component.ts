/**
 * @module core/component
 * The seam between the server and the product's parts. Each part (agent, model server, estimator,
 * dashboard, operator health) is a {@link Component}: a set of routes plus a start/stop life cycle.
 * `powerplane up` mounts several on one server; each single command mounts its own.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from './logger.js';
import type { PowerplaneConfig } from './config-keys.js';
import type { AgentHandle } from './contracts.js';

/** One mountable part of powerplane. */
export interface Component {
  /** Short name, used in logs and /readyz. */
  readonly name: string;
  /** Registers this component's routes on the shared server (called before listen). */
  routes(app: FastifyInstance): void | Promise<void>;
  /** Starts background work (loops, watches). Called after routes are registered, before listen. */
  start?(): Promise<void>;
  /** Stops background work; called once on shutdown, in reverse start order. */
  stop?(): Promise<void>;
  /** True when the component can serve; /readyz answers 503 until every component is ready. */
  isReady?(): boolean;
}

/** What a component factory receives. */
export interface ComponentContext {
  config: PowerplaneConfig;
  log: Logger;
  /** The in-process agent, when one runs in the same process (`up`). */
  agent?: AgentHandle;
  /** Base URL this process serves on, once known (for components that call sibling routes). */
  selfUrl?: () => string;
}

/** A component factory: each component module exports one. */
export type ComponentFactory = (ctx: ComponentContext) => Promise<Component>;
