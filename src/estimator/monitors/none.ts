/**
 * @module estimator/monitors/none
 * The `None` monitor: reads nothing (WAO's no-op agent).
 */
import type { NodeMonitor } from '../types.js';
import type { MonitorModule } from './registry.js';

/** Creates the `None` monitor. */
export function createNoneMonitor(): NodeMonitor {
  return { type: 'None', read: async () => ({}) };
}

/** The `None` entry of the monitor registry. */
export const createNodeMonitor: MonitorModule['createNodeMonitor'] = () => createNoneMonitor();
