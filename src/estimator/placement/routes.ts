/**
 * @module estimator/placement/routes
 * `POST /placement` `{cpu_milli, num_workloads, clusters: [{name, endpoint, estimator?, apiKey?}]}` →
 * {@link PlacementAnswer}: the split of N workloads across the clusters' estimators that adds the fewest
 * watts, for a federation controller. The estimator calls the listed endpoints, so when it has an API key
 * this route asks for it (X-API-KEY) like the estimation routes; bad input is a 400 naming the field.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { PowerplaneError } from '../../core/errors.js';
import { ErrClientUnauthorized, ErrEstimatorInvalidRequest } from '../errors.js';
import { keyMatches, validateEstimateRequest } from '../routes.js';
import { checkCluster, placeAcrossClusters, MAX_CLUSTERS } from './federation.js';

/** Registers `POST /placement` in its own scope. */
export async function registerPlacementRoutes(app: FastifyInstance, opts: { apiKey: string; maxWorkloads: number }): Promise<void> {
  await app.register(async (scope) => {
    scope.setErrorHandler((err: FastifyError | PowerplaneError, req, reply) => {
      if (err instanceof PowerplaneError)
        return reply
          .status(err.status)
          .send({ code: err.code, message: err.message, ...(typeof err.details.field === 'string' ? { field: err.details.field } : {}) });
      if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500)
        return reply
          .status(err.statusCode)
          .send({ code: ErrEstimatorInvalidRequest.definition.code, message: `invalid request: ${err.message}`, field: 'body' });
      req.log.error({ err }, 'placement: unexpected error');
      return reply.status(500).send({ code: 'ErrUnexpected', message: 'unexpected error' });
    });
    scope.post('/placement', { bodyLimit: 256 * 1024 }, async (req) => {
      if (opts.apiKey) {
        const given = req.headers['x-api-key'];
        if (typeof given !== 'string' || !keyMatches(given, opts.apiKey)) throw ErrClientUnauthorized('missing or invalid X-API-KEY');
      }
      if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? ''))
        throw Object.assign(ErrEstimatorInvalidRequest('the body must be application/json', { field: 'content-type' }), { status: 415 });
      const { cpuMilli, numWorkloads } = validateEstimateRequest(req.body, { maxWorkloads: opts.maxWorkloads });
      const raw = (req.body as Record<string, unknown>).clusters;
      if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_CLUSTERS)
        throw ErrEstimatorInvalidRequest(`clusters must list 1..${MAX_CLUSTERS} clusters {name, endpoint, estimator?, apiKey?}`, {
          field: 'clusters',
        });
      const clusters = raw.map((c, i) => {
        if (typeof c !== 'object' || c === null || Array.isArray(c))
          throw ErrEstimatorInvalidRequest(`clusters[${i}] must be an object`, { field: `clusters[${i}]` });
        return checkCluster(c as Record<string, unknown>, `clusters[${i}]`);
      });
      const names = new Set<string>();
      clusters.forEach((c, i) => {
        if (names.has(c.name)) throw ErrEstimatorInvalidRequest(`cluster ${c.name} is listed twice`, { field: `clusters[${i}].name` });
        names.add(c.name);
      });
      return placeAcrossClusters(clusters, cpuMilli, numWorkloads);
    });
  });
}
