/**
 * @module estimator/placement/federation
 * Asks several clusters' estimators (WAO-compatible API) for the same request in parallel and splits the
 * workloads across them ({@link splitAcrossClusters}); a cluster that fails or times out counts as +Inf
 * (it takes none) and its error is reported. Used by `powerplane place` and `POST /placement`.
 */
import { ErrEstimatorInvalidRequest } from '../errors.js';
import { encodeInf } from '../routes.js';
import { estimateUrl, requestEstimate } from '../client.js';
import { splitAcrossClusters } from './split.js';
import { errorMessage } from '../../core/errors.js';

/** One member cluster. */
export interface ClusterEndpoint {
  /** Cluster name (the key of the answer's `placement`). */
  name: string;
  /** Base URL of its estimator, e.g. `http://estimator.east:5656`. */
  endpoint: string;
  /** Estimator `namespace/name` (default `default/default`). */
  estimator: string;
  /** X-API-KEY for that estimator, if it needs one. */
  apiKey?: string;
}

/** The answer, as `POST /placement` and `place -o json` print it (+Inf as 1.7976931348623157e308). */
export interface PlacementAnswer {
  cpu_milli: number;
  num_workloads: number;
  /** Least total watts added across all clusters. */
  total_watt_increase: number;
  /** Workloads per cluster; null when no split places them all. */
  placement: Record<string, number> | null;
  clusters: { name: string; endpoint: string; watt_increases: number[]; error: string | null }[];
}

/** Most clusters per request. */
export const MAX_CLUSTERS = 64;
const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const ESTIMATOR = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** Checks one cluster entry; ErrEstimatorInvalidRequest naming `field` otherwise. */
export function checkCluster(c: { name?: unknown; endpoint?: unknown; estimator?: unknown; apiKey?: unknown }, field: string): ClusterEndpoint {
  if (typeof c.name !== 'string' || !NAME.test(c.name))
    throw ErrEstimatorInvalidRequest(`${field}.name must be a cluster name (letters, digits, - _ .)`, { field: `${field}.name` });
  let url: URL | undefined;
  try {
    url = typeof c.endpoint === 'string' ? new URL(c.endpoint) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password)
    throw ErrEstimatorInvalidRequest(`${field}.endpoint must be an http(s) URL without credentials`, { field: `${field}.endpoint` });
  const estimator = c.estimator ?? 'default/default';
  if (typeof estimator !== 'string' || !ESTIMATOR.test(estimator))
    throw ErrEstimatorInvalidRequest(`${field}.estimator must be namespace/name`, { field: `${field}.estimator` });
  if (c.apiKey !== undefined && (typeof c.apiKey !== 'string' || c.apiKey.length > 1024))
    throw ErrEstimatorInvalidRequest(`${field}.apiKey must be a string`, { field: `${field}.apiKey` });
  return { name: c.name, endpoint: c.endpoint as string, estimator, apiKey: c.apiKey as string | undefined };
}

/** Asks every cluster and returns the best split. */
export async function placeAcrossClusters(
  clusters: readonly ClusterEndpoint[],
  cpuMilli: number,
  n: number,
  timeoutMs = 15_000,
): Promise<PlacementAnswer> {
  const answers = await Promise.all(
    clusters.map(async (c) => {
      const [ns, name] = c.estimator.split('/', 2);
      try {
        const pc = await requestEstimate(
          estimateUrl(c.endpoint, ns, name),
          { cpu_milli: cpuMilli, num_workloads: n },
          c.apiKey ? { 'X-API-KEY': c.apiKey } : {},
          timeoutMs,
        );
        if (pc.watt_increases.length !== n || pc.watt_increases.some((v) => typeof v !== 'number' || Number.isNaN(v)))
          throw new Error(`the estimator answered ${pc.watt_increases.length} values for ${n} workloads`);
        return { c, wattIncreases: pc.watt_increases, error: null as string | null };
      } catch (err) {
        return { c, wattIncreases: new Array<number>(n).fill(Infinity), error: errorMessage(err) };
      }
    }),
  );
  const split = splitAcrossClusters(
    answers.map((a) => ({ name: a.c.name, wattIncreases: a.wattIncreases })),
    n,
  );
  return {
    cpu_milli: cpuMilli,
    num_workloads: n,
    total_watt_increase: encodeInf(split.total),
    placement: split.counts ?? null,
    clusters: answers.map((a) => ({ name: a.c.name, endpoint: a.c.endpoint, watt_increases: a.wattIncreases.map(encodeInf), error: a.error })),
  };
}
