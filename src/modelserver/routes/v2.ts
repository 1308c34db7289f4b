/**
 * @module modelserver/routes/v2
 * The Open Inference Protocol (KServe V2) REST routes over every stored model, so KServe/MLServer
 * clients and WAO's MLServer predictor can call them. A model is named by its unique model name or its
 * id (URL-encoded); its version is the metadata `version`. Errors answer `{"error": "..."}` with a 4xx
 * status, as the protocol says.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { PowerplaneError } from '../../core/errors.js';
import { versionInfo } from '../../core/version.js';
import { ERR_MODEL_NOT_FOUND } from '../errors.js';
import type { ModelService } from './model-service.js';
import type { StoredModel } from '../store/store.js';
import { buildInferResponse, buildModelMetadata, inputsToRows, outputDatatype, parseInferRequest } from './v2-protocol.js';

/** Registers `/v2…` routes. */
export function registerV2Routes(app: FastifyInstance, svc: ModelService): void {
  app.register(async (v2) => {
    v2.setErrorHandler((err: FastifyError | PowerplaneError, req, reply) => {
      const status = err instanceof PowerplaneError ? err.status : typeof err.statusCode === 'number' ? err.statusCode : 500;
      if (status >= 500) req.log.error({ err }, 'v2 request failed');
      return reply.status(status).send({ error: status >= 500 ? 'internal error' : err.message });
    });

    const resolve = async (name: string, version?: string): Promise<StoredModel> => {
      const m = await svc.resolve(name);
      if (version !== undefined && version !== m.metadata.version) {
        throw ERR_MODEL_NOT_FOUND(`model ${name} has no version ${JSON.stringify(version)} (versions: ${m.metadata.version})`, { field: 'version' });
      }
      return m;
    };
    const metadata = (m: StoredModel) =>
      buildModelMetadata(
        m.metadata.model_name,
        [m.metadata.version],
        `powerplane-${m.metadata.model_class}`,
        m.metadata.features,
        m.metadata.components,
      );
    type P = { name: string; version?: string };

    v2.get('/v2', async () => ({ name: 'powerplane-model-server', version: versionInfo().version, extensions: [] }));
    v2.get('/v2/health/live', async () => ({ live: true }));
    v2.get('/v2/health/ready', async () => {
      await svc.store.list();
      return { ready: true };
    });
    for (const base of ['/v2/models/:name', '/v2/models/:name/versions/:version']) {
      v2.get(base, async (req) => {
        const p = req.params as P;
        return metadata(await resolve(p.name, p.version));
      });
      v2.get(`${base}/ready`, async (req) => {
        const p = req.params as P;
        const m = await resolve(p.name, p.version);
        await svc.load(m);
        return { name: m.metadata.model_name, ready: true };
      });
      v2.post(`${base}/infer`, async (req) => {
        const p = req.params as P;
        const m = await resolve(p.name, p.version);
        const request = parseInferRequest(req.body);
        const model = await svc.load(m);
        const rows = inputsToRows(request.inputs, model.features);
        const predictions = model.predict(rows);
        return buildInferResponse({
          modelName: m.metadata.model_name,
          modelVersion: m.metadata.version,
          components: model.components,
          predictions,
          datatype: outputDatatype(request.inputs),
          requested: request.outputs,
          id: request.id,
        });
      });
    }
  });
}
