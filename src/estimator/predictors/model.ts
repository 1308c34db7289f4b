/**
 * @module estimator/predictors/model
 * The `Model` predictor: any model of a powerplane model server (or any Open Inference Protocol v2
 * server), by name: `endpoint` = `http://host:8100/v2/models/{name}[/versions/{v}]`. It reads the model's
 * metadata once (`GET …/v2/models/{name}`) for its ordered input features (`parameters.features` with one
 * input tensor of shape [n, features], or one input per feature of shape [n, 1]), then predicts all
 * requested points of a node in ONE batched `…/infer` call (FP64). Node watts per row: the sum over
 * the columns of a single output, or, for one output per component, `platform` else the zones that do
 * not nest (package + dram; core and uncore are inside package).
 * `endpoint: file:///path/weights.json` uses a local Kepler weight file instead (kepler-file.ts).
 *
 * Features it can fill from the node status, after adding the request:
 * `cpu_busy_ratio`/`cpu_usage_ratio`/`cpu_usage` (0..1, `cpuUsage + request/(logicalProcessors·1000)`),
 * `bpf_cpu_time_ms` (CPU ms per second = ratio·logicalProcessors·1000), `logical_processors`,
 * `ambient_temp`/`inlet_temp`, `static_pressure_diff`/`delta_p`. Any other feature fails the prediction,
 * naming the feature.
 */
import { ErrNodeStatus } from '../errors.js';
import { asNumber, fetchJson } from '../http-client.js';
import type { NodeStatus, PowerPredictor } from '../types.js';
import { parseV2Endpoint, requireStatus, type HttpPredictorOptions } from './mlserver.js';
import { sharedEndpointBackoff } from './backoff.js';
import { nodeWatts } from './node-watts.js';
import { fileURLToPath } from 'node:url';
import type { PredictorModule } from './registry.js';

/** The feature value for a node status at busy ratio `ratio`; throws ErrNodeStatus for unknown features. */
export function featureValue(feature: string, ratio: number, s: NodeStatus): number {
  switch (feature) {
    case 'cpu_busy_ratio':
    case 'cpu_usage_ratio':
    case 'cpu_usage':
      return ratio;
    case 'bpf_cpu_time_ms':
      return ratio * requireStatus(s, ['logicalProcessors']).logicalProcessors * 1000;
    case 'logical_processors':
      return requireStatus(s, ['logicalProcessors']).logicalProcessors;
    case 'ambient_temp':
    case 'inlet_temp':
      return requireStatus(s, ['ambientTemp']).ambientTemp;
    case 'static_pressure_diff':
    case 'delta_p':
      return requireStatus(s, ['staticPressureDiff']).staticPressureDiff;
    default:
      throw ErrNodeStatus(`the model needs feature ${feature}, which no node monitor provides`);
  }
}

/**
 * Node watts per row from v2 outputs (each flat or nested, `rows` rows): one output → the sum of its
 * columns; several outputs named by component → {@link nodeWatts} (platform, else the non-nested zones).
 */
export function rowSums(body: unknown, rows: number): number[] {
  const outputs = (body as { outputs?: { name?: unknown; data?: unknown }[] } | null)?.outputs;
  if (!Array.isArray(outputs) || outputs.length === 0) throw new Error('the answer has no outputs');
  if (outputs.length > 1) {
    const per = outputs.map((o) => rowSums({ outputs: [o] }, rows));
    return Array.from({ length: rows }, (_v, r) => nodeWatts(Object.fromEntries(outputs.map((o, i) => [String(o.name ?? i), per[i][r]]))));
  }
  const sums = new Array<number>(rows).fill(0);
  for (const o of outputs) {
    const flat = Array.isArray(o?.data) ? (o.data as unknown[]).flat(4) : [];
    if (flat.length === 0 || flat.length % rows !== 0) throw new Error(`an output has ${flat.length} values for ${rows} rows`);
    const per = flat.length / rows;
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < per; c++) {
        const v = asNumber(flat[r * per + c]);
        if (v === undefined) throw new Error('an output value is not a number');
        sums[r] += v;
      }
  }
  return sums;
}

/** Creates the `Model` predictor over a v2 inference endpoint. */
export function createModelPredictor(opts: HttpPredictorOptions): PowerPredictor {
  const target = parseV2Endpoint(opts.endpoint);
  const metaUrl = target.inferUrl.replace(/\/infer$/, '');
  const backoff = opts.backoff ?? sharedEndpointBackoff;
  let meta: Promise<{ input: string; features: string[]; perFeature: boolean }> | undefined;
  const http = { timeoutMs: opts.timeoutMs, basicAuth: opts.basicAuth, insecureSkipVerify: opts.insecureSkipVerify };
  const metadata = (signal: AbortSignal) => {
    meta ??= (async () => {
      const m = (await backoff.call(target.inferUrl, signal, () => fetchJson(metaUrl, { ...http, signal }))) as {
        inputs?: { name?: string }[];
        parameters?: { features?: unknown };
      } | null;
      const inputs = Array.isArray(m?.inputs) ? m.inputs : [];
      const fromParams = Array.isArray(m?.parameters?.features) ? (m.parameters.features as unknown[]).map(String) : undefined;
      const features = fromParams ?? (inputs.length > 1 ? inputs.map((i) => String(i.name)) : []);
      if (features.length === 0) throw new Error(`model metadata at ${metaUrl} lists no features`);
      return { input: String(inputs[0]?.name ?? 'input-0'), features, perFeature: !fromParams };
    })();
    meta.catch(() => {
      meta = undefined;
    });
    return meta;
  };
  return {
    type: 'Model',
    identity: () => `Model|${target.inferUrl}`,
    async predict(reqs, status, _node, signal) {
      const { input, features, perFeature } = await metadata(signal);
      const s = requireStatus(status, ['cpuUsage', 'logicalProcessors']);
      const rows = reqs.map((r) => {
        const ratio = s.cpuUsage + r / (s.logicalProcessors * 1000);
        return features.map((f) => featureValue(f, ratio, status));
      });
      return backoff.call(target.inferUrl, signal, async () => {
        const body = await fetchJson(target.inferUrl, {
          ...http,
          signal,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            inputs: perFeature
              ? features.map((f, i) => ({ name: f, shape: [rows.length, 1], datatype: 'FP64', data: rows.map((r) => [r[i]]) }))
              : [{ name: input, shape: [rows.length, features.length], datatype: 'FP64', data: rows }],
          }),
        });
        return rowSums(body, rows.length);
      });
    },
  };
}

/**
 * The `Model` entry of the predictor registry: a model server's model, or with a `file:` endpoint a
 * Kepler weight file (whose loader, with the model library, is imported only then).
 */
export const createPowerPredictor: PredictorModule['createPowerPredictor'] = async ({ spec, connection }) => {
  if (spec.endpoint?.startsWith('file:')) return (await import('./kepler-file.js')).createKeplerFilePredictor(fileURLToPath(spec.endpoint));
  return createModelPredictor(await connection());
};
