/**
 * @module modelserver/store/store
 * The model store: a directory laid out as
 * `<root>/<pipeline>/<energy_source>/<AbsPower|DynPower>/<feature_group>/<model_name>/` holding
 * `metadata.json`, `model.json` and, where the kind allows, `weight.json` (Kepler format). The model
 * id is that relative path. A model directory is replaced as a whole (files written atomically into a
 * hidden temp directory, then renamed into place), so readers never see a half-written model.
 */
import { readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { writeFileAtomic } from '../../core/fs.js';
import type { OutputType, SerializedModel } from '../../models/types.js';
import { deserializeModel } from '../../models/registry.js';
import { assertSegment, safeJoin, segmentProblem } from './names.js';
import { metadataProblem, metadataToJson, type ModelMetadata } from './metadata.js';
import { readZip, writeZip, type ZipEntry } from './zip.js';
import { buildModelIndex, selectionKey, type ModelIndex } from './model-index.js';
import { ERR_ARCHIVE_INVALID, ERR_MODEL_CORRUPT, ERR_MODEL_INVALID_NAME, ERR_MODEL_NOT_FOUND, ERR_STORE_FULL } from '../errors.js';
import { errorMessage } from '../../core/errors.js';

/** Where a model lives in the store. */
export interface ModelLocation {
  pipeline: string;
  energySource: string;
  outputType: OutputType;
  featureGroup: string;
  name: string;
}

/** One model as listed: its id, location and metadata. */
export interface StoredModel {
  id: string;
  location: ModelLocation;
  metadata: ModelMetadata;
  hasWeight: boolean;
}

/** A model directory the store skips: its id, directory and what is wrong with it. */
export interface InvalidModel {
  id: string;
  path: string;
  problem: string;
}

/** What is saved for one model. */
export interface ModelFiles {
  model: SerializedModel;
  metadata: ModelMetadata;
  /** Kepler weight JSON, when the kind can be expressed in it. */
  weight?: unknown;
  /** SVG plot of measured vs predicted power (`plot.svg`). */
  plot?: string;
}

/** The files a model directory may hold. */
export const MODEL_FILES = ['metadata.json', 'model.json', 'weight.json', 'plot.svg'] as const;

/** Default pipeline name for models trained here. */
export const DEFAULT_PIPELINE = 'powerplane';

/** Validates a location (every part a safe segment, output type known). */
export function validateLocation(loc: ModelLocation): ModelLocation {
  assertSegment(loc.pipeline, 'pipeline');
  assertSegment(loc.energySource, 'energy_source');
  if (loc.outputType !== 'AbsPower' && loc.outputType !== 'DynPower') {
    throw ERR_MODEL_INVALID_NAME(`output type must be AbsPower or DynPower, got ${JSON.stringify(loc.outputType)}`, { field: 'output_type' });
  }
  assertSegment(loc.featureGroup, 'feature_group');
  assertSegment(loc.name, 'name');
  return loc;
}

/** The id of a location: its relative path. */
export function locationToId(loc: ModelLocation): string {
  validateLocation(loc);
  return [loc.pipeline, loc.energySource, loc.outputType, loc.featureGroup, loc.name].join('/');
}

/** Parses and validates a model id (`pipeline/source/OutputType/group/name`). */
export function idToLocation(id: string): ModelLocation {
  const parts = typeof id === 'string' ? id.split('/') : [];
  if (parts.length !== 5)
    throw ERR_MODEL_INVALID_NAME(
      `model id must be pipeline/energy_source/output_type/feature_group/name, got ${JSON.stringify(String(id).slice(0, 200))}`,
      { field: 'id' },
    );
  const [pipeline, energySource, outputType, featureGroup, name] = parts;
  return validateLocation({ pipeline, energySource, outputType: outputType as OutputType, featureGroup, name });
}

function serializedProblem(v: unknown): string | undefined {
  const m = v as Partial<SerializedModel> | null;
  if (typeof m !== 'object' || m === null) return 'is not a JSON object';
  if (m.format !== 'powerplane-model/v1') return 'format is not powerplane-model/v1';
  if (typeof m.kind !== 'string' || !Array.isArray(m.features) || !Array.isArray(m.components)) return 'kind, features or components are missing';
  return undefined;
}

/** Why a serialized model cannot be loaded (unknown kind, malformed parameters), or undefined. */
async function deserializeProblem(model: SerializedModel): Promise<string | undefined> {
  try {
    await deserializeModel(model);
    return undefined;
  } catch (err) {
    return errorMessage(err);
  }
}

async function readJson(path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw ERR_MODEL_CORRUPT(`${path}: ${errorMessage(err)}`, { path });
  }
}

async function subdirs(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return entries
    .filter((e) => e.isDirectory() && !segmentProblem(e.name))
    .map((e) => e.name)
    .sort();
}

/** Options of {@link ModelStore}. */
export interface ModelStoreOptions {
  /** Re-scan the directory when the index is older than this (ms), to see models written by others. Default 2000. */
  rescanMs?: number;
  /** Called once for each model directory that cannot be read while listing (again only when its problem changes). */
  onProblem?: (path: string, problem: string) => void;
}

/** Re-scans between two full scans (see {@link ModelStore.scan}): with the default 2 s, a minute. */
const FULL_SCAN_EVERY = 30;

/** One feature-group directory as a scan found it. */
interface ScannedGroup {
  ino: number;
  mtimeMs: number;
  models: StoredModel[];
  /** Model directories in it that could not be read (re-read at every scan until fixed). */
  invalid: number;
}

/** A model directory on disk. */
export class ModelStore {
  readonly root: string;
  private readonly rescanMs: number;
  private readonly onProblem: (path: string, problem: string) => void;
  private index: Map<string, StoredModel> | undefined;
  /** Model directories the last scan skipped, by id. */
  private invalid = new Map<string, InvalidModel>();
  private scannedAt = 0;
  private scanning: Promise<Map<string, StoredModel>> | undefined;
  /** Writes made while a scan runs, replayed on its result so the scan cannot undo them. */
  private duringScan: Array<(index: Map<string, StoredModel>) => void> | undefined;
  /** Look-up indexes of `index` (rebuilt after a write or a re-scan, on the next read). */
  private lookups: { of: Map<string, StoredModel>; writes: number; index: ModelIndex } | undefined;
  private writes = 0;
  /** What the last scan found per feature-group directory (see {@link scan}). */
  private groups = new Map<string, ScannedGroup>();
  /** Feature-group directories this store wrote to since the last scan began. */
  private dirtyGroups = new Set<string>();
  private scansSinceFull = 0;

  constructor(root: string, opts: ModelStoreOptions = {}) {
    this.root = root;
    this.rescanMs = opts.rescanMs ?? 2000;
    this.onProblem = opts.onProblem ?? (() => undefined);
  }

  private dirOf(id: string): string {
    idToLocation(id);
    return safeJoin(this.root, id, 'id');
  }

  /** Saves a model, replacing any model at the same location as a whole. */
  async save(loc: ModelLocation, files: ModelFiles): Promise<StoredModel> {
    const id = locationToId(loc);
    const dir = this.dirOf(id);
    const parent = dirname(dir);
    const suffix = randomBytes(6).toString('hex');
    const tmp = join(parent, `.${loc.name}.tmp-${suffix}`);
    const metadata: ModelMetadata = {
      ...files.metadata,
      model_name: loc.name,
      pipeline: loc.pipeline,
      energy_source: loc.energySource,
      output_type: loc.outputType,
      feature_group: loc.featureGroup,
      weight: files.weight !== undefined,
    };
    const problem = metadataProblem(metadata) ?? serializedProblem(files.model);
    if (problem) throw ERR_MODEL_CORRUPT(`model ${id} cannot be saved: ${problem}`, { field: 'model' });
    try {
      await writeFileAtomic(join(tmp, 'model.json'), JSON.stringify(files.model) + '\n');
      if (files.weight !== undefined) await writeFileAtomic(join(tmp, 'weight.json'), JSON.stringify(files.weight, null, 2) + '\n');
      if (files.plot !== undefined) await writeFileAtomic(join(tmp, 'plot.svg'), files.plot);
      await writeFileAtomic(join(tmp, 'metadata.json'), metadataToJson(metadata));
      const old = join(parent, `.${loc.name}.old-${suffix}`);
      const existed = await rename(dir, old).then(
        () => true,
        (err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT') return false;
          throw err;
        },
      );
      await rename(tmp, dir);
      if (existed) await rm(old, { recursive: true, force: true });
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC' || code === 'EDQUOT') {
        throw ERR_STORE_FULL(
          `model ${id} was not saved: the model store ${this.root} has no space left (${code}); free space or move --model-server.store-dir`,
          { path: this.root },
          { cause: err },
        );
      }
      throw err;
    }
    const stored: StoredModel = { id, location: loc, metadata, hasWeight: metadata.weight };
    this.invalid.delete(id);
    this.mutate(id, (index) => index.set(id, stored));
    return stored;
  }

  /** Every readable model, sorted by id (shared: do not modify). Unreadable directories are reported through `onProblem` and skipped. */
  async list(): Promise<readonly StoredModel[]> {
    return (await this.lookup()).sorted;
  }

  /** The models named `name` (`metadata.model_name`), sorted by id. */
  async findByName(name: string): Promise<readonly StoredModel[]> {
    return (await this.lookup()).byName.get(name) ?? [];
  }

  /** The models of an energy source (normalised as Kepler does) and output type, sorted by id. */
  async findBySelection(energySource: string, outputType: OutputType): Promise<readonly StoredModel[]> {
    return (await this.lookup()).bySelection.get(selectionKey(energySource, outputType)) ?? [];
  }

  /** The look-up indexes of the current index, rebuilt only when it changed. */
  private async lookup(): Promise<ModelIndex> {
    const index = await this.currentIndex();
    if (this.lookups?.of !== index || this.lookups.writes !== this.writes)
      this.lookups = { of: index, writes: this.writes, index: buildModelIndex(index.values()) };
    return this.lookups.index;
  }

  /** The model directories skipped because they cannot be read or their metadata is invalid, sorted by id. */
  async listInvalid(): Promise<InvalidModel[]> {
    await this.currentIndex();
    return [...this.invalid.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  private mutate(id: string, change: (index: Map<string, StoredModel>) => void): void {
    // the next scan re-reads the model's feature group even if its mtime has not moved on (coarse clocks)
    this.dirtyGroups.add(dirname(this.dirOf(id)));
    if (this.index) change(this.index);
    this.writes++;
    this.duringScan?.push(change);
  }

  /** Forces the next read to re-scan the directory. */
  invalidate(): void {
    this.index = undefined;
  }

  /**
   * The index. A stale index is served while a re-scan runs in the background (so requests never wait
   * for a directory walk once the store has been read); with `rescanMs` 0 every read re-scans.
   */
  private async currentIndex(): Promise<Map<string, StoredModel>> {
    if (this.index && Date.now() - this.scannedAt < this.rescanMs) return this.index;
    this.scanning ??= this.scan().finally(() => {
      this.scanning = undefined;
      this.duringScan = undefined;
    });
    if (this.index && this.rescanMs > 0) {
      this.scanning.catch(() => undefined);
      return this.index;
    }
    return this.scanning;
  }

  /**
   * Walks the store. A feature-group directory (the one holding the model directories) whose inode and
   * mtime are those of the last scan, and that held no invalid model, is not read again: every save,
   * import and delete renames or removes a model directory in it, which changes its mtime. So a re-scan
   * of an unchanged store costs a few directory reads whatever its size, and keeps the same index (and
   * so the look-up indexes built from it). A full scan, re-reading every model (which also sees a
   * metadata.json edited in place), runs every {@link FULL_SCAN_EVERY} re-scans and always with `rescanMs` 0.
   */
  private async scan(): Promise<Map<string, StoredModel>> {
    const started = Date.now();
    const full = this.rescanMs === 0 || ++this.scansSinceFull >= FULL_SCAN_EVERY;
    if (full) this.scansSinceFull = 0;
    const index = new Map<string, StoredModel>();
    const invalid = new Map<string, InvalidModel>();
    const groups = new Map<string, ScannedGroup>();
    const dirty = this.dirtyGroups;
    this.dirtyGroups = new Set();
    let changed = full || !this.index || this.groups.size === 0;
    const replay: Array<(index: Map<string, StoredModel>) => void> = [];
    this.duringScan = replay;
    for (const pipeline of await subdirs(this.root)) {
      for (const energySource of await subdirs(join(this.root, pipeline))) {
        for (const outputType of await subdirs(join(this.root, pipeline, energySource))) {
          if (outputType !== 'AbsPower' && outputType !== 'DynPower') continue;
          for (const featureGroup of await subdirs(join(this.root, pipeline, energySource, outputType))) {
            const dir = resolve(this.root, pipeline, energySource, outputType, featureGroup);
            const st = await stat(dir).catch(() => undefined);
            const before = this.groups.get(dir);
            if (!full && st && before && before.ino === st.ino && before.mtimeMs === st.mtimeMs && before.invalid === 0 && !dirty.has(dir)) {
              for (const m of before.models) index.set(m.id, m);
              groups.set(dir, before);
              continue;
            }
            changed = true;
            const group: ScannedGroup = { ino: st?.ino ?? -1, mtimeMs: st?.mtimeMs ?? -1, models: [], invalid: 0 };
            for (const name of await subdirs(dir)) {
              const loc: ModelLocation = { pipeline, energySource, outputType, featureGroup, name };
              const id = locationToId(loc);
              try {
                const m = await this.readEntry(id, loc);
                index.set(id, m);
                group.models.push(m);
              } catch (err) {
                const bad: InvalidModel = { id, path: join(this.root, id), problem: errorMessage(err) };
                invalid.set(id, bad);
                group.invalid++;
                if (this.invalid.get(id)?.problem !== bad.problem) this.onProblem(bad.path, bad.problem);
              }
            }
            groups.set(dir, group);
          }
        }
      }
    }
    if (groups.size !== this.groups.size) changed = true;
    this.groups = groups;
    this.scannedAt = started;
    if (!changed && this.index && replay.length === 0) return this.index;
    for (const change of replay) change(index);
    for (const id of index.keys()) invalid.delete(id);
    this.index = index;
    this.invalid = invalid;
    return index;
  }

  private async readEntry(id: string, loc: ModelLocation): Promise<StoredModel> {
    const dir = this.dirOf(id);
    const path = join(dir, 'metadata.json');
    const raw = await readJson(path);
    const problem = metadataProblem(raw);
    if (problem) throw ERR_MODEL_CORRUPT(`${path}: ${problem}`, { path });
    const hasWeight = await stat(join(dir, 'weight.json')).then(
      (s) => s.isFile(),
      () => false,
    );
    const metadata: ModelMetadata = {
      ...(raw as ModelMetadata),
      model_name: loc.name,
      pipeline: loc.pipeline,
      energy_source: loc.energySource,
      output_type: loc.outputType,
      feature_group: loc.featureGroup,
      weight: hasWeight,
    };
    return { id, location: loc, metadata, hasWeight };
  }

  /** The model with this id, or undefined. Throws on an invalid id. */
  async get(id: string): Promise<StoredModel | undefined> {
    const loc = idToLocation(id);
    const cached = (await this.currentIndex()).get(id);
    if (cached) return cached;
    try {
      return await this.readEntry(id, loc);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /** The model with this id; throws PP_MODELSERVER_MODEL_NOT_FOUND when absent. */
  async require(id: string): Promise<StoredModel> {
    const m = await this.get(id);
    if (!m) throw ERR_MODEL_NOT_FOUND(`model ${id} not found`, { field: 'id' });
    return m;
  }

  /** Reads `model.json` of a model. */
  async readModel(id: string): Promise<SerializedModel> {
    await this.require(id);
    const path = join(this.dirOf(id), 'model.json');
    const raw = await readJson(path);
    const problem = serializedProblem(raw);
    if (problem) throw ERR_MODEL_CORRUPT(`${path}: ${problem}`, { path });
    return raw as SerializedModel;
  }

  /** Reads `weight.json` of a model, or undefined when it has none. */
  async readWeight(id: string): Promise<unknown | undefined> {
    const m = await this.require(id);
    if (!m.hasWeight) return undefined;
    return readJson(join(this.dirOf(id), 'weight.json'));
  }

  /** Deletes a model; false when it did not exist. */
  async delete(id: string): Promise<boolean> {
    const dir = this.dirOf(id);
    const exists = await stat(dir).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!exists) return false;
    const parent = dirname(dir);
    const trash = join(parent, `.${idToLocation(id).name}.deleted-${randomBytes(6).toString('hex')}`);
    await rename(dir, trash);
    await rm(trash, { recursive: true, force: true });
    this.invalid.delete(id);
    this.mutate(id, (index) => index.delete(id));
    return true;
  }

  /** The model as a zip archive (`metadata.json`, `model.json`, and `weight.json` / `plot.svg` when present), as Kepler serves models. */
  async archive(id: string): Promise<Buffer> {
    const m = await this.require(id);
    const dir = this.dirOf(id);
    const entries: ZipEntry[] = [];
    for (const f of MODEL_FILES) {
      const data = await readFile(join(dir, f)).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT' && (f === 'weight.json' || f === 'plot.svg')) return undefined;
        throw err;
      });
      if (data) entries.push({ name: f, data });
    }
    return writeZip(entries, new Date(m.metadata.created));
  }

  /** The stored plot (`plot.svg`) of a model, or undefined. */
  async readPlot(id: string): Promise<string | undefined> {
    await this.require(id);
    return readFile(join(this.dirOf(id), 'plot.svg'), 'utf8').catch(() => undefined);
  }

  /**
   * Imports a model archive (as produced by {@link archive}) at `loc`. The archive is checked
   * before anything is written: safe entry names, `metadata.json` and `model.json` present and valid
   * (the model loads: a known kind with well-formed parameters).
   */
  async importArchive(loc: ModelLocation, archive: Buffer): Promise<StoredModel> {
    const entries = readZip(archive);
    const byName = new Map(entries.map((e) => [e.name, e.data]));
    const parse = (name: string): unknown => {
      const data = byName.get(name);
      if (!data) throw ERR_ARCHIVE_INVALID(`archive has no ${name}`, { field: 'archive' });
      try {
        return JSON.parse(data.toString('utf8'));
      } catch (err) {
        throw ERR_ARCHIVE_INVALID(`${name} in the archive is not JSON: ${errorMessage(err)}`, { field: 'archive' });
      }
    };
    const metadata = parse('metadata.json');
    const model = parse('model.json');
    const metadataIssue = metadataProblem(metadata);
    if (metadataIssue) throw ERR_ARCHIVE_INVALID(`metadata.json in the archive is invalid: ${metadataIssue}`, { field: 'archive' });
    const modelIssue = serializedProblem(model) ?? (await deserializeProblem(model as SerializedModel));
    if (modelIssue) throw ERR_ARCHIVE_INVALID(`model.json in the archive is invalid: ${modelIssue}`, { field: 'archive' });
    const weight = byName.has('weight.json') ? parse('weight.json') : undefined;
    const plot = byName.get('plot.svg')?.toString('utf8');
    return this.save(loc, { metadata: metadata as ModelMetadata, model: model as SerializedModel, weight, plot });
  }
}
