/**
 * @module modelserver/client
 * A client of the model server: list and inspect models, run Open Inference Protocol v2 inference, ask
 * the Kepler-compatible `/model` route for the best model, and fetch a model to predict locally.
 * {@link modelServerPredictor} gives the agent's model meter a {@link NodePowerPredictor} for
 * `model.serverUrl` + `model.name`.
 */
import type { NodePowerPredictor, FeatureVector } from '../core/contracts.js';
import { ERR_BAD_REQUEST, ERR_UPSTREAM, errorMessage } from '../core/errors.js';
import { deserializeModel } from '../models/registry.js';
import type { SerializedModel } from '../models/types.js';
import { ERR_MODEL_AMBIGUOUS, ERR_MODEL_NOT_FOUND } from './errors.js';
import type { ModelMetadata } from './store/metadata.js';
import type { ModelSummary } from './routes/model-service.js';
import type { V2InferResponse, V2ModelMetadata, V2Tensor } from './routes/v2-protocol.js';

/** Options of {@link ModelServerClient}. */
export interface ModelServerClientOptions {
  /** Bearer token for write routes. */
  token?: string;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
}

/** Kepler's `/model` request body. */
export interface KeplerModelRequest {
  metrics?: string[];
  output_type?: 'AbsPower' | 'DynPower';
  source?: string;
  node_type?: number;
  weight?: boolean;
  trainer_name?: string;
  filter?: string;
  pipeline_name?: string;
  machine_spec?: Record<string, unknown>;
  loose_node_type?: boolean;
}

/** Talks to one model server. */
export class ModelServerClient {
  readonly baseUrl: string;
  private readonly token: string;
  private readonly timeoutMs: number;

  constructor(baseUrl: string, opts: ModelServerClientOptions = {}) {
    let u: URL;
    try {
      u = new URL(baseUrl);
    } catch {
      throw ERR_BAD_REQUEST(`${JSON.stringify(baseUrl)} is not a URL`, { field: 'url' });
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:')
      throw ERR_BAD_REQUEST(`model server URL must be http or https, got ${u.protocol}`, { field: 'url' });
    this.baseUrl = u.href.replace(/\/+$/, '');
    this.token = opts.token ?? '';
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  private async request(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(this.baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw ERR_UPSTREAM(`model server ${this.baseUrl} did not answer: ${errorMessage(err)}`, { field: 'url' }, { cause: err });
    }
    if (res.ok) return res;
    const text = await res.text();
    let message = text.slice(0, 500);
    try {
      const j = JSON.parse(text) as { message?: string; error?: string };
      message = j.message ?? j.error ?? message;
    } catch {
      // not JSON: keep the text
    }
    if (res.status === 404) throw ERR_MODEL_NOT_FOUND(`${this.baseUrl}${path}: ${message}`, { field: 'name' });
    if (res.status === 409) throw ERR_MODEL_AMBIGUOUS(message, { field: 'name' });
    throw ERR_UPSTREAM(`model server answered ${res.status} for ${method} ${path}: ${message}`, { field: 'url', status: res.status });
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await (await this.request(method, path, body)).json()) as T;
  }

  /** `GET /api/v1/models` with optional filters (`energy_source`, `output_type`, `filter`, `name`, …). */
  async list(query: Record<string, string> = {}): Promise<ModelSummary[]> {
    const qs = new URLSearchParams(query).toString();
    return (await this.json<{ models: ModelSummary[] }>('GET', `/api/v1/models${qs ? `?${qs}` : ''}`)).models;
  }

  /** `GET /api/v1/models/{id}`: summary plus the full metadata. */
  async get(id: string): Promise<ModelSummary & { metadata: ModelMetadata }> {
    return this.json('GET', `/api/v1/models/${id.split('/').map(encodeURIComponent).join('/')}`);
  }

  /** Resolves a model name (unique) or id to its summary. */
  async resolve(nameOrId: string): Promise<ModelSummary> {
    if (nameOrId.includes('/')) return this.get(nameOrId);
    const found = await this.list({ name: nameOrId });
    if (found.length === 0) throw ERR_MODEL_NOT_FOUND(`the model server has no model named ${nameOrId}`, { field: 'name' });
    if (found.length > 1)
      throw ERR_MODEL_AMBIGUOUS(`${found.length} models are named ${nameOrId}; use an id: ${found.map((m) => m.id).join(', ')}`, { field: 'name' });
    return found[0];
  }

  /** The serialized model (`model.json`) of a model name or id. */
  async fetchModel(nameOrId: string): Promise<{ summary: ModelSummary; model: SerializedModel }> {
    const summary = await this.resolve(nameOrId);
    const model = await this.json<SerializedModel>('GET', `/api/v1/models/${summary.id.split('/').map(encodeURIComponent).join('/')}/model`);
    return { summary, model };
  }

  /** `GET /v2/models/{name}`. */
  async metadata(name: string): Promise<V2ModelMetadata> {
    return this.json('GET', `/v2/models/${encodeURIComponent(name)}`);
  }

  /** `POST /v2/models/{name}[/versions/{v}]/infer`; `rows` (rows × features) are sent as one FP64 tensor. */
  async infer(name: string, input: number[][] | V2Tensor[], version?: string): Promise<V2InferResponse> {
    const isRows = input.length > 0 && Array.isArray((input as number[][])[0]);
    const inputs: V2Tensor[] = isRows
      ? [{ name: 'input-0', shape: [input.length, (input as number[][])[0].length], datatype: 'FP64', data: (input as number[][]).flat() }]
      : (input as V2Tensor[]);
    const path = `/v2/models/${encodeURIComponent(name)}${version !== undefined ? `/versions/${encodeURIComponent(version)}` : ''}/infer`;
    return this.json('POST', path, { inputs });
  }

  /** Kepler's `POST /model`: the weight JSON (`weight: true`) or the archive bytes and the chosen model's id. */
  async bestModel(req: KeplerModelRequest): Promise<{ weight?: Record<string, unknown>; archive?: Buffer; id?: string }> {
    const res = await this.request('POST', '/model', req);
    if (req.weight) return { weight: (await res.json()) as Record<string, unknown> };
    return { archive: Buffer.from(await res.arrayBuffer()), id: res.headers.get('x-model-id') ?? undefined };
  }
}

/**
 * Fetches a model from a model server once and predicts locally: the agent's model meter uses this for
 * `model.serverUrl` + `model.name`. As with Kepler weights, a feature missing from the input counts as
 * 0 and predicted watts are clamped at 0.
 */
export async function modelServerPredictor(url: string, name: string, opts: ModelServerClientOptions = {}): Promise<NodePowerPredictor> {
  if (!name) throw ERR_BAD_REQUEST('a model name is needed to fetch a model from the model server', { field: 'model.name' });
  const client = new ModelServerClient(url, opts);
  const { summary, model: json } = await client.fetchModel(name);
  const model = await deserializeModel(json);
  return {
    name: `server:${summary.id}`,
    features: model.features,
    predict(fv: FeatureVector): Record<string, number> {
      const row = model.features.map((f) => {
        const v = fv[f];
        return typeof v === 'number' && Number.isFinite(v) ? v : 0;
      });
      const [p] = model.predict([row]);
      return Object.fromEntries(model.components.map((c, k) => [c, Math.max(0, p[k])]));
    },
  };
}
