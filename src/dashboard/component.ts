/**
 * @module dashboard/component
 * The dashboard as a {@link Component}: the page at `/`, chart history fed by the in-process agent
 * (when there is one), and the live event stream. `powerplane up` mounts it; the agent and the
 * estimator mount it too when `--web.ui` is on (without an agent in-process the page still works
 * from the JSON routes of its server, without history). The Capping tab reads PowerCapPolicies from the
 * cluster when one is configured.
 */
import type { Component, ComponentContext } from '../core/component.js';
import { ERR_INVALID_CONFIG } from '../core/errors.js';
import { loadAssets } from './assets.js';
import { ChartHistory } from './history.js';
import { EventStreamHub } from './event-stream.js';
import { HistoryRecorder } from './recorder.js';
import { mountDashboardRoutes } from './routes.js';
import { clusterCappingSource, noClusterSource } from './capping-source.js';

/** Workloads per level recorded into the history at each refresh (for sparklines and workload charts). */
export const HISTORY_TOP_PER_LEVEL = 25;
/** Most browsers streaming at once. */
export const MAX_STREAMS = 64;
/** Comment heartbeat on the event stream (ms). */
export const STREAM_HEARTBEAT_MS = 15_000;
/** Largest `dashboard.historyLength`: about 28 hours at 5 s (the last hour at full resolution, older minutes averaged; see bench/dashboard.bench.ts). */
export const MAX_HISTORY_LENGTH = 20_000;

/** Creates the dashboard component. */
export async function createDashboardComponent(ctx: ComponentContext): Promise<Component> {
  const length = ctx.config.dashboard.historyLength;
  if (length > MAX_HISTORY_LENGTH) {
    throw ERR_INVALID_CONFIG(
      `dashboard.historyLength (--dashboard.history-length) must be at most ${MAX_HISTORY_LENGTH}, got ${length}; keep long history in Prometheus`,
      { key: 'dashboard.historyLength', flag: '--dashboard.history-length' },
    );
  }
  const assets = loadAssets();
  const agent = ctx.agent;
  const history = agent
    ? new ChartHistory({ length: ctx.config.dashboard.historyLength, topPerLevel: HISTORY_TOP_PER_LEVEL, intervalMs: ctx.config.monitor.interval })
    : undefined;
  const hub = new EventStreamHub({ maxClients: MAX_STREAMS, heartbeatMs: STREAM_HEARTBEAT_MS });
  // A cluster is configured as for the estimator: --kube.enable, or running in a pod.
  const capping = ctx.config.kube.enable || process.env.KUBERNETES_SERVICE_HOST ? clusterCappingSource(ctx.config.kube.config) : noClusterSource();
  const recorder =
    agent && history ? new HistoryRecorder(agent, history, hub, HISTORY_TOP_PER_LEVEL, ctx.log.child({ component: 'dashboard' })) : undefined;
  return {
    name: 'dashboard',
    routes(app) {
      mountDashboardRoutes(app, {
        assets,
        history,
        hub,
        intervalMs: ctx.config.monitor.interval,
        historyLength: ctx.config.dashboard.historyLength,
        topPerLevel: HISTORY_TOP_PER_LEVEL,
        nodeName: () => agent?.node()?.nodeName ?? (ctx.config.kube.nodeName || undefined),
        capping,
      });
      app.addHook('preClose', async () => hub.closeAll());
    },
    async start() {
      recorder?.start();
    },
    async stop() {
      recorder?.stop();
      hub.closeAll();
    },
  };
}
