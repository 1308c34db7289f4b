/**
 * @module estimator/plugins
 * Builds the node monitors and the predictor of a node from its effective config: resolves endpoints,
 * timeouts and basic-auth credentials (inline, a password file, or a Kubernetes Secret).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AgentHandle } from '../core/contracts.js';
import { parseDuration } from '../core/duration.js';
import { ErrNodeMonitorNotFound, ErrPCPredictorNotFound } from './errors.js';
import type { AgentSpec, PredictorSpec } from './spec.js';
import type { BasicAuth, NodeMonitor, PowerPredictor } from './types.js';
import { createNoneMonitor } from './monitors/none.js';
import { createFakeMonitor } from './monitors/fake.js';
import { createMetricsApiMonitor, type KubeGet } from './monitors/metrics-api.js';
import { createPrometheusMonitor } from './monitors/prometheus.js';
import { createIpmiExporterMonitor } from './monitors/ipmi-exporter.js';
import { createRedfishMonitor } from './monitors/redfish.js';
import { createDifferentialPressureMonitor } from './monitors/differential-pressure.js';
import { createLocalAgentMonitor } from './monitors/local-agent.js';
import { createNonePredictor } from './predictors/none.js';
import { createFakePredictor } from './predictors/fake.js';
import { createMlserverPredictor } from './predictors/mlserver.js';
import { createModelPredictor } from './predictors/model.js';
import { createKeplerFilePredictor } from './predictors/kepler-file.js';
import { createLocalModelPredictor } from './predictors/local-model.js';
import { fetchJson } from './http-client.js';

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
export async function resolveBasicAuth(spec: AgentSpec | PredictorSpec, deps: PluginDeps): Promise<BasicAuth | undefined> {
  if (spec.basicAuth) {
    const password = spec.basicAuth.passwordFile ? readFileSync(spec.basicAuth.passwordFile, 'utf8').replace(/\r?\n$/, '') : (spec.basicAuth.password ?? '');
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

/** Builds one node monitor. Rejects for unknown types or missing endpoints. */
export async function createMonitor(spec: AgentSpec, refreshMs: number, deps: PluginDeps): Promise<NodeMonitor> {
  const needsEndpoint = ['Prometheus', 'IPMIExporter', 'Redfish', 'DifferentialPressureAPI'].includes(spec.type);
  if (needsEndpoint && !spec.endpoint) throw ErrNodeMonitorNotFound(`agent ${spec.type} needs an endpoint`, { field: 'endpoint' });
  const opts = { endpoint: spec.endpoint ?? '', basicAuth: await resolveBasicAuth(spec, deps), insecureSkipVerify: spec.insecureSkipVerify ?? false, timeoutMs: requestTimeoutMs(spec, refreshMs) };
  switch (spec.type) {
    case 'None':
      return createNoneMonitor();
    case 'Fake':
      return createFakeMonitor();
    case 'MetricsAPI': {
      if (spec.endpoint) {
        const base = spec.endpoint.replace(/\/+$/, '');
        return createMetricsApiMonitor((path, signal) => fetchJson(base + path, { ...opts, signal }));
      }
      if (!deps.kubeGet) throw ErrNodeMonitorNotFound('agent MetricsAPI needs a cluster or an API server endpoint', { field: 'endpoint' });
      return createMetricsApiMonitor(deps.kubeGet);
    }
    case 'Prometheus':
      return createPrometheusMonitor(opts);
    case 'IPMIExporter':
      return createIpmiExporterMonitor(opts);
    case 'Redfish':
      return createRedfishMonitor(opts);
    case 'DifferentialPressureAPI':
      return createDifferentialPressureMonitor(opts);
    case 'LocalAgent':
      if (!deps.agent) throw ErrNodeMonitorNotFound('agent LocalAgent is only available in powerplane up');
      return createLocalAgentMonitor(deps.agent);
    default:
      throw ErrNodeMonitorNotFound(`unknown agent type ${String((spec as { type: unknown }).type)}`, { field: 'type' });
  }
}

/** Builds a node's predictor. Rejects with ErrPCPredictorNotFound when it cannot be built. */
export async function createPredictor(spec: PredictorSpec, refreshMs: number, deps: PluginDeps): Promise<PowerPredictor> {
  const http = async () => {
    if (!spec.endpoint) throw ErrPCPredictorNotFound(`predictor ${spec.type} needs an endpoint`, { field: 'endpoint' });
    return { endpoint: spec.endpoint, basicAuth: await resolveBasicAuth(spec, deps), insecureSkipVerify: spec.insecureSkipVerify ?? false, timeoutMs: requestTimeoutMs({ timeout: spec.timeout ?? '3s' }, refreshMs) };
  };
  switch (spec.type) {
    case 'None':
      return createNonePredictor();
    case 'Fake':
      return createFakePredictor();
    case 'MLServer':
      return createMlserverPredictor(await http());
    case 'Model':
      if (spec.endpoint?.startsWith('file:')) return createKeplerFilePredictor(fileURLToPath(spec.endpoint));
      return createModelPredictor(await http());
    case 'LocalModel': {
      const agent = deps.agent;
      if (!agent) throw ErrPCPredictorNotFound('predictor LocalModel is only available in powerplane up');
      return createLocalModelPredictor(() => agent.localNodeModel());
    }
    default:
      throw ErrPCPredictorNotFound(`unknown predictor type ${String((spec as { type: unknown }).type)}`, { field: 'type' });
  }
}
