/**
 * @module estimator/plugins
 * Builds the node monitors and the predictor of a node from its effective config: resolves endpoints,
 * timeouts and basic-auth credentials (inline, a password file, or a Kubernetes Secret).
 */
import { readFileSync } from 'node:fs';
import type { AgentHandle } from '../core/contracts.js';
import { parseDuration } from '../core/duration.js';
import { ErrNodeMonitorNotFound, ErrPCPredictorNotFound } from './errors.js';
import type { MonitorAgentSpec, PredictorSpec } from './spec.js';
import type { BasicAuth, NodeMonitor, PowerPredictor } from './types.js';
import { monitorEntry } from './monitors/registry.js';
import { predictorEntry } from './predictors/registry.js';
import type { KubeGet } from './monitors/metrics-api.js';

/** What plugins may need from their surroundings. */
export interface PluginDeps {
  /** Namespace of the Estimator (for Secrets). */
  namespace: string;
  /** Reads a basic-auth Secret (`data.username`, `data.password`) in a cluster. */
  readSecret?: (namespace: string, name: string) => Promise<BasicAuth>;
  /** API-server access for MetricsAPI in a cluster. */
  kubeGet?: KubeGet;
  /** The in-process agent (`up`). */
  agent?: AgentHandle;
}

/** The per-request timeout: the spec's `timeout`, else half the refresh interval, at most 10 s. */
export function requestTimeoutMs(spec: { timeout?: string }, refreshMs: number): number {
  const t = spec.timeout !== undefined ? parseDuration(spec.timeout) : undefined;
  return Math.max(1, t ?? Math.min(10_000, Math.floor(refreshMs / 2)));
}

/** Resolves basic-auth credentials of an agent or predictor spec. */
export async function resolveBasicAuth(spec: MonitorAgentSpec | PredictorSpec, deps: PluginDeps): Promise<BasicAuth | undefined> {
  if (spec.basicAuth) {
    const password = spec.basicAuth.passwordFile
      ? readFileSync(spec.basicAuth.passwordFile, 'utf8').replace(/\r?\n$/, '')
      : (spec.basicAuth.password ?? '');
    return { username: spec.basicAuth.username, password };
  }
  if (spec.basicAuthSecret) {
    if (!deps.readSecret) throw new Error(`basicAuthSecret ${spec.basicAuthSecret.name} needs a cluster; use basicAuth in a config file`);
    const auth = await deps.readSecret(deps.namespace, spec.basicAuthSecret.name);
    // as wao-core: auth is skipped when either value is empty
    return auth.username && auth.password ? auth : undefined;
  }
  return undefined;
}

/** Builds one node monitor from the monitor registry. Rejects for unknown types or missing endpoints. */
export async function createMonitor(spec: MonitorAgentSpec, refreshMs: number, deps: PluginDeps): Promise<NodeMonitor> {
  const entry = monitorEntry(spec.type);
  if (!entry) throw ErrNodeMonitorNotFound(`unknown agent type ${String((spec as { type: unknown }).type)}`, { field: 'type' });
  if (entry.endpoint === 'required' && !spec.endpoint) throw ErrNodeMonitorNotFound(`agent ${spec.type} needs an endpoint`, { field: 'endpoint' });
  const options = {
    endpoint: spec.endpoint ?? '',
    basicAuth: await resolveBasicAuth(spec, deps),
    insecureSkipVerify: spec.insecureSkipVerify ?? false,
    timeoutMs: requestTimeoutMs(spec, refreshMs),
  };
  return (await entry.load()).createNodeMonitor({ spec, options, deps });
}

/** Builds a node's predictor from the predictor registry. Rejects with ErrPCPredictorNotFound when it cannot be built. */
export async function createPredictor(spec: PredictorSpec, refreshMs: number, deps: PluginDeps): Promise<PowerPredictor> {
  const entry = predictorEntry(spec.type);
  if (!entry) throw ErrPCPredictorNotFound(`unknown predictor type ${String((spec as { type: unknown }).type)}`, { field: 'type' });
  const needsEndpoint = () => ErrPCPredictorNotFound(`predictor ${spec.type} needs an endpoint`, { field: 'endpoint' });
  if (entry.endpoint === 'required' && !spec.endpoint) throw needsEndpoint();
  const connection = async () => {
    if (!spec.endpoint) throw needsEndpoint();
    return {
      endpoint: spec.endpoint,
      basicAuth: await resolveBasicAuth(spec, deps),
      insecureSkipVerify: spec.insecureSkipVerify ?? false,
      timeoutMs: requestTimeoutMs({ timeout: spec.timeout ?? '3s' }, refreshMs),
    };
  };
  return (await entry.load()).createPowerPredictor({ spec, connection, deps });
}
