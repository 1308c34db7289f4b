/**
 * @module modelserver/store/selection
 * Model selection for the Kepler-compatible routes, with the upstream defects fixed:
 * filters are parsed and applied (`mae:<10;mape:<=5;features:a,b`), a node type matches a model's
 * node type exactly (never as a substring: `_1` does not match `_10`), and a machine spec picks the
 * closest node type by Kepler's weighted similarity (processor 5, cores 1, chips 1, memory 0.5,
 * frequency 0.5). Pure functions over listed models.
 */
import type { OutputType } from '../../models/types.js';
import { ERR_BAD_REQUEST } from '../../core/errors.js';
import { metadataNumber, nodeTypeOf, type MachineSpec, type ModelMetadata } from './metadata.js';
import type { StoredModel } from './store.js';

/** One clause of a filter. */
export type FilterClause =
  | { kind: 'number'; field: string; op: '<' | '<=' | '>' | '>=' | '='; value: number }
  | { kind: 'features'; features: string[] }
  | { kind: 'trainer'; trainer: string };

/** Fields that are better when higher: a bare `field:value` means `>=` for them, `<=` otherwise. */
const HIGHER_IS_BETTER = new Set(['r2', 'abs_max_corr', 'samples', 'test_samples', 'train_samples', 'folds']);

/**
 * Parses a Kepler filter string: clauses separated by `;`, each `field:value` or `field:<op>value`
 * (ops `<`, `<=`, `>`, `>=`, `=`). `features:a,b` keeps models with exactly those features, `trainer:x`
 * models of that trainer. Throws PP_BAD_REQUEST naming `field` on anything else.
 */
export function parseFilter(text: string | undefined, field = 'filter'): FilterClause[] {
  if (text === undefined || text.trim() === '') return [];
  const out: FilterClause[] = [];
  for (const raw of text.split(';')) {
    const part = raw.trim();
    if (part === '') continue;
    const colon = part.indexOf(':');
    if (colon <= 0) throw ERR_BAD_REQUEST(`${field}: clause ${JSON.stringify(part)} is not field:value`, { field });
    const name = part.slice(0, colon).trim();
    const value = part.slice(colon + 1).trim();
    if (name === 'features') {
      const features = value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      if (features.length === 0) throw ERR_BAD_REQUEST(`${field}: features needs a comma-separated list`, { field });
      out.push({ kind: 'features', features });
      continue;
    }
    if (name === 'trainer') {
      out.push({ kind: 'trainer', trainer: value });
      continue;
    }
    if (!/^(mae|mape|r2|samples|test_samples|train_samples|folds|abs_max_corr|[a-z0-9]+_(mae|mape|r2))$/.test(name)) {
      throw ERR_BAD_REQUEST(
        `${field}: unknown field ${JSON.stringify(name)} (use mae, mape, r2, <component>_mae, <component>_mape, samples, folds, features, trainer)`,
        { field },
      );
    }
    const m = /^(<=|>=|<|>|=)?\s*(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)$/i.exec(value);
    if (!m) throw ERR_BAD_REQUEST(`${field}: ${name} needs a number with an optional <, <=, >, >= or =, got ${JSON.stringify(value)}`, { field });
    const op = (m[1] as '<' | '<=' | '>' | '>=' | '=' | undefined) ?? (HIGHER_IS_BETTER.has(name) ? '>=' : '<=');
    out.push({ kind: 'number', field: name, op, value: Number(m[2]) });
  }
  return out;
}

/** True when a model's metadata satisfies every clause. A model without the field fails a numeric clause. */
export function passesFilter(meta: ModelMetadata, clauses: readonly FilterClause[]): boolean {
  return clauses.every((c) => {
    if (c.kind === 'features') return c.features.length === meta.features.length && c.features.every((f) => meta.features.includes(f));
    if (c.kind === 'trainer') return meta.trainer === c.trainer || trainerOfName(meta.model_name) === c.trainer;
    const v = metadataNumber(meta, c.field);
    if (v === undefined || !Number.isFinite(v)) return false;
    switch (c.op) {
      case '<':
        return v < c.value;
      case '<=':
        return v <= c.value;
      case '>':
        return v > c.value;
      case '>=':
        return v >= c.value;
      case '=':
        return v === c.value;
    }
  });
}

/** A Kepler model name without its node-type suffix: `SGDRegressorTrainer_4` → `SGDRegressorTrainer`. */
export function trainerOfName(name: string): string {
  return name.replace(/_\d+$/, '');
}

/** Kepler's source normalisation: any source naming RAPL (`intel_rapl`, `rapl`) is `rapl-sysfs`. */
export function normalizeEnergySource(source: string): string {
  return /rapl/i.test(source) ? 'rapl-sysfs' : source;
}

const SPEC_WEIGHTS = { processor: 5, cores: 1, chips: 1, memory: 0.5, frequency: 0.5 } as const;

/** Normalises a CPU name as Kepler does: drop (R), (TM), CPU, @ and the frequency; lower case; `_` for spaces. */
export function normalizeProcessor(name: string): string {
  return name
    .replace(/\((R|TM)\)/gi, '')
    .replace(/\bCPU\b/gi, '')
    .replace(/@.*$/, '')
    .replace(/\d+(\.\d+)?\s*GHz/gi, '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_')
    .replace(/_v(\d)/g, 'v$1');
}

function numericSimilarity(a: number, b: number): number {
  if (a === b) return 1;
  const mean = (a + b) / 2;
  return mean <= 0 ? 0 : Math.max(0, 1 - Math.abs(a - b) / mean);
}

const normalized = new Map<string, string>();
function normalizedProcessor(name: string): string {
  let v = normalized.get(name);
  if (v === undefined) {
    if (normalized.size > 10_000) normalized.clear();
    normalized.set(name, (v = normalizeProcessor(name)));
  }
  return v;
}

function processorSimilarity(a: string, b: string): number {
  const x = normalizedProcessor(a);
  const y = normalizedProcessor(b);
  if (x === y) return 1;
  const sa = new Set(x);
  const sb = new Set(y);
  const inter = [...sa].filter((c) => sb.has(c)).length;
  const union = new Set([...sa, ...sb]).size;
  return union === 0 ? 0 : (inter / union) * 0.5;
}

/**
 * Similarity in [0,1] of a candidate's machine spec to the requested one: Kepler's weighted sum over
 * the attributes the request gives (an attribute the candidate lacks scores 0). 1 means an exact cover.
 * `processorCache` (candidate processor → similarity) may be shared across candidates of one request.
 */
export function specSimilarity(request: MachineSpec, candidate: MachineSpec | undefined, processorCache?: Map<string, number>): number {
  let total = 0;
  let score = 0;
  for (const [attr, w] of Object.entries(SPEC_WEIGHTS) as Array<[keyof typeof SPEC_WEIGHTS, number]>) {
    const want = request[attr];
    if (want === undefined || want === null || want === '') continue;
    total += w;
    const have = candidate?.[attr];
    if (have === undefined || have === null) continue;
    let sim: number;
    if (attr === 'processor') {
      const key = String(have);
      const hit = processorCache?.get(key);
      sim = hit ?? processorSimilarity(String(want), key);
      if (hit === undefined) processorCache?.set(key, sim);
    } else sim = numericSimilarity(Number(want), Number(have));
    score += w * sim;
  }
  return total === 0 ? 0 : score / total;
}

/** What a client asks for. */
export interface ModelQuery {
  outputType?: OutputType;
  energySource?: string;
  pipeline?: string;
  /** Features the client can provide: only models whose features are all among them qualify. */
  metrics?: readonly string[];
  featureGroup?: string;
  /** −1 or undefined: any node type. */
  nodeType?: number;
  /** Fall back to other node types when none matches exactly (Kepler's `loose_node_type`, default true). */
  looseNodeType?: boolean;
  machineSpec?: MachineSpec;
  /** A trainer name (`SGDRegressorTrainer`, `linear`): the model's trainer or its name without the node-type suffix. */
  trainerName?: string;
  /** Only models with Kepler weights. */
  weightOnly?: boolean;
  filter?: readonly FilterClause[];
  /** Accuracy field that ranks candidates, lower first (default `mae`). */
  errorKey?: string;
}

function errorOf(m: StoredModel, key: string): number {
  const v = metadataNumber(m.metadata, key);
  return v === undefined || !Number.isFinite(v) ? Number.POSITIVE_INFINITY : v;
}

/**
 * Candidates for a query, best first: an exact node type when one is asked for and exists; otherwise
 * (any node type, or loose fallback) the closest machine spec when one is given; then lowest error, then id.
 */
export function rankModels(models: readonly StoredModel[], q: ModelQuery): StoredModel[] {
  const source = q.energySource ? normalizeEnergySource(q.energySource) : undefined;
  let c = models.filter((m) => qualifies(m, q, source));
  let exactNodeType = false;
  if (q.nodeType !== undefined && q.nodeType >= 0) {
    const exact = c.filter((m) => nodeTypeOf(m.metadata) === q.nodeType);
    exactNodeType = exact.length > 0;
    c = exactNodeType || q.looseNodeType === false ? exact : c;
  }
  const key = q.errorKey ?? 'mae';
  const sim = new Map<StoredModel, number>();
  if (q.machineSpec && !exactNodeType) {
    const processors = new Map<string, number>();
    for (const m of c) sim.set(m, specSimilarity(q.machineSpec, m.metadata.machine_spec, processors));
  }
  const err = new Map(c.map((m) => [m, errorOf(m, key)]));
  return [...c].sort((a, b) => (sim.get(b) ?? 0) - (sim.get(a) ?? 0) || err.get(a)! - err.get(b)! || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** True when a model meets every condition of the query (`source`: the query's source, normalised). */
function qualifies(m: StoredModel, q: ModelQuery, source: string | undefined): boolean {
  const md = m.metadata;
  if (q.outputType && md.output_type !== q.outputType) return false;
  if (source && md.energy_source !== source && normalizeEnergySource(md.energy_source) !== source) return false;
  if (q.pipeline && md.pipeline !== q.pipeline) return false;
  if (q.featureGroup && md.feature_group !== q.featureGroup) return false;
  if (q.metrics && !md.features.every((f) => q.metrics!.includes(f))) return false;
  if (q.trainerName && md.trainer !== q.trainerName && trainerOfName(md.model_name) !== q.trainerName) return false;
  if (q.weightOnly && !m.hasWeight) return false;
  return passesFilter(md, q.filter ?? []);
}

/**
 * The best model for a query (the first of {@link rankModels}), or undefined. Without a machine spec the
 * order is by error then id, so one pass finds it without filtering into a list or sorting.
 */
export function bestModel(models: readonly StoredModel[], q: ModelQuery): StoredModel | undefined {
  if (q.machineSpec) return rankModels(models, q)[0];
  const source = q.energySource ? normalizeEnergySource(q.energySource) : undefined;
  const key = q.errorKey ?? 'mae';
  const wantType = q.nodeType !== undefined && q.nodeType >= 0 ? q.nodeType : undefined;
  let best: StoredModel | undefined;
  let bestErr = 0;
  let exact: StoredModel | undefined;
  let exactErr = 0;
  for (const m of models) {
    if (!qualifies(m, q, source)) continue;
    const e = errorOf(m, key);
    if (!best || e < bestErr || (e === bestErr && m.id < best.id)) {
      best = m;
      bestErr = e;
    }
    if (wantType !== undefined && nodeTypeOf(m.metadata) === wantType && (!exact || e < exactErr || (e === exactErr && m.id < exact.id))) {
      exact = m;
      exactErr = e;
    }
  }
  if (wantType === undefined) return best;
  return exact ?? (q.looseNodeType === false ? undefined : best);
}

/** `GET /best-models`: the best model per output type and feature group. */
export function bestModelsByGroup(models: readonly StoredModel[], q: ModelQuery): Record<string, Record<string, StoredModel>> {
  const out: Record<string, Record<string, StoredModel>> = {};
  for (const m of rankModels(models, q)) {
    const byGroup = (out[m.metadata.output_type] ??= {});
    byGroup[m.metadata.feature_group] ??= m;
  }
  return out;
}
