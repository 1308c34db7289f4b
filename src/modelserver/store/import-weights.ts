/**
 * @module modelserver/store/import-weights
 * Imports a Kepler model-db weight JSON into the store as a model that predicts exactly as Kepler does
 * (the original JSON is kept as `weight.json`, so it is served back unchanged). Where the file lies in
 * Kepler's layout (`…/<pipeline>/<source>/<AbsPower|DynPower>/<group>/<Trainer>_<n>.json`), the
 * location is taken from its path.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import { loadKeplerWeights, MAX_WEIGHTS_BYTES } from '../../models/kepler/weights.js';
import type { OutputType } from '../../models/types.js';
import { ERR_FILE_UNREADABLE, ERR_MALFORMED_FILE, errorMessage } from '../../core/errors.js';
import type { MachineSpec, ModelMetadata } from './metadata.js';
import { trainerOfName } from './selection.js';
import { defaultEnergySource, featureGroupName } from '../training/training-save.js';
import { DEFAULT_PIPELINE, type ModelLocation, type ModelStore, type StoredModel } from './store.js';

/** Overrides of {@link importKeplerWeights}. */
export interface ImportWeightsOptions {
  name?: string;
  pipeline?: string;
  energySource?: string;
  outputType?: OutputType;
  featureGroup?: string;
  nodeType?: number;
  version?: string;
}

/** The parts of a location a Kepler model-db path names (pipeline, source, output type, group, name). */
export function locationFromWeightPath(path: string): Partial<ModelLocation> {
  const parts = resolve(path).split(sep);
  const name = basename(path).replace(/\.json$/i, '');
  const out: Partial<ModelLocation> = { name };
  const i = parts.length - 3;
  if (i >= 2 && (parts[i] === 'AbsPower' || parts[i] === 'DynPower')) {
    out.outputType = parts[i] as OutputType;
    out.featureGroup = parts[i + 1];
    out.energySource = parts[i - 1];
    out.pipeline = parts[i - 2];
  }
  return out;
}

/** Reads a weight file (size-limited, JSON checked with the path). */
export async function readWeightFile(path: string): Promise<unknown> {
  let text: string;
  try {
    const st = await stat(path);
    if (st.size > MAX_WEIGHTS_BYTES) throw ERR_MALFORMED_FILE(`${path}: larger than ${MAX_WEIGHTS_BYTES} bytes`, { path });
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (ERR_MALFORMED_FILE.is(err)) throw err;
    throw ERR_FILE_UNREADABLE(`${path}: ${errorMessage(err)}`, { path });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw ERR_MALFORMED_FILE(`${path}: not valid JSON (${errorMessage(err)})`, { path });
  }
}

/** Imports a Kepler weight JSON file into the store. */
export async function importKeplerWeights(store: ModelStore, path: string, opts: ImportWeightsOptions = {}): Promise<StoredModel> {
  const json = await readWeightFile(path);
  const fromPath = locationFromWeightPath(path);
  const outputType = opts.outputType ?? fromPath.outputType ?? 'AbsPower';
  const fileName = fromPath.name!;
  const model = loadKeplerWeights(json, path, { outputType, trainer: fileName });
  const name = opts.name ?? fileName;
  const loc: ModelLocation = {
    pipeline: opts.pipeline ?? fromPath.pipeline ?? DEFAULT_PIPELINE,
    energySource: opts.energySource ?? fromPath.energySource ?? defaultEnergySource(model.components),
    outputType,
    featureGroup: opts.featureGroup ?? fromPath.featureGroup ?? featureGroupName(model.features),
    name,
  };
  const w = json as { machine_spec?: MachineSpec };
  const suffix = /_(\d+)$/.exec(fileName);
  const nodeType = opts.nodeType ?? (suffix ? Number(suffix[1]) : undefined);
  const metadata: ModelMetadata = {
    format: 'powerplane-model-metadata/v1',
    model_name: name,
    version: opts.version ?? '1',
    pipeline: loc.pipeline,
    energy_source: loc.energySource,
    output_type: outputType,
    feature_group: loc.featureGroup,
    trainer: trainerOfName(fileName),
    model_class: model.kind,
    model_file: 'model.json',
    features: [...model.features],
    components: [...model.components],
    scaler: null,
    train_samples: 0,
    test_samples: 0,
    folds: 0,
    ...(nodeType !== undefined ? { node_type: nodeType } : {}),
    ...(w.machine_spec && typeof w.machine_spec === 'object' ? { machine_spec: w.machine_spec } : {}),
    weight: true,
    training_source: `kepler-weights:${basename(path)}`,
    created: new Date().toISOString(),
  };
  return store.save(loc, { model: model.toJSON(), metadata, weight: json });
}

/** The result of importing a directory of weight files. */
export interface DirectoryImport {
  imported: StoredModel[];
  /** Files that could not be imported, with why. */
  skipped: Array<{ path: string; reason: string }>;
}

/**
 * Imports every weight JSON under a Kepler model-db directory (a pipeline such as `ec2-0.7.11`, or any
 * folder above `<source>/<AbsPower|DynPower>/<group>/<Trainer>_<n>.json`). Files outside that layout
 * are not considered; files that fail to load are reported, not fatal. At most `limit` files.
 */
export async function importKeplerDirectory(
  store: ModelStore,
  dir: string,
  opts: Omit<ImportWeightsOptions, 'name'> = {},
  limit = 10_000,
): Promise<DirectoryImport> {
  const files: string[] = [];
  const walk = async (d: string, depth: number): Promise<void> => {
    if (depth > 8 || files.length >= limit) return;
    const entries = await readdir(d, { withFileTypes: true });
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      if (e.isDirectory() && !e.name.startsWith('.')) await walk(p, depth + 1);
      else if (e.isFile() && e.name.endsWith('.json') && locationFromWeightPath(p).outputType && files.length < limit) files.push(p);
    }
  };
  await walk(dir, 0).catch((err: Error) => {
    throw ERR_FILE_UNREADABLE(`${dir}: ${err.message}`, { path: dir });
  });
  const out: DirectoryImport = { imported: [], skipped: [] };
  for (const f of files) {
    try {
      out.imported.push(await importKeplerWeights(store, f, opts));
    } catch (err) {
      out.skipped.push({ path: f, reason: errorMessage(err) });
    }
  }
  return out;
}
