/**
 * @module estimator/monitors/metrics-api
 * The `MetricsAPI` monitor: node CPU usage from metrics.k8s.io (`/apis/metrics.k8s.io/v1beta1/nodes/{node}`)
 * and the node's CPUs from the Node object (`/api/v1/nodes/{node}`: capacity → `logicalProcessors`).
 * Sets `cpuUsedMilli`, `logicalProcessors` and `cpuUsage` as a 0..1 ratio of capacity. In a cluster the
 * requests go through the estimator's Kubernetes client; standalone, `endpoint` is an API server base URL
 * (e.g. `kubectl proxy`'s `http://127.0.0.1:8001`).
 */
import { ErrNodeMonitorNotFound } from '../errors.js';
import { asNumber, fetchJson } from '../http-client.js';
import type { MonitorModule } from './registry.js';
import type { NodeMonitor } from '../types.js';
import { parseCpuMilli } from './quantity.js';

/** GETs an API-server path and resolves with the parsed JSON. */
export type KubeGet = (path: string, signal: AbortSignal) => Promise<unknown>;

/** Creates the `MetricsAPI` monitor over an API-server getter. */
export function createMetricsApiMonitor(get: KubeGet): NodeMonitor {
  return {
    type: 'MetricsAPI',
    async read(node, signal) {
      const name = encodeURIComponent(node.name);
      const [metrics, nodeObj] = await Promise.all([
        get(`/apis/metrics.k8s.io/v1beta1/nodes/${name}`, signal) as Promise<{ usage?: { cpu?: unknown } } | null>,
        get(`/api/v1/nodes/${name}`, signal) as Promise<{ status?: { capacity?: { cpu?: unknown } } } | null>,
      ]);
      const used = parseCpuMilli(metrics?.usage?.cpu);
      if (used === undefined) throw new Error(`metrics.k8s.io has no CPU usage for node ${node.name}`);
      const capMilli = parseCpuMilli(nodeObj?.status?.capacity?.cpu);
      if (capMilli === undefined || capMilli <= 0) throw new Error(`node ${node.name} has no CPU capacity`);
      const cpus = asNumber(capMilli / 1000) ?? 0;
      return { cpuUsedMilli: used, logicalProcessors: cpus, cpuUsage: used / capMilli };
    },
  };
}

/**
 * The `MetricsAPI` entry of the monitor registry: an API server URL as the endpoint (standalone, e.g.
 * `kubectl proxy`), else the estimator's cluster client.
 */
export const createNodeMonitor: MonitorModule['createNodeMonitor'] = ({ spec, options, deps }) => {
  if (spec.endpoint) {
    const base = spec.endpoint.replace(/\/+$/, '');
    return createMetricsApiMonitor((path, signal) => fetchJson(base + path, { ...options, signal }));
  }
  if (!deps.kubeGet) throw ErrNodeMonitorNotFound('agent MetricsAPI needs a cluster or an API server endpoint', { field: 'endpoint' });
  return createMetricsApiMonitor(deps.kubeGet);
};
