/**
 * @module agent/meters/model
 * The model meter: when nothing is measurable (cloud VMs, containers without /sys), node energy is
 * estimated from utilisation with a power predictor, and always labelled as an estimate
 * (`info.estimated = true`, `info.model` names the model). Where the predictor comes from, first
 * match wins: a model server (`model.serverUrl` + `model.name`), a Kepler model-db weight file
 * (`model.weightsFile`), explicit `model.idleWatts`/`model.maxWatts`, else the CCF curve of this CPU.
 * The model server client and the Kepler weight loader (with the model library) are imported only when
 * their source is configured.
 */
import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../core/logger.js';
import type { PowerplaneConfig } from '../../core/config-keys.js';
import type { MeterInfo, NodePowerPredictor } from '../../core/contracts.js';
import { ERR_INVALID_CONFIG, errorMessage } from '../../core/errors.js';
import type { MeterReadContext, MeterSample, NodeMeter, ZoneDescriptor } from '../types.js';
import { ccfCurve, summarizeCpuInfo } from './cpu-model.js';
import { CCF_GENERIC } from './ccf-table.js';
import { linearPredictor, wattsLabel } from './linear-predictor.js';
import { isNestedZone } from './zones.js';
import type { CreatedNodeMeter, NodeMeterContext } from './registry.js';

/** Where predictors come from besides the built-in curves: seams for the model library and the model server. */
export interface PredictorFactories {
  /** Loads a Kepler model-db weight JSON file (default: the model library's loader). */
  keplerWeights?: (file: string) => Promise<NodePowerPredictor>;
  /** Fetches a model from a powerplane model server (default: the model server client). */
  modelServer?: (url: string, name: string) => Promise<NodePowerPredictor>;
}

/** The predictor the model meter uses, and what happened on the way (fallbacks). */
export interface ResolvedPredictor {
  predictor: NodePowerPredictor;
  notes: string[];
  /** Why this predictor was chosen, in words (shown as `MeterInfo.basis`). */
  basis?: string;
}

async function readCpuinfo(procfs: string): Promise<string> {
  try {
    return await readFile(join(procfs, 'cpuinfo'), 'utf8');
  } catch {
    return '';
  }
}

/** Why the CCF curve of `curve` was chosen, in words (the CPU model as /proc/cpuinfo names it). */
export function ccfBasis(curve: { id: string; vcpus: number }, modelName: string | undefined): string {
  const cpu = modelName ? `CPU model "${modelName}"` : 'the CPU model (not in /proc/cpuinfo)';
  return curve.id === CCF_GENERIC.id
    ? `${cpu} is not recognised, so the CCF generic curve (the mean over all CCF micro-architectures) × ${curve.vcpus} vCPU is used; set model.idleWatts/model.maxWatts or a model for better estimates`
    : `${cpu} is recognised as CCF micro-architecture ${curve.id}; its curve × ${curve.vcpus} vCPU is used`;
}

/** The built-in curve: explicit idle/max watts where given, the CCF curve of this CPU for the rest. */
async function builtinPredictor(config: PowerplaneConfig): Promise<{ predictor: NodePowerPredictor; basis: string }> {
  const { idleWatts, maxWatts } = config.model;
  const info = summarizeCpuInfo(await readCpuinfo(config.host.procfs));
  const curve = ccfCurve(info, cpus().length);
  if (idleWatts <= 0 && maxWatts <= 0) {
    return {
      predictor: linearPredictor(curve.idleWatts, curve.maxWatts, `ccf:${curve.id}(${curve.vcpus} vCPU)`),
      basis: ccfBasis(curve, info.modelName),
    };
  }
  const idle = idleWatts > 0 ? idleWatts : curve.idleWatts;
  const max = maxWatts > 0 ? maxWatts : curve.maxWatts;
  if (max < idle) {
    throw ERR_INVALID_CONFIG(`model.maxWatts (${wattsLabel(max)}) is below model.idleWatts (${wattsLabel(idle)})`, {
      key: maxWatts > 0 ? 'model.maxWatts' : 'model.idleWatts',
    });
  }
  const given = [idleWatts > 0 ? 'model.idleWatts' : '', maxWatts > 0 ? 'model.maxWatts' : ''].filter(Boolean).join(' and ');
  return {
    predictor: linearPredictor(idle, max),
    basis: `${given} set in the configuration${idleWatts > 0 && maxWatts > 0 ? '' : `; the rest from the CCF curve (${curve.id})`}`,
  };
}

/**
 * Resolves the node power predictor from the configuration. A configuration error (serverUrl without
 * name, max below idle, a malformed weight file) throws; an unreachable model server falls back to
 * the next source with a note.
 */
export async function resolveNodePredictor(config: PowerplaneConfig, log: Logger, factories: PredictorFactories = {}): Promise<ResolvedPredictor> {
  const notes: string[] = [];
  const { serverUrl, name, weightsFile } = config.model;
  if (serverUrl !== '') {
    if (name === '') throw ERR_INVALID_CONFIG('model.serverUrl is set but model.name is empty: name the model to fetch', { key: 'model.name' });
    const fetchModel =
      factories.modelServer ?? (async (u: string, n: string) => (await import('../../modelserver/client.js')).modelServerPredictor(u, n));
    try {
      return { predictor: await fetchModel(serverUrl, name), notes };
    } catch (err) {
      const note = `model server ${serverUrl} did not give model ${name} (${errorMessage(err)}); using the next model source`;
      log.warn({ serverUrl, model: name }, note);
      notes.push(note);
    }
  }
  if (weightsFile !== '') {
    const load = factories.keplerWeights ?? (async (f: string) => (await import('../../models/kepler/weights.js')).keplerWeightsPredictor(f));
    return { predictor: await load(weightsFile), notes };
  }
  return { ...(await builtinPredictor(config)), notes };
}

/** Node watts of a prediction: the sum over zones that do not nest inside another. */
function nodeWatts(p: NodePowerPredictor, busyRatio: number): number {
  const features = { ...Object.fromEntries(p.features.map((f) => [f, 0])), cpu_busy_ratio: busyRatio };
  const out = p.predict(features);
  const present = new Set(Object.keys(out));
  return Object.entries(out).reduce((s, [zone, w]) => (isNestedZone(zone, present) || !Number.isFinite(w) ? s : s + Math.max(0, w)), 0);
}

/**
 * The meter info of a model meter: the model's name, its baseline (node watts at 0 % CPU, every
 * feature 0), its watts at 100 % CPU when CPU busy ratio is its only feature, and `basis`.
 */
export function modelMeterInfo(p: NodePowerPredictor, basis?: string): MeterInfo {
  const onlyBusy = p.features.length === 1 && p.features[0] === 'cpu_busy_ratio';
  return {
    name: 'model',
    estimated: true,
    model: p.name,
    baselineWatts: nodeWatts(p, 0),
    ...(onlyBusy ? { maxWatts: nodeWatts(p, 1) } : {}),
    ...(basis ? { basis } : {}),
  };
}

/** The zones a predictor reports: the keys of a prediction at zero load. */
function predictorZones(p: NodePowerPredictor): ZoneDescriptor[] {
  const zero = Object.fromEntries(p.features.map((f) => [f, 0]));
  const names = Object.keys(p.predict(zero));
  const present = new Set(names);
  return names.map((zone) => ({ zone, path: `model-${zone}`, nested: isNestedZone(zone, present) }));
}

class ModelMeter implements NodeMeter {
  readonly info: MeterInfo;
  readonly curve: NodePowerPredictor;
  private readonly zoneList: ZoneDescriptor[];
  private readonly carry = new Map<string, number>();
  private started = false;

  constructor(
    private readonly predictor: NodePowerPredictor,
    basis?: string,
  ) {
    this.curve = predictor;
    this.info = modelMeterInfo(predictor, basis);
    this.zoneList = predictorZones(predictor);
  }

  zones(): ZoneDescriptor[] {
    return this.zoneList.map((z) => ({ ...z }));
  }

  async read(ctx: MeterReadContext): Promise<MeterSample> {
    const sample: MeterSample = { zones: [], dropped: [] };
    const first = !this.started;
    this.started = true;
    const watts = first ? {} : this.predictor.predict({ ...ctx.features, cpu_busy_ratio: ctx.busyRatio });
    for (const z of this.zoneList) {
      const w = watts[z.zone];
      if (first) {
        sample.zones.push({ zone: z.zone, path: z.path, deltaMicroJoules: 0 });
        continue;
      }
      if (w === undefined || !Number.isFinite(w) || ctx.intervalMs <= 0) {
        sample.zones.push({ zone: z.zone, path: z.path, deltaMicroJoules: 0 });
        sample.dropped.push(z.path);
        continue;
      }
      const exact = Math.max(0, w) * ctx.intervalMs * 1000 + (this.carry.get(z.zone) ?? 0);
      const delta = Math.floor(exact);
      this.carry.set(z.zone, exact - delta);
      sample.zones.push({ zone: z.zone, path: z.path, deltaMicroJoules: delta });
    }
    return sample;
  }
}

/** A model meter over a predictor; `basis` says why this predictor was chosen. */
export function createModelMeter(predictor: NodePowerPredictor, basis?: string): NodeMeter {
  return new ModelMeter(predictor, basis);
}

/** The `model` entry of the meter registry: the predictor of the configuration's model source. */
export async function createNodeMeter({ config, log, deps }: NodeMeterContext): Promise<CreatedNodeMeter> {
  const { predictor, notes, basis } = await resolveNodePredictor(config, log, deps.predictors);
  return { meter: createModelMeter(predictor, basis), notes };
}
