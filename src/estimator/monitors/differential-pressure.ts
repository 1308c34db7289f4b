/**
 * @module estimator/monitors/differential-pressure
 * The `DifferentialPressureAPI` monitor: `GET {endpoint}` (WAO's sensor API, e.g.
 * `http://h:5000/api/sensor/101037B`) answers `{"code":200,"sensor":[{"pressure":0.01,…}]}`;
 * `sensor[0].pressure` becomes `staticPressureDiff`. An empty list or a non-200 status is an error.
 */
import { asNumber, expandEndpoint, fetchJson } from '../http-client.js';
import type { NodeMonitor } from '../types.js';
import type { NodeMonitorOptions } from './options.js';
import type { MonitorModule } from './registry.js';

/** Creates the `DifferentialPressureAPI` monitor. */
export function createDifferentialPressureMonitor(opts: NodeMonitorOptions): NodeMonitor {
  return {
    type: 'DifferentialPressureAPI',
    async read(node, signal) {
      const url = expandEndpoint(opts.endpoint, node);
      const body = (await fetchJson(url, { ...opts, signal })) as { sensor?: { pressure?: unknown }[] } | null;
      const sensors = body && Array.isArray(body.sensor) ? body.sensor : [];
      if (sensors.length === 0) throw new Error(`${url}: no sensor in the answer`);
      const pressure = asNumber(sensors[0]?.pressure);
      if (pressure === undefined) throw new Error(`${url}: sensor[0].pressure is not a number`);
      return { staticPressureDiff: pressure };
    },
  };
}

/** The `DifferentialPressureAPI` entry of the monitor registry. */
export const createNodeMonitor: MonitorModule['createNodeMonitor'] = ({ options }) => createDifferentialPressureMonitor(options);
