/**
 * @module estimator/component
 * The estimator as a {@link Component}: its routes on the shared server and the monitor loops of every
 * served Estimator. Where the Estimators come from:
 * - `estimator.configFile` set: that file's estimators and nodes;
 * - else inside `powerplane up` (an in-process agent): `default/default` for this machine;
 * - else (`powerplane estimator` in a cluster): `Estimator` resources and Nodes from the API server.
 */
import type { Component, ComponentContext } from '../core/component.js';
import { ERR_INVALID_FLAG } from '../core/errors.js';
import { buildEstimator } from './build.js';
import { loadEstimatorFile } from './config-file.js';
import { localEstimatorConfig } from './local.js';
import { EstimatorRegistry } from './registry.js';
import { registerEstimatorRoutes } from './routes.js';
import type { ClusterSource } from './cluster-source.js';
import { SchedulerExtender, type ExtenderSettings } from './scheduler/extender.js';
import { PodCounts } from './scheduler/pod-counts.js';
import { ExtenderMetrics } from './scheduler/metrics.js';
import { registerSchedulerRoutes } from './scheduler/routes.js';
import { registerPlacementRoutes } from './placement/routes.js';

/** Creates the estimator component (`up` and `powerplane estimator` call this). */
export async function createEstimatorComponent(ctx: ComponentContext): Promise<Component> {
  const { config, log } = ctx;
  const registry = new EstimatorRegistry();
  const elog = log.child({ component: 'estimator' });
  let cluster: ClusterSource | undefined;
  let mode: 'file' | 'local' | 'cluster';
  if (config.estimator.configFile) {
    mode = 'file';
    const file = loadEstimatorFile(config.estimator.configFile);
    for (const e of file.estimators) registry.set(await buildEstimator(e.namespace, e.name, e.spec, file.nodes, { log: elog, agent: ctx.agent }));
  } else if (ctx.agent) {
    mode = 'local';
    const { spec, nodes } = localEstimatorConfig(ctx.agent, config.monitor.interval);
    registry.set(await buildEstimator('default', 'default', spec, nodes, { log: elog, agent: ctx.agent }));
  } else if (config.kube.enable || process.env.KUBERNETES_SERVICE_HOST) {
    mode = 'cluster';
  } else {
    throw ERR_INVALID_FLAG('the estimator needs --config FILE (or --estimator.config-file), or a cluster (--kube.enable)', { flag: '--config' });
  }
  // in a cluster a pod watch feeds the extender's pod counts (spread) and bound-node metric
  const pods = mode === 'cluster' ? new PodCounts((uid, node) => extender.bound(uid, node)) : undefined;
  const extender = new SchedulerExtender(
    registry,
    schedulerSettings(config.estimator.scheduler),
    new ExtenderMetrics(),
    elog.child({ part: 'scheduler' }),
    pods && { workloadPods: pods },
  );
  return {
    name: 'estimator',
    async routes(app) {
      // on shutdown, stop the solves in progress first: their requests end (500) instead of holding the close
      app.addHook('preClose', async () => registry.stop());
      await registerEstimatorRoutes(app, {
        registry,
        apiKey: config.estimator.apiKey,
        maxWorkloads: config.estimator.maxWorkloads,
        deadlineMs: config.estimator.deadline,
      });
      // inside `up` the agent serves /metrics; the extender's series stay at /scheduler/metrics there
      await registerSchedulerRoutes(app, { extender, metricsAtRoot: !ctx.agent });
      await registerPlacementRoutes(app, { apiKey: config.estimator.apiKey, maxWorkloads: config.estimator.maxWorkloads });
    },
    async start() {
      registry.start();
      // the Kubernetes client loads only here, never for a file or local estimator
      if (mode === 'cluster')
        cluster = await (await import('./cluster-source.js')).startClusterSource({ registry, kubeconfig: config.kube.config, log: elog, pods });
      elog.info({ mode, estimators: registry.list().map((e) => `${e.namespace}/${e.name}`) }, 'estimator started');
      if (mode !== 'cluster' && config.estimator.scheduler.policy === 'spread')
        elog.warn('no cluster configured: the spread policy has no pod counts and ranks by watts alone');
    },
    async stop() {
      await cluster?.stop();
      registry.stop();
    },
    isReady: () => mode !== 'cluster' || (cluster?.synced() ?? false),
  };
}

/** The extender's settings from the `estimator.scheduler.*` keys. */
function schedulerSettings(s: ComponentContext['config']['estimator']['scheduler']): ExtenderSettings {
  return {
    estimator: s.estimator,
    policy: s.policy,
    defaultCpuMilli: s.defaultCpuMilli,
    spreadMaxPerNode: s.spreadMaxPerNode,
    maxInletTemperature: s.maxInletTemperature,
    deadlineMs: s.deadline,
  };
}
