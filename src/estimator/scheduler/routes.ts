/**
 * @module estimator/scheduler/routes
 * The extender's HTTP routes, as kube-scheduler calls them (`urlPrefix` `http://<estimator>/scheduler`):
 * - `POST /scheduler/filter` ExtenderArgs → ExtenderFilterResult;
 * - `POST /scheduler/prioritize` ExtenderArgs → HostPriorityList;
 * - `GET /scheduler/metrics` the extender's Prometheus series (also `GET /metrics` where nothing else
 *   serves it, i.e. `powerplane estimator` alone).
 * Query parameters `policy` (watts, spread, temperature) and `estimator` (namespace/name) choose the
 * policy and the Estimator for every pod of a scheduler configuration (the verbs may carry them, e.g.
 * `prioritizeVerb: prioritize?policy=spread`). Bodies must be `application/json`; a malformed body is a
 * 400 `{code, message, field}`, never a 5xx. kube-scheduler cannot send headers to an extender, so these
 * routes do not ask for the estimator's X-API-KEY.
 *
 * JSON bodies here take a faster path than the server's default parser, with the same checks: the same
 * depth limit; a body with a backslash (escapes) or a `__proto__`/`constructor` key text goes to the
 * default parser (prototype-poisoning refusal); any other body is parsed by `JSON.parse` alone, and the
 * prioritize answer then copies the node names into its JSON text without escaping them (none can
 * need it).
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { PowerplaneError } from '../../core/errors.js';
import { ErrEstimatorInvalidRequest } from '../errors.js';
import { MAX_JSON_DEPTH, jsonDepthExceeds } from '../../core/json-depth.js';
import type { SchedulerExtender } from './extender.js';
import { hostPriorityJson } from './wire.js';

/** Largest extender request body: the full-`Nodes` form of a few thousand nodes (nodeCacheCapable needs far less). */
export const SCHEDULER_MAX_BODY_BYTES = 64 << 20;
/** Prometheus text exposition content type. */
const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Registers the extender's routes in their own scope. */
export async function registerSchedulerRoutes(app: FastifyInstance, opts: { extender: SchedulerExtender; metricsAtRoot: boolean }): Promise<void> {
  const { extender } = opts;
  await app.register(async (scope) => {
    scope.setErrorHandler((err: FastifyError | PowerplaneError, req, reply) => {
      const send = (status: number, code: string, message: string, field: string) => reply.status(status).send({ code, message, field });
      if (err instanceof PowerplaneError) return send(err.status, err.code, err.message, String(err.details.field ?? 'body'));
      const code = ErrEstimatorInvalidRequest.definition.code;
      if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return send(413, code, `the body is larger than ${SCHEDULER_MAX_BODY_BYTES} bytes`, 'body');
      if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return send(415, code, 'the body must be application/json', 'content-type');
      if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500)
        return send(err.statusCode, code, `invalid request: ${err.message}`, 'body');
      req.log.error({ err }, 'scheduler extender: unexpected error');
      return send(400, code, 'the request could not be processed', 'body');
    });
    // bodies parsed by JSON.parse alone: their strings hold no character JSON must escape
    const plain = new WeakSet<object>();
    const checked = scope.getDefaultJsonParser('error', 'error');
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: SCHEDULER_MAX_BODY_BYTES }, (req, body, done) => {
      const text = body as string;
      if (jsonDepthExceeds(text, MAX_JSON_DEPTH))
        return done(ErrEstimatorInvalidRequest(`body: JSON is nested deeper than ${MAX_JSON_DEPTH} levels`, { field: 'body' }), undefined);
      if (text.includes('\\') || text.includes('__proto__') || text.includes('constructor')) return checked(req, text, done);
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return checked(req, text, done); // reports the syntax error as the server always does
      }
      if (typeof value === 'object' && value !== null) plain.add(value);
      done(null, value);
    });
    const json = (ct: string | undefined) => {
      if (!/^application\/json\s*(;|$)/i.test(ct ?? ''))
        throw Object.assign(ErrEstimatorInvalidRequest('the body must be application/json', { field: 'content-type' }), { status: 415 });
    };
    scope.post<{ Querystring: Record<string, unknown> }>('/scheduler/filter', { bodyLimit: SCHEDULER_MAX_BODY_BYTES }, async (req) => {
      json(req.headers['content-type']);
      return extender.filter(req.body, req.query);
    });
    scope.post<{ Querystring: Record<string, unknown> }>('/scheduler/prioritize', { bodyLimit: SCHEDULER_MAX_BODY_BYTES }, async (req, reply) => {
      json(req.headers['content-type']);
      const { names, scores } = await extender.prioritizeScores(req.body, req.query);
      const body = req.body;
      return reply
        .type('application/json; charset=utf-8')
        .send(hostPriorityJson(names, scores, typeof body === 'object' && body !== null && plain.has(body)));
    });
    const metrics = async (_req: unknown, reply: { header(k: string, v: string): { send(b: string): unknown } }) =>
      reply.header('content-type', PROMETHEUS_CONTENT_TYPE).send(extender.metrics.render());
    scope.get('/scheduler/metrics', metrics);
    if (opts.metricsAtRoot) scope.get('/metrics', metrics);
  });
}
