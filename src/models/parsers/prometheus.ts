/**
 * @module models/parsers/prometheus
 * Prometheus `query_range` matrix dumps → a data set. Accepted inputs: an HTTP API response
 * (`{status, data: {resultType: "matrix", result: [...]}}`), a bare `result` array, or Kepler's saved form
 * `{<metric or query>: response | result}` (the key names the series when they carry no `__name__`).
 *
 * Series are turned into named columns by mappings (the defaults cover Kepler's and powerplane's
 * `kepler_*` families): counters become per-second rates per series (diff / Δt; a negative diff is a
 * counter reset and drops that timestamp), gauges are used as they are, and the series of one name are
 * summed per timestamp (all containers/processes; all RAPL `mode`s). For each name the first mapping that
 * matches any series wins, so process-level CPU time is not added to container-level CPU time. Rows are
 * the timestamps where every selected column has a value.
 */
import type { Dataset } from '../types.js';
import { ERR_MALFORMED_FILE } from '../../core/errors.js';
import { ERR_MODEL_BAD_DATASET } from '../errors.js';
import { FEATURE_ALIASES, KNOWN_FEATURES } from '../features.js';
import { MAX_DATASET_ROWS } from '../dataset.js';

/** One series of a matrix result. */
export interface PromSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

/** How series become a column. */
export interface PromMapping {
  /** Series name (`__name__`, or the key of the saved form) to match. */
  metric: string | RegExp;
  /** Column name; a function gets the series labels and the regex match (undefined: skip the series). */
  name: string | ((labels: Record<string, string>, match: RegExpExecArray | null) => string | undefined);
  role: 'feature' | 'target';
  /** Counter (rate per second) or gauge. */
  counter: boolean;
  /** Multiplier applied to the value or rate (e.g. 1000 for CPU seconds → ms). */
  factor?: number;
}

const keplerFeature = (m: RegExpExecArray | null): string | undefined => {
  const raw = m?.[1];
  if (!raw) return undefined;
  const name = FEATURE_ALIASES[raw] ?? raw;
  return KNOWN_FEATURES.has(name) ? name : undefined;
};

/** Default mappings for Kepler (≤ 0.9 and ≥ 0.10) and powerplane agent metrics, in priority order. */
export const DEFAULT_PROM_MAPPINGS: readonly PromMapping[] = Object.freeze([
  // CPU time: the agent and Kepler ≥ 0.10 export CPU seconds; prefer processes (they cover the whole node).
  { metric: 'kepler_process_cpu_seconds_total', name: 'bpf_cpu_time_ms', role: 'feature', counter: true, factor: 1000 },
  { metric: 'kepler_container_cpu_seconds_total', name: 'bpf_cpu_time_ms', role: 'feature', counter: true, factor: 1000 },
  // Kepler ≤ 0.9 per-container (then per-process) feature counters.
  { metric: /^kepler_container_(.+)_total$/, name: (_l, m) => keplerFeature(m), role: 'feature', counter: true },
  { metric: /^kepler_process_(.+)_total$/, name: (_l, m) => keplerFeature(m), role: 'feature', counter: true },
  { metric: 'kepler_node_cpu_usage_ratio', name: 'cpu_busy_ratio', role: 'feature', counter: false },
  // Targets: Kepler ≥ 0.10 zones, Kepler ≤ 0.9 components, platform.
  { metric: 'kepler_node_cpu_joules_total', name: (l) => l.zone, role: 'target', counter: true },
  { metric: /^kepler_node_(package|core|uncore|dram|platform|other)_joules_total$/, name: (_l, m) => m?.[1], role: 'target', counter: true },
  { metric: 'kepler_node_cpu_watts', name: (l) => l.zone, role: 'target', counter: false },
  { metric: 'kepler_platform_watts', name: 'platform', role: 'target', counter: false },
]);

/** Options of {@link parsePrometheusRange}. */
export interface PrometheusRangeOptions {
  /** Feature columns, in order (default: every feature found, sorted). */
  features?: readonly string[];
  /** Target components, in order (default: every target found, sorted). */
  components?: readonly string[];
  /** Mappings to use instead of {@link DEFAULT_PROM_MAPPINGS}. */
  mappings?: readonly PromMapping[];
  /** Named in errors (a file path, or a URL). */
  path?: string;
}

/** Largest number of samples read over all series. */
export const MAX_PROM_SAMPLES = 20_000_000;

interface NamedSeries {
  name: string;
  series: PromSeries;
}

function collectSeries(json: unknown, where: string): NamedSeries[] {
  const bad = (why: string) => ERR_MALFORMED_FILE(`${where}: ${why}`, { path: where });
  const out: NamedSeries[] = [];
  const fromResult = (result: unknown, fallbackName: string | undefined) => {
    if (!Array.isArray(result)) throw bad('a matrix result must be a list of series');
    for (const s of result) {
      const metric = (s as PromSeries | null)?.metric;
      const values = (s as PromSeries | null)?.values;
      if (typeof metric !== 'object' || metric === null || !Array.isArray(values)) throw bad('each series needs metric labels and values');
      const name = metric.__name__ ?? fallbackName;
      if (!name) throw bad('a series has no __name__ and no query key');
      out.push({ name, series: { metric, values } });
    }
  };
  const fromResponse = (r: unknown, fallbackName: string | undefined): boolean => {
    if (Array.isArray(r)) {
      fromResult(r, fallbackName);
      return true;
    }
    const data = (r as { data?: { resultType?: unknown; result?: unknown }; status?: unknown } | null)?.data;
    if (data && typeof data === 'object' && 'result' in data) {
      if ((r as { status?: unknown }).status !== undefined && (r as { status?: unknown }).status !== 'success')
        throw bad('the response status is not success');
      if (data.resultType !== undefined && data.resultType !== 'matrix')
        throw bad(`resultType is ${String(data.resultType)}, expected matrix (use query_range)`);
      fromResult(data.result, fallbackName);
      return true;
    }
    return false;
  };
  if (fromResponse(json, undefined)) return out;
  if (typeof json !== 'object' || json === null) throw bad('not a Prometheus range response');
  for (const [key, r] of Object.entries(json as Record<string, unknown>)) {
    if (!fromResponse(r, key)) throw bad(`entry ${key} is not a Prometheus range response`);
  }
  return out;
}

/** Per-timestamp values of one series (rates for counters), with invalid (reset) timestamps. */
function seriesPoints(s: PromSeries, counter: boolean, factor: number, where: string): { points: Map<number, number>; invalid: Set<number> } {
  const pts: [number, number][] = [];
  for (const p of s.values) {
    const t = Number(p?.[0]);
    const raw = p?.[1];
    // Prometheus writes NaN and ±Inf as strings; such samples are missing values, anything else non-numeric is malformed.
    if (raw === 'NaN' || raw === '+Inf' || raw === '-Inf') continue;
    const v = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
    if (!Number.isFinite(t) || !Number.isFinite(v))
      throw ERR_MALFORMED_FILE(`${where}: a sample is not [timestamp, "value"]: ${JSON.stringify(p).slice(0, 80)}`, { path: where });
    pts.push([t, v]);
  }
  pts.sort((a, b) => a[0] - b[0]);
  const points = new Map<number, number>();
  const invalid = new Set<number>();
  if (!counter) {
    for (const [t, v] of pts) points.set(t, v * factor);
    return { points, invalid };
  }
  for (let i = 1; i < pts.length; i++) {
    const dt = pts[i][0] - pts[i - 1][0];
    const dv = pts[i][1] - pts[i - 1][1];
    if (dt <= 0 || dv < 0) invalid.add(pts[i][0]);
    else points.set(pts[i][0], (dv / dt) * factor);
  }
  return { points, invalid };
}

/**
 * Prometheus range dump(s) → a data set (rows = common timestamps, ascending).
 * @throws PP_MALFORMED_FILE for input that is not a range response; PP_MODEL_BAD_DATASET when a requested
 * feature or component is absent or no timestamp has every column.
 */
export function parsePrometheusRange(json: unknown, options: PrometheusRangeOptions = {}): Dataset {
  const where = options.path ?? 'prometheus';
  const all = collectSeries(json, where);
  const total = all.reduce((s, x) => s + x.series.values.length, 0);
  if (total > MAX_PROM_SAMPLES) throw ERR_MALFORMED_FILE(`${where}: more than ${MAX_PROM_SAMPLES} samples`, { path: where });
  const mappings = options.mappings ?? DEFAULT_PROM_MAPPINGS;
  // name → the index of the mapping that owns it, and its series.
  const owner = new Map<string, { role: 'feature' | 'target'; rank: number; mapping: PromMapping; series: PromSeries[] }>();
  for (const { name: seriesName, series } of all) {
    mappings.forEach((m, rank) => {
      const match = typeof m.metric === 'string' ? (m.metric === seriesName ? null : undefined) : m.metric.exec(seriesName);
      if (match === undefined || (m.metric instanceof RegExp && match === null)) return;
      const col = typeof m.name === 'string' ? m.name : m.name(series.metric, match);
      if (!col) return;
      const key = `${m.role}:${col}`;
      const cur = owner.get(key);
      if (!cur || rank < cur.rank) owner.set(key, { role: m.role, rank, mapping: m, series: [series] });
      else if (rank === cur.rank) cur.series.push(series);
    });
  }
  const columns = new Map<string, { points: Map<number, number>; invalid: Set<number> }>();
  for (const [key, o] of owner) {
    let series = o.series;
    // Multi-socket zones: prefer the agent's aggregated series over the per-socket ones.
    if (o.role === 'target' && series.some((s) => s.metric.path?.startsWith('aggregated-')))
      series = series.filter((s) => s.metric.path?.startsWith('aggregated-'));
    const sum = new Map<number, number>();
    const invalid = new Set<number>();
    for (const s of series) {
      const r = seriesPoints(s, o.mapping.counter, o.mapping.factor ?? 1, where);
      for (const [t, v] of r.points) sum.set(t, (sum.get(t) ?? 0) + v);
      for (const t of r.invalid) invalid.add(t);
    }
    columns.set(key, { points: sum, invalid });
  }
  const found = (role: string) =>
    [...columns.keys()]
      .filter((k) => k.startsWith(`${role}:`))
      .map((k) => k.slice(role.length + 1))
      .sort();
  const features = options.features ? [...options.features] : found('feature');
  const components = options.components ? [...options.components] : found('target');
  for (const f of features)
    if (!columns.has(`feature:${f}`))
      throw ERR_MODEL_BAD_DATASET(`${where}: no series for feature ${f} (found: ${found('feature').join(', ') || 'none'})`, {
        field: 'features',
        path: where,
      });
  for (const c of components)
    if (!columns.has(`target:${c}`))
      throw ERR_MODEL_BAD_DATASET(`${where}: no series for component ${c} (found: ${found('target').join(', ') || 'none'})`, {
        field: 'components',
        path: where,
      });
  if (features.length === 0) throw ERR_MODEL_BAD_DATASET(`${where}: no feature series found`, { field: 'features', path: where });
  if (components.length === 0) throw ERR_MODEL_BAD_DATASET(`${where}: no target (power) series found`, { field: 'components', path: where });
  const cols = [...features.map((f) => columns.get(`feature:${f}`)!), ...components.map((c) => columns.get(`target:${c}`)!)];
  const timestamps = [...cols[0].points.keys()].filter((t) => cols.every((c) => c.points.has(t) && !c.invalid.has(t))).sort((a, b) => a - b);
  if (timestamps.length === 0) throw ERR_MODEL_BAD_DATASET(`${where}: no timestamp has every feature and component`, { path: where });
  if (timestamps.length > MAX_DATASET_ROWS) throw ERR_MODEL_BAD_DATASET(`${where}: more than ${MAX_DATASET_ROWS} rows`, { path: where });
  const nf = features.length;
  return {
    features,
    components,
    X: timestamps.map((t) => cols.slice(0, nf).map((c) => c.points.get(t)!)),
    Y: timestamps.map((t) => cols.slice(nf).map((c) => c.points.get(t)!)),
    timestamps,
  };
}
