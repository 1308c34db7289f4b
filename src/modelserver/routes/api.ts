/**
 * @module modelserver/routes/api
 * powerplane's own model routes: list, detail (plus the model file, weights, plot and archive), import
 * and delete of models, training jobs from a Prometheus URL or an uploaded CSV, and job status.
 * Write routes need the bearer token when one is configured.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { OutputType } from '../../models/types.js';
import { ERR_BAD_REQUEST } from '../../core/errors.js';
import { requireToken } from './auth.js';
import { attachmentDisposition } from './content-disposition.js';
import { ERR_JOB_NOT_FOUND, ERR_MODEL_NOT_FOUND } from '../errors.js';
import type { JobQueue } from '../training/jobs.js';
import { modelSummary, type ModelService } from './model-service.js';
import { parseFilter, rankModels } from '../store/selection.js';
import { idToLocation } from '../store/store.js';
import {
  badField,
  loadTrainingData,
  parseTrainFields,
  planOf,
  type RawTrainFields,
  type TrainRequest,
  type TrainSource,
} from '../training/train-request.js';
import { trainInWorker } from '../training/train-runner.js';
import { saveTrainingOutcome } from '../training/training-save.js';

/** What the API routes need. */
export interface ApiRouteOptions {
  svc: ModelService;
  jobs: JobQueue;
  token: string;
  /** Largest body of the upload routes (model archives, training CSV); others take 1 MiB. */
  maxBodyBytes: number;
  /** Prometheus base URLs training may read; any other `source.url` is refused. */
  prometheusUrls: readonly string[];
}

/** Splits the (already URL-decoded) wildcard of `/api/v1/models/*` into an id and an optional sub-resource. */
export function splitModelPath(path: string): { id: string; sub?: string } {
  const parts = path.split('/');
  if (parts.length === 6) return { id: parts.slice(0, 5).join('/'), sub: parts[5] };
  idToLocation(parts.join('/'));
  return { id: parts.join('/') };
}

/** The configured Prometheus URL that `url` names (trailing slashes ignored); 400 naming `source.url` otherwise. */
export function allowedPrometheusUrl(url: string, allowed: readonly string[]): string {
  const norm = (u: string) => u.trim().replace(/\/+$/, '');
  if (allowed.some((a) => norm(a) === norm(url))) return url;
  const hint =
    allowed.length === 0
      ? 'training from Prometheus over the API is off: list the Prometheus URLs it may read in modelServer.prometheusUrls (--model-server.prometheus-urls)'
      : `it may read only ${allowed.map(norm).join(', ')} (modelServer.prometheusUrls)`;
  throw ERR_BAD_REQUEST(`source.url ${JSON.stringify(url.slice(0, 200))} is not a configured Prometheus URL: ${hint}`, { field: 'source.url' });
}

function trainRequestFromHttp(req: FastifyRequest, prometheusUrls: readonly string[]): TrainRequest {
  const query = req.query as Record<string, string | undefined>;
  const isCsv = typeof req.body === 'string';
  const body = (isCsv ? {} : (req.body ?? {})) as Record<string, unknown>;
  if (!isCsv && (typeof req.body !== 'object' || Array.isArray(req.body)))
    throw ERR_BAD_REQUEST('body must be a JSON object or text/csv', { field: 'body' });
  const fields: RawTrainFields = isCsv ? (query as RawTrainFields) : (body as RawTrainFields);
  let source: TrainSource;
  if (isCsv) {
    source = { kind: 'csv-text', text: req.body as string, label: 'upload.csv' };
  } else {
    const s = body.source as Record<string, unknown> | undefined;
    if (typeof s !== 'object' || s === null)
      throw ERR_BAD_REQUEST('source must be {type: "prometheus", url, queries?} or {type: "csv", data}', { field: 'source' });
    if (s.type === 'prometheus') {
      if (typeof s.url !== 'string') throw ERR_BAD_REQUEST('source.url must be the Prometheus base URL', { field: 'source.url' });
      allowedPrometheusUrl(s.url, prometheusUrls);
      const queries = (s.queries ?? {}) as Record<string, unknown>;
      if (typeof queries !== 'object' || Array.isArray(queries) || !Object.values(queries).every((q) => typeof q === 'string')) {
        throw ERR_BAD_REQUEST('source.queries must map names to PromQL strings', { field: 'source.queries' });
      }
      source = { kind: 'prometheus', url: s.url, queries: queries as Record<string, string> };
    } else if (s.type === 'csv') {
      if (typeof s.data !== 'string' || s.data.length === 0) throw ERR_BAD_REQUEST('source.data must be the CSV text', { field: 'source.data' });
      source = { kind: 'csv-text', text: s.data, label: typeof s.name === 'string' ? s.name : 'upload.csv' };
    } else {
      throw ERR_BAD_REQUEST('source.type must be prometheus or csv', { field: 'source.type' });
    }
  }
  return parseTrainFields(source, fields, badField, (f) => (f === 'from' ? (isCsv ? 'body' : 'source.url') : f));
}

/** Registers `/api/v1/models…`, `/api/v1/train` and `/api/v1/jobs…`. */
export function registerApiRoutes(app: FastifyInstance, o: ApiRouteOptions): void {
  const { svc, jobs } = o;
  const guard = requireToken(o.token);

  app.get('/api/v1/models', async (req) => {
    const q = req.query as Record<string, string | undefined>;
    const nodeType = q.node_type !== undefined && q.node_type !== '' ? Number(q.node_type) : undefined;
    if (nodeType !== undefined && !Number.isInteger(nodeType)) throw ERR_BAD_REQUEST('node_type must be an integer', { field: 'node_type' });
    if (q.output_type && q.output_type !== 'AbsPower' && q.output_type !== 'DynPower')
      throw ERR_BAD_REQUEST('output_type must be AbsPower or DynPower', { field: 'output_type' });
    if (q.invalid !== undefined && q.invalid !== 'true' && q.invalid !== 'false')
      throw ERR_BAD_REQUEST('invalid must be true or false', { field: 'invalid' });
    if (q.invalid === 'true') {
      const invalid = await svc.store.listInvalid();
      return { total: invalid.length, models: invalid };
    }
    let models = await svc.store.list();
    if (q.output_type || q.energy_source || q.pipeline || q.feature_group || q.trainer || q.filter || nodeType !== undefined || q.features) {
      models = rankModels(models, {
        outputType: (q.output_type || undefined) as OutputType | undefined,
        energySource: q.energy_source || undefined,
        pipeline: q.pipeline || undefined,
        featureGroup: q.feature_group || undefined,
        trainerName: q.trainer || undefined,
        nodeType,
        looseNodeType: false,
        metrics: q.features ? q.features.split(',') : undefined,
        filter: parseFilter(q.filter),
      }).sort((a, b) => a.id.localeCompare(b.id));
    }
    if (q.name) models = models.filter((m) => m.metadata.model_name === q.name);
    return { total: models.length, models: models.map(modelSummary) };
  });

  app.get('/api/v1/models/*', async (req, reply) => {
    const { id, sub } = splitModelPath((req.params as { '*': string })['*']);
    const m = await svc.store.require(id);
    switch (sub) {
      case undefined:
        return { ...modelSummary(m), metadata: m.metadata };
      case 'model':
        return svc.store.readModel(id);
      case 'weight': {
        const w = await svc.store.readWeight(id);
        if (w === undefined) throw ERR_MODEL_NOT_FOUND(`model ${id} has no Kepler weights (only linear and curve-fit kinds do)`, { field: 'id' });
        return w;
      }
      case 'plot': {
        const svg = await svc.store.readPlot(id);
        if (svg === undefined) throw ERR_MODEL_NOT_FOUND(`model ${id} has no plot`, { field: 'id' });
        return reply.type('image/svg+xml').header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'").send(svg);
      }
      case 'archive':
        return reply
          .type('application/zip')
          .header('content-disposition', attachmentDisposition(`${m.metadata.model_name}.zip`))
          .send(await svc.store.archive(id));
      default:
        throw ERR_BAD_REQUEST(`unknown model resource ${JSON.stringify(sub)} (model, weight, plot, archive)`, { field: 'id' });
    }
  });

  app.register(async (scope) => {
    scope.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: o.maxBodyBytes }, (_req, body, done) => done(null, body));
    scope.addContentTypeParser(
      ['application/zip', 'application/octet-stream'],
      { parseAs: 'buffer', bodyLimit: o.maxBodyBytes },
      (_req, body, done) => done(null, body),
    );

    scope.delete('/api/v1/models/*', { onRequest: guard }, async (req) => {
      const { id, sub } = splitModelPath((req.params as { '*': string })['*']);
      if (sub !== undefined) throw ERR_BAD_REQUEST('delete a model by its id', { field: 'id' });
      if (!(await svc.store.delete(id))) throw ERR_MODEL_NOT_FOUND(`model ${id} not found`, { field: 'id' });
      svc.forget(id);
      return { deleted: id };
    });

    scope.put('/api/v1/models/*', { onRequest: guard, bodyLimit: o.maxBodyBytes }, async (req, reply) => {
      const { id, sub } = splitModelPath((req.params as { '*': string })['*']);
      if (sub !== undefined) throw ERR_BAD_REQUEST('upload a model archive to its id', { field: 'id' });
      if (!Buffer.isBuffer(req.body)) throw ERR_BAD_REQUEST('the body must be a model archive (Content-Type: application/zip)', { field: 'body' });
      const saved = await svc.store.importArchive(idToLocation(id), req.body);
      svc.forget(id);
      return reply.status(201).send(modelSummary(saved));
    });

    scope.post('/api/v1/train', { onRequest: guard, bodyLimit: o.maxBodyBytes }, async (req, reply) => {
      const tr = trainRequestFromHttp(req, o.prometheusUrls);
      const summary = {
        source:
          tr.source.kind === 'prometheus'
            ? { type: 'prometheus', url: tr.source.url }
            : { type: 'csv', bytes: tr.source.kind === 'csv-text' ? Buffer.byteLength(tr.source.text) : 0 },
        start: tr.start,
        end: tr.end,
        features: tr.features,
        target: tr.target,
        trainers: tr.trainers,
        folds: tr.folds,
        output_type: tr.outputType,
        pipeline: tr.pipeline,
      };
      const job = jobs.submit(summary, async (report, signal) => {
        report(0, 1, 'loading data');
        const sourced = await loadTrainingData(tr);
        signal.throwIfAborted();
        const { plan, save } = planOf(tr, sourced);
        const outcome = await trainInWorker(sourced.data, plan, (d, t, label) => report(d, t + 1, label), signal);
        report(plan.trainers.length * 2, plan.trainers.length * 2 + 1, 'saving models');
        const result = await saveTrainingOutcome(svc.store, outcome, plan, save);
        for (const t of result.trainers) if (t.id) svc.forget(t.id);
        return { ...result, notes: sourced.notes, span: sourced.span };
      });
      return reply.status(202).header('location', `/api/v1/jobs/${job.id}`).send(job);
    });
  });

  app.get('/api/v1/jobs', async () => ({ jobs: jobs.list() }));
  app.get('/api/v1/jobs/:id', async (req) => {
    const { id } = req.params as { id: string };
    const job = jobs.get(id);
    if (!job) throw ERR_JOB_NOT_FOUND(`no job ${id.slice(0, 100)}`, { field: 'id' });
    return job;
  });
}
