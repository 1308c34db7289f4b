/**
 * @module estimator/build
 * Builds an {@link Estimator} from an Estimator spec and a node list: per node, the merged node config,
 * its monitors (a monitor that cannot be built reports why on every refresh) and its predictor.
 */
import type { Logger } from '../core/logger.js';
import { parseDuration } from '../core/duration.js';
import { Estimator } from './estimator.js';
import { NodeState, RefreshLimiter } from './node-state.js';
import { errorMessage } from '../core/errors.js';

/** Node refreshes running at once per Estimator. */
export const REFRESH_CONCURRENCY = 64;
import { createMonitor, createPredictor, requestTimeoutMs, type PluginDeps } from './plugins.js';
import { nodeConfigFor, type EstimatorSpec } from './spec.js';
import type { NodeInfo, NodeMonitor } from './types.js';

/** Builds the Estimator `namespace/name` over `nodes`. */
export async function buildEstimator(
  namespace: string,
  name: string,
  spec: EstimatorSpec,
  nodes: readonly NodeInfo[],
  deps: Omit<PluginDeps, 'namespace'> & { log?: Logger },
): Promise<Estimator> {
  const pdeps: PluginDeps = { ...deps, namespace };
  const limiter = new RefreshLimiter(REFRESH_CONCURRENCY);
  const states = await Promise.all(
    nodes.map(async (node) => {
      const cfg = nodeConfigFor(spec, node.name);
      const refreshMs = Math.max(100, parseDuration(cfg.refreshInterval) ?? 30_000);
      const monitors = await Promise.all(
        cfg.agents.map(async (a) => {
          let monitor: NodeMonitor;
          try {
            monitor = await createMonitor(a, refreshMs, pdeps);
          } catch (err) {
            const reason = errorMessage(err);
            monitor = { type: a.type, read: () => Promise.reject(new Error(reason)) };
          }
          return { monitor, endpoint: a.endpoint, timeoutMs: requestTimeoutMs(a, refreshMs) };
        }),
      );
      const predictor = await createPredictor(cfg.predictor, refreshMs, pdeps).catch((err: unknown) =>
        err instanceof Error ? err : new Error(String(err)),
      );
      return new NodeState({ node, monitors, predictor, refreshMs, log: deps.log, limiter });
    }),
  );
  return new Estimator(namespace, name, states);
}
