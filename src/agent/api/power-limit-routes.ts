/**
 * @module agent/api/power-limit-routes
 * The GPU power-limit route of the agent (only with `gpu.powerLimit.enable`), every method behind the
 * bearer token: `GET /api/v1/gpu/power-limits`, `PUT /api/v1/gpu/power-limits/:gpu` with a JSON body
 * `{"watts": n}` (JSON only: other content types get 415), `DELETE /api/v1/gpu/power-limits/:gpu`
 * and `DELETE /api/v1/gpu/power-limits` to restore original limits.
 */
import type { FastifyInstance } from 'fastify';
import { requireToken } from '../../modelserver/routes/auth.js';
import { NODE_POWER_LIMIT_ACTION } from '../../core/node-power-limit.js';
import type { GpuPowerLimitSetup } from '../gpu/power-limit-setup.js';
import { ERR_GPU_LIMIT_BAD_REQUEST, ERR_GPU_LIMIT_UNAVAILABLE } from '../gpu/errors.js';
import { ERR_AGENT_CONTENT_TYPE } from '../errors.js';

/** Base path of the route. */
export const POWER_LIMIT_PATH = '/api/v1/gpu/power-limits';

/**
 * The watts of a `PUT` body, which must be `{"watts": W}` with W a number above 0 and nothing else.
 * Throws PP_AGENT_GPU_LIMIT_BAD_REQUEST naming the field.
 */
export function limitWatts(body: unknown): number {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw ERR_GPU_LIMIT_BAD_REQUEST('body: must be a JSON object {"watts": W}', { field: 'body' });
  for (const key of Object.keys(body))
    if (key !== 'watts') throw ERR_GPU_LIMIT_BAD_REQUEST(`${key}: unknown field (only watts is accepted)`, { field: key });
  const watts = (body as { watts?: unknown }).watts;
  if (typeof watts !== 'number' || !(watts > 0) || !Number.isFinite(watts))
    throw ERR_GPU_LIMIT_BAD_REQUEST('watts: must be a number above 0', { field: 'watts' });
  return watts;
}

/** Registers the routes on `app`. */
export function registerPowerLimitRoutes(app: FastifyInstance, setup: GpuPowerLimitSetup): void {
  const action = () => {
    if (!setup.action) throw ERR_GPU_LIMIT_UNAVAILABLE(setup.reason ?? 'no GPU power-limit action');
    return setup.action;
  };
  const auth = requireToken(setup.token);
  app.get(POWER_LIMIT_PATH, { onRequest: auth }, async () => ({ action: NODE_POWER_LIMIT_ACTION, devices: await action().devices() }));
  app.put<{ Params: { gpu: string }; Body: unknown }>(
    `${POWER_LIMIT_PATH}/:gpu`,
    {
      onRequest: auth,
      // before the body is parsed: form and text bodies (no CORS preflight) never reach the action
      preValidation: async (req) => {
        const type = String(req.headers['content-type'] ?? '')
          .split(';')[0]
          .trim()
          .toLowerCase();
        if (type !== 'application/json')
          throw ERR_AGENT_CONTENT_TYPE(`content-type must be application/json, got ${JSON.stringify(type)}`, { field: 'content-type' });
      },
    },
    async (req) => action().set(req.params.gpu, limitWatts(req.body)),
  );
  app.delete<{ Params: { gpu: string } }>(`${POWER_LIMIT_PATH}/:gpu`, { onRequest: auth }, async (req) => ({
    devices: await action().restore(req.params.gpu),
  }));
  app.delete(POWER_LIMIT_PATH, { onRequest: auth }, async () => ({ devices: await action().restore() }));
}
