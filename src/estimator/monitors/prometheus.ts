/**
 * @module estimator/monitors/prometheus
 * The `Prometheus` monitor: reads a node's powerplane-agent / Kepler series through a Prometheus server
 * (`endpoint` = its base URL): `kepler_node_cpu_usage_ratio{node_name}` → `cpuUsage` (0..1), and measured
 * power → `powerWatts` from `kepler_platform_watts` (wall power), else the package + dram zones of
 * `kepler_node_cpu_watts`. A query that finds no series leaves its value unset; when none is found the
 * read fails.
 */
import { expandEndpoint, fetchJson } from '../http-client.js';
import type { NodeMonitor, NodeStatus } from '../types.js';
import type { NodeMonitorOptions } from './options.js';
import type { MonitorModule } from './registry.js';

/** Escapes a PromQL label value. */
function promString(v: string): string {
  return '"' + v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') + '"';
}

/** The queries for one node, in the order they are tried per value. */
export function prometheusQueries(nodeName: string): { cpuUsage: string[]; powerWatts: string[] } {
  const sel = `node_name=${promString(nodeName)}`;
  return {
    cpuUsage: [`max(kepler_node_cpu_usage_ratio{${sel}})`],
    powerWatts: [`sum(kepler_platform_watts{${sel}})`, `sum(kepler_node_cpu_watts{${sel},zone=~"package|dram"})`],
  };
}

/** Creates the `Prometheus` monitor. */
export function createPrometheusMonitor(opts: NodeMonitorOptions): NodeMonitor {
  const query = async (base: string, q: string, signal: AbortSignal): Promise<number | undefined> => {
    const url = `${base.replace(/\/+$/, '')}/api/v1/query?query=${encodeURIComponent(q)}`;
    const body = (await fetchJson(url, { ...opts, signal })) as {
      status?: string;
      error?: string;
      data?: { resultType?: string; result?: { value?: [number, string] }[] };
    };
    if (body?.status !== 'success') throw new Error(`Prometheus query failed: ${body?.error ?? 'no success status'}`);
    const v = body.data?.result?.[0]?.value?.[1];
    const n = v === undefined ? undefined : Number(v);
    return n !== undefined && Number.isFinite(n) ? n : undefined;
  };
  return {
    type: 'Prometheus',
    async read(node, signal) {
      const base = expandEndpoint(opts.endpoint, node);
      const qs = prometheusQueries(node.name);
      const out: Partial<NodeStatus> = {};
      for (const key of ['cpuUsage', 'powerWatts'] as const) {
        for (const q of qs[key]) {
          const v = await query(base, q, signal);
          if (v !== undefined) {
            out[key] = v;
            break;
          }
        }
      }
      if (Object.keys(out).length === 0) throw new Error(`Prometheus at ${base} has no powerplane/Kepler series for node ${node.name}`);
      return out;
    },
  };
}

/** The `Prometheus` entry of the monitor registry. */
export const createNodeMonitor: MonitorModule['createNodeMonitor'] = ({ options }) => createPrometheusMonitor(options);
