/**
 * @module modelserver/routes/v2-protocol
 * The Open Inference Protocol (KServe V2) REST messages, as pure functions: validating an infer
 * request, turning its tensors into model rows, and building the infer response and model metadata.
 * Inputs map to a model's features by name (one tensor per feature, shape [N] or [N,1]), or a single
 * tensor of shape [N,F] (or [F]) holds rows in feature order — which is how the WAO MLServer predictor
 * sends `predict-prob` (FP32, shape [1,3], nested data).
 */
import { ERR_BAD_REQUEST } from '../../core/errors.js';

/** Numeric datatypes accepted in inputs. */
export const V2_NUMERIC_DATATYPES = ['FP16', 'FP32', 'FP64', 'INT8', 'INT16', 'INT32', 'INT64', 'UINT8', 'UINT16', 'UINT32', 'UINT64'] as const;
/** A numeric datatype. */
export type V2Datatype = (typeof V2_NUMERIC_DATATYPES)[number];

/** A tensor in a request or response. */
export interface V2Tensor {
  name: string;
  shape: number[];
  datatype: string;
  data: unknown;
  parameters?: Record<string, unknown>;
}

/** `POST …/infer` request. */
export interface V2InferRequest {
  id?: string;
  parameters?: Record<string, unknown>;
  inputs: V2Tensor[];
  outputs?: Array<{ name: string; parameters?: Record<string, unknown> }>;
}

/** `POST …/infer` response. */
export interface V2InferResponse {
  model_name: string;
  model_version?: string;
  id?: string;
  outputs: Array<{ name: string; shape: number[]; datatype: string; data: number[] }>;
}

/** Tensor metadata in `GET /v2/models/{name}`. */
export interface V2TensorMetadata {
  name: string;
  datatype: string;
  shape: number[];
}

/** `GET /v2/models/{name}`. */
export interface V2ModelMetadata {
  name: string;
  versions: string[];
  platform: string;
  inputs: V2TensorMetadata[];
  outputs: V2TensorMetadata[];
}

/** Largest number of elements in one input tensor. */
export const MAX_TENSOR_ELEMENTS = 1_000_000;

const INT_RANGE: Record<string, [number, number]> = {
  INT8: [-128, 127],
  INT16: [-32768, 32767],
  INT32: [-2147483648, 2147483647],
  INT64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  UINT8: [0, 255],
  UINT16: [0, 65535],
  UINT32: [0, 4294967295],
  UINT64: [0, Number.MAX_SAFE_INTEGER],
};

function bad(message: string, field: string): never {
  throw ERR_BAD_REQUEST(message, { field });
}

/** Validates the envelope of an infer request (types of every field; tensors non-empty). */
export function parseInferRequest(body: unknown): V2InferRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) bad('request body must be a JSON object with "inputs"', 'body');
  const b = body as Record<string, unknown>;
  if (b.id !== undefined && typeof b.id !== 'string') bad('id must be a string', 'id');
  if (!Array.isArray(b.inputs) || b.inputs.length === 0) bad('inputs must be a non-empty array', 'inputs');
  const inputs = b.inputs.map((t, i): V2Tensor => {
    const field = `inputs[${i}]`;
    if (typeof t !== 'object' || t === null) bad(`${field} must be an object`, field);
    const x = t as Record<string, unknown>;
    if (typeof x.name !== 'string' || x.name === '') bad(`${field}.name must be a non-empty string`, `${field}.name`);
    if (!Array.isArray(x.shape) || x.shape.length === 0 || !x.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      bad(`${field}.shape must be a non-empty array of non-negative integers`, `${field}.shape`);
    }
    if (typeof x.datatype !== 'string') bad(`${field}.datatype must be a string`, `${field}.datatype`);
    if (!(V2_NUMERIC_DATATYPES as readonly string[]).includes(x.datatype)) {
      bad(`${field}.datatype ${x.datatype} is not supported (use ${V2_NUMERIC_DATATYPES.join(', ')})`, `${field}.datatype`);
    }
    if (x.data === undefined) bad(`${field}.data is missing`, `${field}.data`);
    return { name: x.name, shape: x.shape as number[], datatype: x.datatype, data: x.data };
  });
  const names = new Set<string>();
  for (const t of inputs) {
    if (names.has(t.name)) bad(`input ${t.name} appears twice`, 'inputs');
    names.add(t.name);
  }
  let outputs: V2InferRequest['outputs'];
  if (b.outputs !== undefined) {
    if (
      !Array.isArray(b.outputs) ||
      !b.outputs.every((o) => typeof o === 'object' && o !== null && typeof (o as { name?: unknown }).name === 'string')
    ) {
      bad('outputs must be an array of {name}', 'outputs');
    }
    outputs = b.outputs as V2InferRequest['outputs'];
  }
  return { id: b.id as string | undefined, inputs, outputs };
}

/** The elements of a tensor, row-major, checked against its shape and datatype. Nested or flat data both work. */
export function tensorValues(t: V2Tensor, field: string): number[] {
  const expected = t.shape.reduce((a, b) => a * b, 1);
  if (expected > MAX_TENSOR_ELEMENTS) bad(`${field} has ${expected} elements (limit ${MAX_TENSOR_ELEMENTS})`, field);
  const flat: unknown[] = Array.isArray(t.data) ? (t.data as unknown[]).flat(t.shape.length) : [t.data];
  if (flat.length !== expected) bad(`${field}.data has ${flat.length} elements but shape [${t.shape.join(',')}] needs ${expected}`, `${field}.data`);
  const range = INT_RANGE[t.datatype];
  return flat.map((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) bad(`${field}.data[${i}] is not a finite number`, `${field}.data`);
    if (range && (!Number.isInteger(v) || v < range[0] || v > range[1]))
      bad(`${field}.data[${i}] = ${v} is not a valid ${t.datatype}`, `${field}.data`);
    return t.datatype === 'FP32' || t.datatype === 'FP16' ? Math.fround(v) : v;
  });
}

/**
 * Turns the request's input tensors into rows × features for a model with the given ordered features.
 * Either every feature has its own input (by name; shape [N] or [N,1]), or one input holds the rows
 * (shape [N,F] or [F], F = number of features).
 */
export function inputsToRows(inputs: readonly V2Tensor[], features: readonly string[]): number[][] {
  const F = features.length;
  const byName = new Map(inputs.map((t, i) => [t.name, { t, i }]));
  if (inputs.every((t) => features.includes(t.name)) && (inputs.length > 1 || F === 1)) {
    const missing = features.filter((f) => !byName.has(f));
    if (missing.length > 0) bad(`inputs are missing feature(s) ${missing.join(', ')} (the model needs ${features.join(', ')})`, 'inputs');
    let n: number | undefined;
    const cols = features.map((f) => {
      const { t, i } = byName.get(f)!;
      const field = `inputs[${i}]`;
      if (!(t.shape.length === 1 || (t.shape.length === 2 && t.shape[1] === 1)))
        bad(`${field}.shape must be [N] or [N,1] for a per-feature input, got [${t.shape.join(',')}]`, `${field}.shape`);
      if (n !== undefined && t.shape[0] !== n) bad(`${field} has ${t.shape[0]} rows, other inputs have ${n}`, `${field}.shape`);
      n = t.shape[0];
      return tensorValues(t, field);
    });
    return Array.from({ length: n ?? 0 }, (_, r) => cols.map((c) => c[r]));
  }
  if (inputs.length !== 1) {
    const unknown = inputs.filter((t) => !features.includes(t.name)).map((t) => t.name);
    bad(`unknown input(s) ${unknown.join(', ')}: send one input per feature (${features.join(', ')}) or a single input of shape [N,${F}]`, 'inputs');
  }
  const t = inputs[0];
  const field = 'inputs[0]';
  const values = tensorValues(t, field);
  if (t.shape.length === 2 && t.shape[1] === F) {
    return Array.from({ length: t.shape[0] }, (_, r) => values.slice(r * F, (r + 1) * F));
  }
  if (t.shape.length === 1 && t.shape[0] === F) return [values];
  return bad(`${field}.shape [${t.shape.join(',')}] does not fit the model: it needs [N,${F}] for features ${features.join(', ')}`, `${field}.shape`);
}

/** The output datatype for a request: FP32 when every input is FP32/FP16, FP64 otherwise. */
export function outputDatatype(inputs: readonly V2Tensor[]): 'FP32' | 'FP64' {
  return inputs.every((t) => t.datatype === 'FP32' || t.datatype === 'FP16') ? 'FP32' : 'FP64';
}

/**
 * Builds the infer response: one output per model component (shape [N,1]), in component order, or
 * the ones the request named.
 */
export function buildInferResponse(opts: {
  modelName: string;
  modelVersion: string;
  components: readonly string[];
  predictions: readonly (readonly number[])[];
  datatype: 'FP32' | 'FP64';
  requested?: V2InferRequest['outputs'];
  id?: string;
}): V2InferResponse {
  const wanted = opts.requested?.map((o) => o.name) ?? [...opts.components];
  for (const [i, name] of wanted.entries()) {
    if (!opts.components.includes(name))
      bad(`outputs[${i}].name ${name} is not an output of this model (${opts.components.join(', ')})`, `outputs[${i}].name`);
  }
  const n = opts.predictions.length;
  const cast = opts.datatype === 'FP32' ? Math.fround : (x: number) => x;
  return {
    model_name: opts.modelName,
    model_version: opts.modelVersion,
    ...(opts.id !== undefined ? { id: opts.id } : {}),
    outputs: wanted.map((name) => {
      const k = opts.components.indexOf(name);
      return { name, shape: [n, 1], datatype: opts.datatype, data: opts.predictions.map((row) => cast(row[k])) };
    }),
  };
}

/** Model metadata: one FP64 input per feature (shape [-1]) and one output per component (shape [-1,1]). */
export function buildModelMetadata(
  name: string,
  versions: string[],
  platform: string,
  features: readonly string[],
  components: readonly string[],
): V2ModelMetadata {
  return {
    name,
    versions,
    platform,
    inputs: features.map((f) => ({ name: f, datatype: 'FP64', shape: [-1] })),
    outputs: components.map((c) => ({ name: c, datatype: 'FP64', shape: [-1, 1] })),
  };
}
