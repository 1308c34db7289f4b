/**
 * @module estimator/monitors/fake
 * The `Fake` monitor: reads the node status from node labels, with WAO's label names. Absent labels
 * leave the value unset; a label that is not a number is an error.
 */
import type { NodeMonitor, NodeStatus } from '../types.js';
import type { MonitorModule } from './registry.js';

/** WAO's node-status labels (`waofed.bitmedia.co.jp/node-status.*`). */
export const FAKE_STATUS_LABELS = {
  cpuUsage: 'waofed.bitmedia.co.jp/node-status.cpuusage',
  ambientTemp: 'waofed.bitmedia.co.jp/node-status.ambienttemp',
  staticPressureDiff: 'waofed.bitmedia.co.jp/node-status.staticpressurediff',
} as const;

/** Creates the `Fake` monitor. */
export function createFakeMonitor(): NodeMonitor {
  return {
    type: 'Fake',
    async read(node) {
      const out: Partial<NodeStatus> = {};
      for (const [key, label] of Object.entries(FAKE_STATUS_LABELS) as [keyof typeof FAKE_STATUS_LABELS, string][]) {
        const raw = node.labels[label];
        if (raw === undefined) continue;
        const v = Number(raw);
        if (raw.trim() === '' || !Number.isFinite(v)) throw new Error(`label ${label}=${JSON.stringify(raw)} is not a number`);
        out[key] = v;
      }
      return out;
    },
  };
}

/** The `Fake` entry of the monitor registry. */
export const createNodeMonitor: MonitorModule['createNodeMonitor'] = () => createFakeMonitor();
