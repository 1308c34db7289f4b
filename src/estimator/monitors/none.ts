/**
 * @module estimator/monitors/none
 * The `None` monitor: reads nothing (WAO's no-op agent).
 */
import type { NodeMonitor } from '../types.js';

/** Creates the `None` monitor. */
export function createNoneMonitor(): NodeMonitor {
  return { type: 'None', read: async () => ({}) };
}
