/**
 * @module estimator/routes
 * The WAO-compatible HTTP API:
 * - `POST /namespaces/{ns}/estimators/{name}/values/powerconsumption` `{cpu_milli, num_workloads}` →
 *   `{cpu_milli, num_workloads, watt_increases}` (+Inf as 1.7976931348623157e308; `?explain=true` adds
 *   the placement per k and, when a k cannot be placed, `infinite_reasons`: per node that cannot take even
 *   one workload, why);
 * - `GET /namespaces/{ns}/estimators/{name}/nodes` → each node's status, monitor freshness and predicted curve.
 * Errors are WAO's `{code, message}` (+ `field` for invalid requests); bad input is always a 4xx. An
 * estimation not ready within the deadline is a 503 `ErrEstimatorDeadlineExceeded` with `Retry-After`.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifyError } from 'fastify';
import { ERR_UNSUPPORTED_MEDIA_TYPE, PowerplaneError } from '../core/errors.js';
import { ErrClientUnauthorized, ErrEstimatorInvalidRequest, ErrServerEstimatorNotFound, ErrUnexpected } from './errors.js';
import type { Estimator } from './estimator.js';
import type { EstimatorRegistry } from './registry.js';
import { STATUS_KEYS } from './types.js';

/** Largest request body of the estimation route. */
export const MAX_BODY_BYTES = 64 * 1024;
/** How WAO encodes +Inf in JSON (Go's math.MaxFloat64). */
export const INF_WIRE = Number.MAX_VALUE;

/** Options of {@link registerEstimatorRoutes}. */
export interface EstimatorRouteOptions {
  registry: EstimatorRegistry;
  /** Required X-API-KEY value; empty for open access. */
  apiKey: string;
  maxWorkloads: number;
  /** Deadline of one estimation (ms): later answers are 503 with Retry-After. */
  deadlineMs?: number;
}

/** Replaces +Inf by 1.7976931348623157e308 for the wire. */
export function encodeInf(v: number): number {
  return v === Infinity ? INF_WIRE : v;
}

/** The integer ≥ 0 at `b[field]`, else ErrEstimatorInvalidRequest naming the field. */
function intField(b: Record<string, unknown>, field: string): number {
  const v = b[field];
  if (v === undefined || v === null) throw ErrEstimatorInvalidRequest(`${field} is required`, { field });
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw ErrEstimatorInvalidRequest(`${field} must be an integer`, { field });
  if (v < 0) throw ErrEstimatorInvalidRequest(`${field} must not be negative`, { field });
  return v;
}

/** A request of `{cpu_milli, num_workloads}` validated: integers ≥ 0 within the limits, else ErrEstimatorInvalidRequest naming the field. */
export function validateEstimateRequest(
  body: unknown,
  limits: { maxWorkloads: number; largestNodeMilli?: number },
): { cpuMilli: number; numWorkloads: number } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw ErrEstimatorInvalidRequest('the body must be a JSON object {cpu_milli, num_workloads}', { field: 'body' });
  const b = body as Record<string, unknown>;
  const cpuMilli = intField(b, 'cpu_milli');
  const numWorkloads = intField(b, 'num_workloads');
  if (b.watt_increases !== undefined && !Array.isArray(b.watt_increases))
    throw ErrEstimatorInvalidRequest('watt_increases must be an array when given', { field: 'watt_increases' });
  if (numWorkloads > limits.maxWorkloads)
    throw ErrEstimatorInvalidRequest(`num_workloads must be at most ${limits.maxWorkloads}`, { field: 'num_workloads' });
  if (limits.largestNodeMilli !== undefined && cpuMilli > limits.largestNodeMilli)
    throw ErrEstimatorInvalidRequest(`cpu_milli ${cpuMilli} is above the largest node (${limits.largestNodeMilli} mCPU allocatable)`, {
      field: 'cpu_milli',
    });
  return { cpuMilli, numWorkloads };
}

/** Parses a boolean query flag (`true`/`false`/`1`/`0`); ErrEstimatorInvalidRequest naming it otherwise. */
function boolParam(q: Record<string, unknown>, name: string): boolean {
  const v = q[name];
  if (v === undefined || v === 'false' || v === '0' || v === '') return false;
  if (v === 'true' || v === '1') return true;
  throw ErrEstimatorInvalidRequest(`${name} must be true or false`, { field: name });
}

/** Compares API keys in constant time. */
export function keyMatches(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Renders an error as WAO's `{code, message}` (+ `field`). */
function sendError(reply: FastifyReply, err: PowerplaneError): FastifyReply {
  const body: Record<string, unknown> = { code: err.code, message: err.message };
  if (typeof err.details.field === 'string') body.field = err.details.field;
  if (typeof err.details.retryAfterSeconds === 'number') reply.header('retry-after', String(err.details.retryAfterSeconds));
  return reply.status(err.status).send(body);
}

/** Registers the estimator routes in their own scope (own error handler and body limit). */
export async function registerEstimatorRoutes(app: FastifyInstance, opts: EstimatorRouteOptions): Promise<void> {
  await app.register(async (scope) => {
    scope.setErrorHandler((err: FastifyError | PowerplaneError, req, reply) => {
      if (ERR_UNSUPPORTED_MEDIA_TYPE.is(err) || err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
        return sendError(
          reply,
          Object.assign(ErrEstimatorInvalidRequest('the body must be application/json', { field: 'content-type' }), { status: 415 }),
        );
      if (err instanceof PowerplaneError) return sendError(reply, err);
      if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
        return sendError(
          reply.status(413),
          Object.assign(ErrEstimatorInvalidRequest(`the body is larger than ${MAX_BODY_BYTES} bytes`, { field: 'body' }), { status: 413 }),
        );
      if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500)
        return sendError(reply, ErrEstimatorInvalidRequest(`invalid request: ${err.message}`, { field: 'body' }));
      req.log.error({ err }, 'estimator: unexpected error');
      return sendError(reply, ErrUnexpected('unexpected error'));
    });

    // The key is checked before the body is read (no hook at all when access is open).
    const apiKey = opts.apiKey;
    if (apiKey) {
      scope.addHook('onRequest', async (req) => {
        const given = req.headers['x-api-key'];
        if (typeof given !== 'string' || !keyMatches(given, apiKey)) throw ErrClientUnauthorized('missing or invalid X-API-KEY');
      });
    }

    const lookup = (req: FastifyRequest<{ Params: { ns: string; name: string } }>): Estimator => {
      const est = opts.registry.get(req.params.ns, req.params.name);
      if (!est) throw ErrServerEstimatorNotFound(`estimator ${req.params.ns}/${req.params.name} not found`);
      return est;
    };

    scope.post<{ Params: { ns: string; name: string }; Querystring: Record<string, unknown> }>(
      '/namespaces/:ns/estimators/:name/values/powerconsumption',
      { bodyLimit: MAX_BODY_BYTES },
      async (req) => {
        const est = lookup(req);
        const explain = boolParam(req.query, 'explain');
        const { cpuMilli, numWorkloads } = validateEstimateRequest(req.body, {
          maxWorkloads: opts.maxWorkloads,
          largestNodeMilli: est.largestNodeMilli(),
        });
        const result = await est.estimate(cpuMilli, numWorkloads, { explain, deadlineMs: opts.deadlineMs });
        const out: Record<string, unknown> = {
          cpu_milli: cpuMilli,
          num_workloads: numWorkloads,
          watt_increases: result.watt_increases.map(encodeInf),
        };
        if (result.explain) out.explain = result.explain.map((e) => ({ ...e, watt_increase: encodeInf(e.watt_increase) }));
        // why, per node, when some k cannot be placed (only with explain: WAO's answer stays as it is)
        if (explain && result.watt_increases.includes(Infinity)) out.infinite_reasons = await est.infiniteReasons(cpuMilli);
        return out;
      },
    );

    scope.get<{ Params: { ns: string; name: string }; Querystring: Record<string, unknown> }>(
      '/namespaces/:ns/estimators/:name/nodes',
      async (req) => {
        const est = lookup(req);
        const q = req.query;
        const num = (name: string, dflt: number, max: number): number => {
          const v = q[name];
          if (v === undefined) return dflt;
          const n = Number(v);
          if (typeof v !== 'string' || !/^\d+$/.test(v) || n > max)
            throw ErrEstimatorInvalidRequest(`${name} must be an integer in 0..${max}`, { field: name });
          return n;
        };
        const cpuMilli = num('cpu_milli', 1000, 1_000_000);
        const n = num('num_workloads', 10, Math.min(100, opts.maxWorkloads));
        const now = Date.now();
        const nodes = await Promise.all(
          est.nodes.map(async (s) => {
            const status = s.status(now);
            const watts = await est.predictRow(s, cpuMilli, n);
            return {
              name: s.node.name,
              allocatableMilli: s.node.allocatableMilli ?? null,
              status: Object.fromEntries(STATUS_KEYS.filter((k) => status[k] !== undefined).map((k) => [k, status[k]])),
              monitors: s.records.map((r) => ({
                type: r.type,
                endpoint: r.endpoint ?? '',
                lastSuccess: r.lastSuccess ? new Date(r.lastSuccess).toISOString() : null,
                ageSeconds: r.lastSuccess ? (now - r.lastSuccess) / 1000 : null,
                stale: s.isStale(r, now),
                error: r.lastError ?? null,
              })),
              refreshIntervalSeconds: s.refreshMs / 1000,
              predictor: {
                type: s.predictor instanceof Error ? 'invalid' : s.predictor.type,
                error: s.predictor instanceof Error ? s.predictor.message : (s.lastPredictionError ?? null),
              },
              curve: { cpu_milli: cpuMilli, watts: Array.from(watts, encodeInf) },
            };
          }),
        );
        return { namespace: est.namespace, name: est.name, nodes };
      },
    );
  });
}
