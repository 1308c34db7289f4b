/**
 * @module modelserver/routes/kepler
 * Kepler-compatible model routes: `POST /model` (the request Kepler's estimator and exporter send) and
 * `GET /best-models`, with the upstream defects fixed (see `selection.ts`). `weight: true` answers
 * the Kepler weight JSON (with `model_name`, `machine_spec` and `mae` always added); otherwise the
 * model archive (zip), as an attachment.
 */
import type { FastifyInstance } from 'fastify';
import type { OutputType } from '../../models/types.js';
import { ERR_BAD_REQUEST } from '../../core/errors.js';
import { ERR_MODEL_NO_MATCH } from '../errors.js';
import { parseMachineSpec } from '../training/train-request.js';
import { bestModel, bestModelsByGroup, parseFilter, type ModelQuery } from '../store/selection.js';
import type { ModelService } from './model-service.js';
import { attachmentDisposition, headerSafeId } from './content-disposition.js';

const bad = (message: string, field: string): never => {
  throw ERR_BAD_REQUEST(message, { field });
};

function optString(b: Record<string, unknown>, field: string): string | undefined {
  const v = b[field];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') bad(`${field} must be a string`, field);
  return v as string;
}

function optOutputType(v: string | undefined, field: string): OutputType | undefined {
  if (v === undefined) return undefined;
  if (v !== 'AbsPower' && v !== 'DynPower') bad(`${field} must be AbsPower or DynPower, got ${JSON.stringify(v)}`, field);
  return v as OutputType;
}

function optNodeType(v: unknown, field: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(n) || n < -1) bad(`${field} must be an integer ≥ -1`, field);
  return n;
}

/** Parses Kepler's `ModelRequest` body into a query. */
export function keplerModelQuery(body: unknown): { query: ModelQuery; weight: boolean } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) bad('the body must be a JSON object (Kepler ModelRequest)', 'body');
  const b = body as Record<string, unknown>;
  let metrics: string[] | undefined;
  if (b.metrics !== undefined && b.metrics !== null) {
    if (!Array.isArray(b.metrics) || !b.metrics.every((m) => typeof m === 'string')) bad('metrics must be an array of feature names', 'metrics');
    metrics = b.metrics as string[];
  }
  for (const f of ['weight', 'loose_node_type'] as const) if (b[f] !== undefined && typeof b[f] !== 'boolean') bad(`${f} must be a boolean`, f);
  let machineSpec;
  if (b.machine_spec !== undefined && b.machine_spec !== null) {
    if (typeof b.machine_spec !== 'object' || Array.isArray(b.machine_spec)) bad('machine_spec must be an object', 'machine_spec');
    const known = Object.fromEntries(
      Object.entries(b.machine_spec as Record<string, unknown>).filter(
        ([k, v]) => ['processor', 'vendor', 'cores', 'chips', 'memory', 'frequency', 'threads_per_core'].includes(k) && v !== null && v !== '',
      ),
    );
    machineSpec = parseMachineSpec(known, (m) => bad(`machine_spec: ${m}`, 'machine_spec'));
  }
  const query: ModelQuery = {
    metrics,
    outputType: optOutputType(optString(b, 'output_type'), 'output_type'),
    energySource: optString(b, 'source') ?? 'rapl-sysfs',
    pipeline: optString(b, 'pipeline_name'),
    nodeType: optNodeType(b.node_type, 'node_type') ?? -1,
    looseNodeType: b.loose_node_type !== false,
    machineSpec,
    trainerName: optString(b, 'trainer_name'),
    weightOnly: b.weight === true,
    filter: parseFilter(optString(b, 'filter')),
  };
  return { query, weight: b.weight === true };
}

/** Registers `POST /model` and `GET /best-models`. */
export function registerKeplerRoutes(app: FastifyInstance, svc: ModelService): void {
  app.post('/model', async (req, reply) => {
    const { query, weight } = keplerModelQuery(req.body);
    // the selection index narrows the candidates to the query's source and output type
    const candidates =
      query.outputType && query.energySource ? await svc.store.findBySelection(query.energySource, query.outputType) : await svc.store.list();
    const m = bestModel(candidates, query);
    if (!m) {
      throw ERR_MODEL_NO_MATCH(
        `cannot find model for ${query.outputType ?? 'any output'} from ${query.energySource} with metrics ${(query.metrics ?? []).join(',') || '(any)'} at the moment`,
        { field: 'body' },
      );
    }
    if (weight) {
      const w = (await svc.store.readWeight(m.id)) as Record<string, unknown>;
      return {
        ...w,
        model_name: m.metadata.model_name,
        ...(m.metadata.machine_spec ? { machine_spec: m.metadata.machine_spec } : {}),
        ...(m.metadata.accuracy ? { mae: m.metadata.accuracy.aggregate.mae } : {}),
      };
    }
    const zip = await svc.store.archive(m.id);
    return reply
      .type('application/zip')
      .header('content-disposition', attachmentDisposition(`${m.metadata.model_name}.zip`))
      .header('x-model-id', headerSafeId(m.id))
      .send(zip);
  });

  app.get('/best-models', async (req) => {
    const q = req.query as Record<string, string | undefined>;
    const nodeType = optNodeType(q['node-type'], 'node-type');
    const found = bestModelsByGroup(await svc.store.list(), {
      energySource: q['energy-source'] || 'rapl-sysfs',
      outputType: optOutputType(q['output-type'] || undefined, 'output-type'),
      featureGroup: q['feature-group'] || undefined,
      pipeline: q['pipeline-name'] || undefined,
      nodeType,
      looseNodeType: false,
      filter: parseFilter(q.filter, 'filter'),
    });
    if (Object.keys(found).length === 0) throw ERR_MODEL_NO_MATCH('no model matches', { field: 'query' });
    return Object.fromEntries(
      Object.entries(found).map(([ot, groups]) => [ot, Object.fromEntries(Object.entries(groups).map(([g, m]) => [g, m.metadata.model_name]))]),
    );
  });
}
