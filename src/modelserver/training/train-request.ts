/**
 * @module modelserver/training/train-request
 * A training request, as the train API and `powerplane train` both describe it, its validation (every
 * problem names its field), loading its data from the source, and running it end to end.
 */
import { readFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import type { OutputType } from '../../models/types.js';
import { resolveFeatures } from '../../models/features.js';
import { TRAINER_NAMES } from '../../models/registry.js';
import { ISOLATORS } from '../../models/isolators.js';
import { ERR_BAD_REQUEST, ERR_FILE_UNREADABLE, PowerplaneError, errorMessage } from '../../core/errors.js';
import { assertSegment } from '../store/names.js';
import type { MachineSpec } from '../store/metadata.js';
import { checkPrometheusUrl, datasetFromPrometheus } from './prometheus-source.js';
import { datasetFromCsvText, type SourcedDataset } from './table-source.js';
import { DEFAULT_PIPELINE } from '../store/store.js';
import { normalizeProcessor } from '../store/selection.js';
import { parseTime } from './time-range.js';
import type { TrainingPlan } from './training.js';
import { featureGroupName, type SaveOptions } from './training-save.js';

/** Where training data comes from. */
export type TrainSource =
  | { kind: 'csv' | 'calibration'; path: string }
  | { kind: 'csv-text'; text: string; label: string }
  | { kind: 'prometheus'; url: string; queries: Record<string, string> };

/** A validated training request. */
export interface TrainRequest {
  source: TrainSource;
  /** Unix seconds (Prometheus: default end − 1 h; files: no lower bound). */
  start?: number;
  end?: number;
  /** Prometheus resolution, seconds. */
  step: number;
  /** Feature group name or comma list, as given. */
  features: string;
  /** Target column(s), comma list; default per source. */
  target?: string;
  trainers: string[];
  folds: number;
  outputType: OutputType;
  isolator: string;
  pipeline: string;
  energySource?: string;
  featureGroup?: string;
  name?: string;
  nodeType?: number;
  machineSpec?: MachineSpec;
  version: string;
}

/** Trainers run when none are named: every kind except the ratio baseline. */
export const DEFAULT_TRAINERS: readonly string[] = TRAINER_NAMES.filter((t) => t !== 'ratio');

/** Default Prometheus target: package power. */
export const DEFAULT_PROMETHEUS_TARGET = 'package_watts';

/** Raw request fields (strings from flags or query parameters, or JSON values). */
export interface RawTrainFields {
  start?: unknown;
  end?: unknown;
  step?: unknown;
  features?: unknown;
  target?: unknown;
  trainers?: unknown;
  folds?: unknown;
  output_type?: unknown;
  isolator?: unknown;
  pipeline?: unknown;
  energy_source?: unknown;
  feature_group?: unknown;
  name?: unknown;
  node_type?: unknown;
  machine_spec?: unknown;
  version?: unknown;
}

/** How a field is named to the user: `--folds` for the CLI, `folds` for the API. */
export type FieldNamer = (field: string) => string;

const list = (v: unknown): string[] | undefined =>
  v === undefined
    ? undefined
    : Array.isArray(v)
      ? v.map(String)
      : String(v)
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);

/**
 * Validates request fields into a {@link TrainRequest}. `nameOf` turns a field name into what the user
 * typed (a flag or a JSON field), and `fail` builds the error (PP_INVALID_FLAG for the CLI, PP_BAD_REQUEST for HTTP).
 */
export function parseTrainFields(
  source: TrainSource,
  raw: RawTrainFields,
  fail: (message: string, field: string) => PowerplaneError,
  nameOf: FieldNamer = (f) => f,
  now = Date.now() / 1000,
): TrainRequest {
  const err = (field: string, message: string): never => {
    throw fail(`${nameOf(field)}: ${message}`, nameOf(field));
  };
  const time = (field: 'start' | 'end', v: unknown): number | undefined => {
    if (v === undefined || v === '') return undefined;
    const t = typeof v === 'number' ? v : parseTime(String(v), now);
    if (t === undefined || !Number.isFinite(t)) return err(field, `${JSON.stringify(v)} is not a time (RFC 3339, Unix seconds, now, -1h)`);
    return t;
  };
  let end = time('end', raw.end);
  let start = time('start', raw.start);
  if (source.kind === 'prometheus') {
    end ??= now;
    start ??= end - 3600;
  }
  if (start !== undefined && end !== undefined && !(end > start)) err('end', 'must be after start');
  let step = 5;
  if (raw.step !== undefined && raw.step !== '') {
    step = typeof raw.step === 'number' ? raw.step : Number(String(raw.step).replace(/s$/, ''));
    if (!(step > 0) || !Number.isFinite(step)) err('step', `${JSON.stringify(raw.step)} is not a positive number of seconds`);
  }
  if (raw.features === undefined || String(raw.features).trim() === '')
    err('features', 'is required (a feature group such as BPFOnly, or a comma list of columns)');
  const features = Array.isArray(raw.features) ? raw.features.map(String).join(',') : String(raw.features);
  try {
    resolveFeatures(features);
  } catch (e) {
    err('features', errorMessage(e));
  }
  const target = list(raw.target)?.join(',');
  const trainers = list(raw.trainers) ?? [...DEFAULT_TRAINERS];
  if (trainers.length === 0) err('trainers', 'is empty');
  for (const t of trainers)
    if (!TRAINER_NAMES.includes(t)) err('trainers', `unknown trainer ${JSON.stringify(t)} (known: ${TRAINER_NAMES.join(', ')})`);
  let folds = 5;
  if (raw.folds !== undefined && raw.folds !== '') {
    folds = Number(raw.folds);
    if (!Number.isInteger(folds) || folds < 2 || folds > 100) err('folds', `${JSON.stringify(raw.folds)} is not an integer from 2 to 100`);
  }
  const outputType = (raw.output_type ?? 'AbsPower') as OutputType;
  if (outputType !== 'AbsPower' && outputType !== 'DynPower')
    err('output_type', `must be AbsPower or DynPower, got ${JSON.stringify(raw.output_type)}`);
  const isolator = raw.isolator === undefined ? 'min' : String(raw.isolator);
  if (!(ISOLATORS as readonly string[]).includes(isolator) || isolator === 'profile')
    err('isolator', `must be min or none, got ${JSON.stringify(raw.isolator)}`);
  const segment = (field: string, v: unknown): string | undefined => {
    if (v === undefined || v === '') return undefined;
    try {
      return assertSegment(String(v), field);
    } catch (e) {
      return err(field, errorMessage(e));
    }
  };
  const pipeline = segment('pipeline', raw.pipeline) ?? DEFAULT_PIPELINE;
  const energySource = segment('energy_source', raw.energy_source);
  const featureGroup = segment('feature_group', raw.feature_group);
  const name = segment('name', raw.name);
  // with several trainers the stored names are `<name>-<trainer>`: check the longest one fits too
  if (name !== undefined && trainers.length > 1) segment('name', `${name}-${trainers.reduce((a, b) => (a.length > b.length ? a : b))}`);
  let nodeType: number | undefined;
  if (raw.node_type !== undefined && raw.node_type !== '') {
    nodeType = Number(raw.node_type);
    if (!Number.isInteger(nodeType) || nodeType < 0) err('node_type', `${JSON.stringify(raw.node_type)} is not a non-negative integer`);
  }
  let machineSpec: MachineSpec | undefined;
  if (raw.machine_spec !== undefined && raw.machine_spec !== '') {
    machineSpec = parseMachineSpec(raw.machine_spec, (m) => err('machine_spec', m));
  }
  const version = raw.version === undefined || raw.version === '' ? '1' : segment('version', raw.version)!;
  if (source.kind === 'prometheus') {
    try {
      checkPrometheusUrl(source.url);
    } catch (e) {
      err('from', errorMessage(e));
    }
  }
  return {
    source,
    start,
    end,
    step,
    features,
    target,
    trainers,
    folds,
    outputType,
    isolator,
    pipeline,
    energySource,
    featureGroup,
    name,
    nodeType,
    machineSpec,
    version,
  };
}

/** This machine's spec: normalised CPU name, logical CPUs, memory in GiB, nominal MHz. */
export function localMachineSpec(): MachineSpec {
  const list = cpus();
  return {
    processor: normalizeProcessor(list[0]?.model ?? 'unknown'),
    cores: list.length,
    memory: Math.round(totalmem() / 2 ** 30),
    ...(list[0]?.speed ? { frequency: list[0].speed } : {}),
  };
}

/** Parses a machine spec: `local` (this machine), a JSON object, or `key=value,…` (processor, cores, chips, memory, frequency). */
export function parseMachineSpec(v: unknown, fail: (message: string) => never): MachineSpec {
  let obj: Record<string, unknown>;
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) obj = v as Record<string, unknown>;
  else {
    const text = String(v).trim();
    if (text === 'local') return localMachineSpec();
    if (text.startsWith('{')) {
      try {
        obj = JSON.parse(text);
      } catch {
        return fail('is not valid JSON');
      }
    } else {
      obj = {};
      for (const pair of text.split(',')) {
        const i = pair.indexOf('=');
        if (i <= 0) return fail(`${JSON.stringify(pair)} is not key=value`);
        obj[pair.slice(0, i).trim()] = pair.slice(i + 1).trim();
      }
    }
  }
  const spec: MachineSpec = {};
  for (const [k, val] of Object.entries(obj)) {
    if (k === 'processor' || k === 'vendor') spec[k] = String(val);
    else if (k === 'cores' || k === 'chips' || k === 'memory' || k === 'frequency' || k === 'threads_per_core') {
      const n = Number(val);
      if (!Number.isFinite(n) || n < 0) return fail(`${k} must be a non-negative number`);
      spec[k] = n;
    } else return fail(`unknown key ${JSON.stringify(k)} (processor, vendor, cores, chips, memory, frequency, threads_per_core)`);
  }
  return spec;
}

/** A short description of the source, recorded in metadata. */
export function describeSource(s: TrainSource): string {
  if (s.kind === 'prometheus') return `prometheus:${s.url}`;
  if (s.kind === 'csv-text') return `csv:${s.label}`;
  return `${s.kind}:${s.path}`;
}

/** Loads the request's data set from its source. */
export async function loadTrainingData(req: TrainRequest): Promise<SourcedDataset> {
  const sel = {
    features: req.features,
    target: req.target,
    start: req.start,
    end: req.end,
    dropIncompleteLastLine: req.source.kind === 'calibration',
  };
  switch (req.source.kind) {
    case 'csv-text':
      return datasetFromCsvText(req.source.text, req.source.label, sel);
    case 'csv':
    case 'calibration': {
      const path = req.source.path;
      const text = await readFile(path, 'utf8').catch((e: Error) => {
        throw ERR_FILE_UNREADABLE(`${path}: ${e.message}`, { path });
      });
      return datasetFromCsvText(text, path, sel);
    }
    case 'prometheus':
      return datasetFromPrometheus({
        url: req.source.url,
        start: req.start!,
        end: req.end!,
        step: req.step,
        features: resolveFeatures(req.features),
        targets: (req.target ?? DEFAULT_PROMETHEUS_TARGET).split(','),
        queries: req.source.queries,
      });
  }
}

/** The plan and save options of a request. */
export function planOf(req: TrainRequest, sourced: SourcedDataset): { plan: TrainingPlan; save: SaveOptions } {
  return {
    plan: {
      trainers: req.trainers,
      folds: req.folds,
      outputType: req.outputType,
      isolator: req.isolator,
      nodeType: req.nodeType,
      machineSpec: req.machineSpec as Record<string, unknown> | undefined,
    },
    save: {
      pipeline: req.pipeline,
      energySource: req.energySource,
      featureGroup: req.featureGroup ?? featureGroupName(sourced.data.features, req.features),
      name: req.name,
      version: req.version,
      trainingSource: describeSource(req.source),
      machineSpec: req.machineSpec,
      nodeType: req.nodeType,
    },
  };
}

/** PP_BAD_REQUEST naming a JSON field (for the API). */
export const badField = (message: string, field: string): PowerplaneError => ERR_BAD_REQUEST(message, { field });
