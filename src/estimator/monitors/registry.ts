/**
 * @module estimator/monitors/registry
 * Every node monitor agent type of the Estimator spec (`nodeMonitor.agents[].type`), in one table: type
 * → which connection options it takes and its lazily imported module, which exports
 * {@link MonitorModule.createNodeMonitor}. The CRD's and config file's enum ({@link MONITOR_TYPES}),
 * the webhook's endpoint rule and the docs derive from it; adding a monitor is one new module plus one
 * line here. This module imports no implementation (only types).
 */
import type { MonitorAgentSpec } from '../spec.js';
import type { PluginDeps } from '../plugins.js';
import type { NodeMonitor } from '../types.js';
import type { NodeMonitorOptions } from './options.js';

/** What a monitor is built from: its spec, the connection resolved from it, and the surroundings. */
export interface MonitorContext {
  spec: MonitorAgentSpec;
  /** Endpoint ('' when none is given), credentials, TLS and the per-request timeout. */
  options: NodeMonitorOptions;
  deps: PluginDeps;
}

/** The shape of a monitor module. */
export interface MonitorModule {
  createNodeMonitor(ctx: MonitorContext): NodeMonitor;
}

/**
 * Whether a plugin type takes the connection options (`endpoint`, `basicAuth`/`basicAuthSecret`,
 * `insecureSkipVerify`, `timeout`): required, optional (something else stands in without one), or
 * unused. `file: true` also accepts a `file:` URL as the endpoint.
 */
export interface PluginEntry<M> {
  endpoint: 'required' | 'optional' | 'unused';
  file?: boolean;
  /** Only inside `powerplane up` (needs the in-process agent). */
  upOnly?: boolean;
  load: () => Promise<M>;
}

/** The monitor agent types: WAO's, then powerplane's `LocalAgent`. */
export const MONITORS = {
  None: { endpoint: 'unused', load: () => import('./none.js') },
  Fake: { endpoint: 'unused', load: () => import('./fake.js') },
  MetricsAPI: { endpoint: 'optional', load: () => import('./metrics-api.js') },
  Prometheus: { endpoint: 'required', load: () => import('./prometheus.js') },
  IPMIExporter: { endpoint: 'required', load: () => import('./ipmi-exporter.js') },
  Redfish: { endpoint: 'required', load: () => import('./redfish.js') },
  DifferentialPressureAPI: { endpoint: 'required', load: () => import('./differential-pressure.js') },
  LocalAgent: { endpoint: 'unused', upOnly: true, load: () => import('./local-agent.js') },
} as const satisfies Readonly<Record<string, PluginEntry<MonitorModule>>>;

/** A monitor agent type. */
export type MonitorType = keyof typeof MONITORS;

/** Every monitor agent type, in table order. */
export const MONITOR_TYPES: readonly MonitorType[] = Object.freeze(Object.keys(MONITORS) as MonitorType[]);

/** The table entry of `type`, or undefined for an unknown type. */
export function monitorEntry(type: string): PluginEntry<MonitorModule> | undefined {
  return Object.hasOwn(MONITORS, type) ? MONITORS[type as MonitorType] : undefined;
}
