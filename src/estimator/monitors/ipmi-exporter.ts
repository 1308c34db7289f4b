/**
 * @module estimator/monitors/ipmi-exporter
 * The `IPMIExporter` monitor: scrapes a prometheus ipmi_exporter `/metrics` (e.g.
 * `http://{address}:9290/metrics`). Ambient temperature comes from `ipmi_temperature_celsius` whose
 * `name` is Ambient / Inlet / Intake; power from `ipmi_dcmi_power_consumption_watts`. An answer with
 * neither is an error (e.g. an exporter that cannot reach its BMC).
 */
import { expandEndpoint, fetchText } from '../http-client.js';
import { parsePromText } from '../prom-text.js';
import type { NodeMonitor, NodeStatus } from '../types.js';
import type { NodeMonitorOptions } from './options.js';
import type { MonitorModule } from './registry.js';

const AMBIENT = /ambient|inlet|intake/i;
/** DCMI power metric names: current exporters, and `…_current_watts` of releases before 1.0. */
const DCMI_POWER = ['ipmi_dcmi_power_consumption_watts', 'ipmi_dcmi_power_consumption_current_watts'];

/** Extracts ambient temperature and DCMI power from ipmi_exporter exposition text. */
export function readIpmiMetrics(text: string): Partial<NodeStatus> {
  const samples = parsePromText(text);
  const out: Partial<NodeStatus> = {};
  const temps = samples.filter((s) => s.name === 'ipmi_temperature_celsius' && AMBIENT.test(s.labels.name ?? '') && Number.isFinite(s.value));
  const ambient = temps.find((s) => /^ambient$/i.test(s.labels.name ?? '')) ?? temps[0];
  if (ambient) out.ambientTemp = ambient.value;
  const power = samples.find((s) => DCMI_POWER.includes(s.name) && Number.isFinite(s.value));
  if (power) out.powerWatts = power.value;
  return out;
}

/** Creates the `IPMIExporter` monitor. */
export function createIpmiExporterMonitor(opts: NodeMonitorOptions): NodeMonitor {
  return {
    type: 'IPMIExporter',
    async read(node, signal) {
      const url = expandEndpoint(opts.endpoint, node);
      const res = await fetchText(url, { ...opts, signal, headers: { accept: 'text/plain' } });
      if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
      const out = readIpmiMetrics(res.body);
      if (out.ambientTemp === undefined && out.powerWatts === undefined) {
        const down = parsePromText(res.body)
          .filter((x) => x.name === 'ipmi_up' && x.value === 0)
          .map((x) => x.labels.collector);
        throw new Error(`${url}: no ambient temperature and no DCMI power reading${down.length ? ` (ipmi_up=0 for ${down.join(', ')})` : ''}`);
      }
      return out;
    },
  };
}

/** The `IPMIExporter` entry of the monitor registry. */
export const createNodeMonitor: MonitorModule['createNodeMonitor'] = ({ options }) => createIpmiExporterMonitor(options);
