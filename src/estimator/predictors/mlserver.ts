/**
 * @module estimator/predictors/mlserver
 * The `MLServer` predictor: WAO's Open Inference Protocol v2 call. The endpoint names model and version
 * (`http://h:8080/v2/models/model1/versions/v0.1.0/infer`; a trailing `/infer` or `/` is optional, the
 * version may be left out). Per request it POSTs
 * `{"inputs":[{"name":"predict-prob","shape":[1,3],"datatype":"FP32","data":[[cpu,amb,dp]]}]}` with
 * `cpu = cpuUsage + request/(logicalProcessors·1000)`, and reads watts from `outputs[0].data[0]`.
 * It needs `cpuUsage`, `logicalProcessors`, `ambientTemp` and `staticPressureDiff` in the status.
 * A failing endpoint is backed off (see `backoff.ts`): further requests fail at once until its delay passed.
 */
import { ErrNodeStatus, ErrPCPredictorNotFound } from '../errors.js';
import { asNumber, fetchJson } from '../http-client.js';
import type { BasicAuth, NodeStatus, PowerPredictor } from '../types.js';
import { sharedEndpointBackoff, type EndpointBackoff } from './backoff.js';
import type { PredictorModule } from './registry.js';

/** Where an MLServer endpoint points. */
export interface V2Target {
  /** `scheme://host[:port]`. */
  origin: string;
  model: string;
  version?: string;
  /** The URL requests are POSTed to. */
  inferUrl: string;
}

/** Parses a v2 endpoint (`{origin}/v2/models/{model}[/versions/{version}][/infer]`); throws ErrPCPredictorNotFound. */
export function parseV2Endpoint(endpoint: string): V2Target {
  let u: URL;
  try {
    u = new URL(endpoint);
  } catch {
    throw ErrPCPredictorNotFound(`predictor endpoint ${JSON.stringify(endpoint)} is not an absolute URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw ErrPCPredictorNotFound(`predictor endpoint ${endpoint} must be http or https`);
  const seg = u.pathname.split('/').filter((s) => s !== '');
  const i = seg.indexOf('models');
  const model = i >= 0 ? seg[i + 1] : undefined;
  if (i < 0 || !model || model === 'infer')
    throw ErrPCPredictorNotFound(`predictor endpoint ${endpoint} does not name a model (…/v2/models/{model}[/versions/{version}])`);
  const version = seg[i + 2] === 'versions' ? seg[i + 3] : undefined;
  if (seg[i + 2] === 'versions' && (!version || version === 'infer'))
    throw ErrPCPredictorNotFound(`predictor endpoint ${endpoint} has an empty version`);
  const prefix = seg.slice(0, i).join('/');
  const path = `${prefix ? '/' + prefix : ''}/models/${model}${version ? `/versions/${version}` : ''}`;
  return { origin: u.origin, model, version, inferUrl: `${u.origin}${path}/infer` };
}

/** The request body WAO sends for one prediction. */
export function mlserverRequest(
  cpu: number,
  ambientTemp: number,
  staticPressureDiff: number,
): { inputs: { name: string; shape: number[]; datatype: string; data: number[][] }[] } {
  return {
    inputs: [
      {
        name: 'predict-prob',
        shape: [1, 3],
        datatype: 'FP32',
        data: [[Math.fround(cpu), Math.fround(ambientTemp), Math.fround(staticPressureDiff)]],
      },
    ],
  };
}

/** Reads `outputs[0].data[0]` (flat or nested) as watts; throws when absent. */
export function mlserverWatts(body: unknown): number {
  const outputs = (body as { outputs?: { data?: unknown }[] } | null)?.outputs;
  let d: unknown = Array.isArray(outputs) ? outputs[0]?.data : undefined;
  while (Array.isArray(d)) d = d[0];
  const w = asNumber(d);
  if (w === undefined) throw new Error('the answer has no outputs[0].data[0]');
  return w;
}

/** Reads the status values WAO's MLServer predictor needs; throws ErrNodeStatus naming the missing one. */
export function requireStatus(status: NodeStatus, keys: readonly (keyof NodeStatus)[]): Required<NodeStatus> {
  for (const k of keys) if (status[k] === undefined || !Number.isFinite(status[k])) throw ErrNodeStatus(`node status ${k} is missing`);
  return status as Required<NodeStatus>;
}

/** Options of {@link createMlserverPredictor}. */
export interface HttpPredictorOptions {
  endpoint: string;
  basicAuth?: BasicAuth;
  insecureSkipVerify: boolean;
  timeoutMs: number;
  /** Parallel requests per node (default 4). */
  concurrency?: number;
  /** Back-off of failing endpoints (default: the one shared by the process). */
  backoff?: EndpointBackoff;
}

/** Creates the `MLServer` predictor; throws ErrPCPredictorNotFound for an unusable endpoint. */
export function createMlserverPredictor(opts: HttpPredictorOptions): PowerPredictor {
  const target = parseV2Endpoint(opts.endpoint);
  const concurrency = opts.concurrency ?? 4;
  const backoff = opts.backoff ?? sharedEndpointBackoff;
  return {
    type: 'MLServer',
    identity: () => `MLServer|${target.inferUrl}`,
    async predict(reqs, status, _node, signal) {
      const s = requireStatus(status, ['cpuUsage', 'logicalProcessors', 'ambientTemp', 'staticPressureDiff']);
      if (s.logicalProcessors <= 0) throw ErrNodeStatus('node status logicalProcessors must be positive');
      const out = new Array<number>(reqs.length);
      let next = 0;
      const worker = async () => {
        while (next < reqs.length) {
          const j = next++;
          const cpu = s.cpuUsage + reqs[j] / (s.logicalProcessors * 1000);
          out[j] = await backoff.call(target.inferUrl, signal, async () =>
            mlserverWatts(
              await fetchJson(target.inferUrl, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify(mlserverRequest(cpu, s.ambientTemp, s.staticPressureDiff)),
                timeoutMs: opts.timeoutMs,
                signal,
                basicAuth: opts.basicAuth,
                insecureSkipVerify: opts.insecureSkipVerify,
              }),
            ),
          );
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, reqs.length) }, worker));
      return out;
    },
  };
}

/** The `MLServer` entry of the predictor registry. */
export const createPowerPredictor: PredictorModule['createPowerPredictor'] = async ({ connection }) => createMlserverPredictor(await connection());
