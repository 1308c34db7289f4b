/**
 * @module modelserver/metrics
 * The model server's own Prometheus series: how many models the store serves and how many model
 * directories it skips as unreadable or invalid (listed at `/api/v1/models?invalid=true`).
 */
import type { FastifyInstance } from 'fastify';
import type { ModelStore } from './store/store.js';

const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** The series text for the store's current counts. Pure. */
export function renderModelServerMetrics(models: number, invalid: number): string {
  return (
    '# HELP powerplane_modelserver_models Models the store serves\n# TYPE powerplane_modelserver_models gauge\n' +
    `powerplane_modelserver_models ${models}\n` +
    '# HELP powerplane_modelserver_invalid_models Model directories skipped because they cannot be read or their metadata is invalid (GET /api/v1/models?invalid=true lists them)\n' +
    '# TYPE powerplane_modelserver_invalid_models gauge\n' +
    `powerplane_modelserver_invalid_models ${invalid}\n`
  );
}

/** Registers `GET /model-server/metrics`, and `GET /metrics` too when nothing else serves it (the standalone model server). */
export function registerModelServerMetrics(app: FastifyInstance, store: ModelStore, atRoot: boolean): void {
  const handler = async (_req: unknown, reply: { header(k: string, v: string): { send(b: string): unknown } }) => {
    const [models, invalid] = await Promise.all([store.list(), store.listInvalid()]);
    return reply.header('content-type', CONTENT_TYPE).send(renderModelServerMetrics(models.length, invalid.length));
  };
  app.get('/model-server/metrics', handler);
  if (atRoot) app.get('/metrics', handler);
}
