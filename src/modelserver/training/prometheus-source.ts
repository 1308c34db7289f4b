/**
 * @module modelserver/training/prometheus-source
 * Training data from a Prometheus server (`/api/v1/query_range`) over the node agent's metrics. Each
 * feature and target is one PromQL query returning one series per node (`node_name`); rows are the
 * (node, timestamp) pairs where every query has a value. Built-in queries cover what the agent
 * exports; any name can be given its own query.
 *
 * | name | default query |
 * |---|---|
 * | `cpu_busy_ratio` | `avg by (node_name) (kepler_node_cpu_usage_ratio)` |
 * | `bpf_cpu_time_ms` | busy ratio × logical CPUs (`count(kepler_node_cpu_info)`) × 1000 |
 * | `<zone>_watts` | `sum by (node_name) (kepler_node_cpu_watts{zone="<zone>"})` |
 * | `platform_watts` | `sum by (node_name) (kepler_platform_watts)` |
 * | `gpu_watts` | `sum by (node_name) (kepler_node_gpu_watts)` |
 */
import type { Dataset } from '../../models/types.js';
import { ERR_UPSTREAM, errorMessage } from '../../core/errors.js';
import { ERR_TRAINING_DATA } from '../errors.js';
import { componentName, type SourcedDataset } from './table-source.js';

/** Prometheus refuses more points than this per series. */
export const MAX_POINTS_PER_SERIES = 11000;

/** Largest Prometheus answer read (bytes). */
export const MAX_RESPONSE_BYTES = 128 * 1024 * 1024;

/** Reads a response body as text, failing once it exceeds `max` bytes. */
export async function readLimited(res: Response, max: number, what: string): Promise<string> {
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > max) throw ERR_TRAINING_DATA(`${what} is larger than ${max} bytes: use a shorter range or a larger step`, { field: 'step' });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The built-in query for a feature or target name, or undefined. */
export function defaultQuery(name: string): string | undefined {
  if (name === 'cpu_busy_ratio') return 'avg by (node_name) (kepler_node_cpu_usage_ratio)';
  if (name === 'bpf_cpu_time_ms') {
    return '1000 * (sum by (node_name) (kepler_node_cpu_usage_ratio) * on (node_name) count by (node_name) (kepler_node_cpu_info))';
  }
  if (name === 'platform_watts') return 'sum by (node_name) (kepler_platform_watts)';
  if (name === 'gpu_watts') return 'sum by (node_name) (kepler_node_gpu_watts)';
  const zone = /^([a-z0-9]+)_watts$/.exec(name);
  if (zone) return `sum by (node_name) (kepler_node_cpu_watts{zone="${zone[1]}"})`;
  return undefined;
}

/** What to fetch. */
export interface PrometheusSourceOptions {
  /** Base URL of the Prometheus server (e.g. `http://prometheus:9090`). */
  url: string;
  /** Unix seconds. */
  start: number;
  end: number;
  /** Resolution in seconds. */
  step: number;
  features: readonly string[];
  /** Target names (components are the names without `_watts`). */
  targets: readonly string[];
  /** Queries by name, overriding the built-in ones. */
  queries?: Readonly<Record<string, string>>;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
}

interface MatrixSeries {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}

/** Validates a Prometheus base URL (http or https, no credentials in it). */
export function checkPrometheusUrl(url: string, field = 'url'): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw ERR_TRAINING_DATA(`${JSON.stringify(url)} is not a URL`, { field });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw ERR_TRAINING_DATA(`Prometheus URL must be http or https, got ${u.protocol}`, { field });
  if (u.username || u.password) throw ERR_TRAINING_DATA('put no credentials in the Prometheus URL', { field });
  return u;
}

async function queryRange(base: URL, query: string, o: PrometheusSourceOptions): Promise<MatrixSeries[]> {
  const u = new URL('api/v1/query_range', base.href.endsWith('/') ? base.href : base.href + '/');
  u.searchParams.set('query', query);
  u.searchParams.set('start', String(o.start));
  u.searchParams.set('end', String(o.end));
  u.searchParams.set('step', String(o.step));
  let res: Response;
  try {
    res = await fetch(u, { signal: AbortSignal.timeout(o.timeoutMs ?? 30_000) });
  } catch (err) {
    throw ERR_UPSTREAM(`Prometheus at ${base.origin} did not answer: ${errorMessage(err)}`, { field: 'url' }, { cause: err });
  }
  const text = await readLimited(res, MAX_RESPONSE_BYTES, `Prometheus answer for ${query}`);
  let body: { status?: string; error?: string; data?: { resultType?: string; result?: MatrixSeries[] } };
  try {
    body = JSON.parse(text);
  } catch {
    throw ERR_UPSTREAM(`Prometheus answered ${res.status} with non-JSON for ${query}`, { field: 'url' });
  }
  if (!res.ok || body.status !== 'success') throw ERR_TRAINING_DATA(`Prometheus rejected ${query}: ${body.error ?? res.status}`, { field: 'query' });
  if (body.data?.resultType !== 'matrix' || !Array.isArray(body.data.result))
    throw ERR_UPSTREAM(`Prometheus returned no matrix for ${query}`, { field: 'url' });
  return body.data.result;
}

/** Fetches every query and joins them into a data set (rows: node × timestamp with all values present). */
export async function datasetFromPrometheus(o: PrometheusSourceOptions): Promise<SourcedDataset> {
  const base = checkPrometheusUrl(o.url);
  if (!(o.end > o.start)) throw ERR_TRAINING_DATA('the time range is empty: end must be after start', { field: 'end' });
  if (!(o.step > 0)) throw ERR_TRAINING_DATA('step must be positive', { field: 'step' });
  const points = Math.floor((o.end - o.start) / o.step) + 1;
  if (points > MAX_POINTS_PER_SERIES) {
    throw ERR_TRAINING_DATA(`the range has ${points} steps; Prometheus allows ${MAX_POINTS_PER_SERIES}: use a larger step or a shorter range`, {
      field: 'step',
    });
  }
  const names = [...o.features, ...o.targets];
  const queries = names.map((n) => {
    const q = o.queries?.[n] ?? defaultQuery(n);
    if (!q) throw ERR_TRAINING_DATA(`no built-in Prometheus query for ${n}; give one (name=PROMQL)`, { field: 'query' });
    return q;
  });
  const results = await Promise.all(queries.map((q) => queryRange(base, q, o)));
  const columns = results.map((series, i) => {
    const m = new Map<string, number>();
    for (const s of series) {
      const node = s.metric.node_name ?? s.metric.instance ?? '';
      for (const [t, v] of s.values) {
        const x = Number(v);
        if (Number.isFinite(x)) m.set(`${node}\u0000${t}`, x);
      }
    }
    if (m.size === 0)
      throw ERR_TRAINING_DATA(
        `no samples for ${names[i]} between ${new Date(o.start * 1000).toISOString()} and ${new Date(o.end * 1000).toISOString()} (query: ${queries[i]})`,
        { field: 'query' },
      );
    return m;
  });
  const keys = [...columns[0].keys()].filter((k) => columns.every((c) => c.has(k)));
  keys.sort((a, b) => {
    const [na, ta] = a.split('\u0000');
    const [nb, tb] = b.split('\u0000');
    return na.localeCompare(nb) || Number(ta) - Number(tb);
  });
  if (keys.length === 0) throw ERR_TRAINING_DATA('the queries have no timestamp in common', { field: 'query' });
  const nf = o.features.length;
  const data: Dataset = {
    features: [...o.features],
    components: o.targets.map(componentName),
    X: keys.map((k) => columns.slice(0, nf).map((c) => c.get(k)!)),
    Y: keys.map((k) => columns.slice(nf).map((c) => c.get(k)!)),
    groups: keys.map((k) => k.split('\u0000')[0]),
  };
  const times = keys.map((k) => Number(k.split('\u0000')[1]));
  const nodes = new Set(data.groups).size;
  return { data, notes: [`${keys.length} samples from ${nodes} node(s)`], span: [Math.min(...times), Math.max(...times)] };
}
