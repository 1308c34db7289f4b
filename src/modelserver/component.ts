/**
 * @module modelserver/component
 * The model server as a {@link Component}: the model store at `modelServer.storeDir`, the
 * Kepler-compatible routes, powerplane's own model and training routes, and the Open Inference
 * Protocol v2. Used by `powerplane model-server` and mounted by `powerplane up`.
 */
import { mkdir } from 'node:fs/promises';
import type { Component, ComponentContext } from '../core/component.js';
import { assertModelServerAuth, resolveModelServerToken } from './routes/auth.js';
import { JobQueue } from './training/jobs.js';
import { ModelService } from './routes/model-service.js';
import { registerApiRoutes } from './routes/api.js';
import { registerKeplerRoutes } from './routes/kepler.js';
import { registerV2Routes } from './routes/v2.js';
import { ModelStore } from './store/store.js';
import { registerModelServerMetrics } from './metrics.js';
import { removeStoreLeftovers } from './store/store-cleanup.js';

/** Leftovers of interrupted saves younger than this are kept at start: they may be a save running in another process. */
const LEFTOVER_MIN_AGE_MS = 60_000;

/** The model server component, with its store and job queue exposed for `up` and tests. */
export interface ModelServerComponent extends Component {
  readonly store: ModelStore;
  readonly jobs: JobQueue;
}

/** Creates the model server component. */
export async function createModelServerComponent(ctx: ComponentContext): Promise<ModelServerComponent> {
  const { config, log } = ctx;
  const clog = log.child({ component: 'model-server' });
  const token = resolveModelServerToken(config);
  assertModelServerAuth(config, token, clog);
  const store = new ModelStore(config.modelServer.storeDir, {
    onProblem: (path, problem) => clog.warn({ path }, `skipping unreadable model: ${problem}`),
  });
  const svc = new ModelService(store);
  const jobs = new JobQueue({ onError: (job, err) => clog.warn({ job: job.id, err }, 'training job failed') });
  let ready = false;
  return {
    name: 'model-server',
    store,
    jobs,
    routes(app) {
      registerKeplerRoutes(app, svc);
      registerApiRoutes(app, { svc, jobs, token, maxBodyBytes: config.modelServer.maxBodyBytes, prometheusUrls: config.modelServer.prometheusUrls });
      registerV2Routes(app, svc);
      // inside `up` the agent serves /metrics
      registerModelServerMetrics(app, store, !ctx.agent);
    },
    async start() {
      await mkdir(store.root, { recursive: true });
      const leftovers = await removeStoreLeftovers(store.root, LEFTOVER_MIN_AGE_MS);
      if (leftovers.length > 0) clog.info({ removed: leftovers }, `removed ${leftovers.length} directories left by interrupted saves`);
      const models = await store.list();
      clog.info({ storeDir: store.root, models: models.length, auth: token !== '' }, 'model store open');
      ready = true;
    },
    async stop() {
      ready = false;
      await jobs.close();
    },
    isReady: () => ready,
  };
}
