/**
 * @module models/model-base
 * What every trained model shares: names, output type, input checks, and option parsing helpers.
 */
import type { OutputType, SerializedModel, TrainedModel } from './types.js';
import { ERR_MODEL_BAD_INPUT, ERR_MODEL_BAD_MODEL, ERR_MODEL_BAD_OPTIONS } from './errors.js';

/** Names and output type of a model. */
export interface ModelHeader {
  features: readonly string[];
  components: readonly string[];
  outputType: OutputType;
}

/** Base of the model kinds: checks prediction input and builds the serialized envelope. */
export abstract class BaseModel implements TrainedModel {
  abstract readonly kind: string;
  readonly features: readonly string[];
  readonly components: readonly string[];
  readonly outputType: OutputType;

  constructor(h: ModelHeader) {
    this.features = Object.freeze([...h.features]);
    this.components = Object.freeze([...h.components]);
    this.outputType = h.outputType;
  }

  /** Predicts one row (already checked) → one value per component. */
  protected abstract predictRow(x: readonly number[]): number[];

  /** Kind-specific parameters for {@link toJSON}. */
  protected abstract params(): unknown;

  /** Predicts rows × components watts. @throws PP_MODEL_BAD_INPUT when a row has the wrong width or a non-finite value. */
  predict(X: number[][]): number[][] {
    const nf = this.features.length;
    return X.map((x, i) => {
      if (!Array.isArray(x) || x.length !== nf) {
        throw ERR_MODEL_BAD_INPUT(`row ${i} has ${Array.isArray(x) ? x.length : 'no'} values; the model takes ${nf} (${this.features.join(', ')})`, {
          field: 'X',
        });
      }
      for (let j = 0; j < nf; j++) {
        if (!Number.isFinite(x[j])) throw ERR_MODEL_BAD_INPUT(`row ${i}: ${this.features[j]} is not a finite number`, { field: this.features[j] });
      }
      return this.predictRow(x);
    });
  }

  /** The serialized model (`format: powerplane-model/v1`). */
  toJSON(): SerializedModel {
    return {
      format: 'powerplane-model/v1',
      kind: this.kind,
      features: [...this.features],
      components: [...this.components],
      outputType: this.outputType,
      params: this.params(),
    };
  }
}

/** Reads the `outputType` training option (default `AbsPower`). */
export function outputTypeOption(options: Record<string, unknown> | undefined): OutputType {
  const v = options?.outputType ?? 'AbsPower';
  if (v !== 'AbsPower' && v !== 'DynPower')
    throw ERR_MODEL_BAD_OPTIONS(`outputType must be AbsPower or DynPower, got ${JSON.stringify(v)}`, { field: 'outputType' });
  return v;
}

/** Reads a numeric option within [min, max] (default when absent). */
export function numberOption(
  options: Record<string, unknown> | undefined,
  name: string,
  def: number,
  min: number,
  max: number,
  integer = false,
): number {
  const v = options?.[name] ?? def;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
    throw ERR_MODEL_BAD_OPTIONS(`${name} must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got ${JSON.stringify(v)}`, {
      field: name,
    });
  }
  return v;
}

/** Reads a boolean option (default when absent). */
export function booleanOption(options: Record<string, unknown> | undefined, name: string, def: boolean): boolean {
  const v = options?.[name] ?? def;
  if (typeof v !== 'boolean') throw ERR_MODEL_BAD_OPTIONS(`${name} must be true or false, got ${JSON.stringify(v)}`, { field: name });
  return v;
}

/** Reads a string option from a fixed set (default when absent). */
export function enumOption<T extends string>(options: Record<string, unknown> | undefined, name: string, allowed: readonly T[], def: T): T {
  const v = options?.[name] ?? def;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw ERR_MODEL_BAD_OPTIONS(`${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`, { field: name });
  }
  return v as T;
}

/** Checks the envelope of a serialized model of `kind` and returns its params object. @throws PP_MODEL_BAD_MODEL */
export function checkEnvelope(json: SerializedModel, kind: string): { header: ModelHeader; params: Record<string, unknown> } {
  const bad = (why: string, field: string) => ERR_MODEL_BAD_MODEL(`${kind} model: ${why}`, { field });
  if (json.format !== 'powerplane-model/v1') throw bad(`unknown format ${JSON.stringify(json.format)}`, 'format');
  if (json.kind !== kind) throw bad(`kind is ${JSON.stringify(json.kind)}`, 'kind');
  const names = (v: unknown, field: string): string[] => {
    if (!Array.isArray(v) || v.length === 0 || !v.every((s) => typeof s === 'string')) throw bad(`${field} must be a non-empty list of names`, field);
    return v as string[];
  };
  const features = names(json.features, 'features');
  const components = names(json.components, 'components');
  if (json.outputType !== 'AbsPower' && json.outputType !== 'DynPower') throw bad('outputType must be AbsPower or DynPower', 'outputType');
  if (typeof json.params !== 'object' || json.params === null) throw bad('params missing', 'params');
  return { header: { features, components, outputType: json.outputType }, params: json.params as Record<string, unknown> };
}

/** Reads a numeric array of a given length from params. @throws PP_MODEL_BAD_MODEL */
export function numbers(v: unknown, length: number | undefined, field: string): number[] {
  if (!Array.isArray(v) || (length !== undefined && v.length !== length) || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw ERR_MODEL_BAD_MODEL(`${field} must be ${length ?? 'a list of'} finite numbers`, { field });
  }
  return v as number[];
}

/** Reads a matrix (rows of `width` numbers). @throws PP_MODEL_BAD_MODEL */
export function matrix(v: unknown, rows: number | undefined, width: number, field: string): number[][] {
  if (!Array.isArray(v) || (rows !== undefined && v.length !== rows))
    throw ERR_MODEL_BAD_MODEL(`${field} must have ${rows ?? 'some'} rows`, { field });
  return v.map((r, i) => numbers(r, width, `${field}[${i}]`));
}
