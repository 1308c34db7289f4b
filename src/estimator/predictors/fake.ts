/**
 * @module estimator/predictors/fake
 * The `Fake` predictor: `watts = base + requestCPUMilli/1000 × wpc`, with `base` and `wpc` read as
 * integers from WAO's node labels (default 0 when absent; a non-integer label fails the prediction).
 * Unlike WAO it does not sleep 10 ms per call. It ignores the node status. Being linear, it tells the
 * estimator its exact slope (and its watts per core, as the slope is proportional to the request), so no
 * curve is predicted for it.
 */
import type { NodeInfo, PowerPredictor } from '../types.js';
import type { PredictorModule } from './registry.js';

/** WAO's Fake predictor labels. */
export const FAKE_PREDICTOR_LABELS = {
  baseWatts: 'waofed.bitmedia.co.jp/fakepcp.basewatts',
  wattsPerCore: 'waofed.bitmedia.co.jp/fakepcp.wpc',
} as const;

/** Reads an integer label (default 0); throws on anything else. */
function intLabel(node: NodeInfo, label: string): number {
  const raw = node.labels[label];
  if (raw === undefined) return 0;
  if (!/^[+-]?\d{1,15}$/.test(raw.trim())) throw new Error(`label ${label}=${JSON.stringify(raw)} is not an integer`);
  return Number(raw);
}

/** Watts per core of a node; a bad base label fails the prediction too, as in `predict`. */
function wattsPerCore(node: NodeInfo): number {
  intLabel(node, FAKE_PREDICTOR_LABELS.baseWatts);
  return intLabel(node, FAKE_PREDICTOR_LABELS.wattsPerCore);
}

/** Creates the `Fake` predictor. */
export function createFakePredictor(): PowerPredictor {
  return {
    type: 'Fake',
    identity: (node) => `Fake|${node.labels[FAKE_PREDICTOR_LABELS.baseWatts] ?? ''}|${node.labels[FAKE_PREDICTOR_LABELS.wattsPerCore] ?? ''}`,
    async predict(reqs, _status, node) {
      const base = intLabel(node, FAKE_PREDICTOR_LABELS.baseWatts);
      const wpc = intLabel(node, FAKE_PREDICTOR_LABELS.wattsPerCore);
      return reqs.map((r) => base + (r / 1000) * wpc);
    },
    slope: (cpuMilli, _status, node) => (cpuMilli / 1000) * wattsPerCore(node),
    wattsPerCore: (_status, node) => wattsPerCore(node),
  };
}

/** The `Fake` entry of the predictor registry. */
export const createPowerPredictor: PredictorModule['createPowerPredictor'] = () => createFakePredictor();
