/**
 * @module operator/capping/node-costs
 * Where a moved pod adds the fewest watts: the estimator's per-node cost curves (the estimator's
 * `GET /namespaces/{ns}/estimators/{name}/nodes?cpu_milli=C&num_workloads=1`, answered by the same
 * `predictRow` the scheduler extender ranks nodes with: W(1) − W(0), the watts one pod adds), and the
 * ranking of Migrate destinations.
 */
import { fetchText } from '../../estimator/http-client.js';
import { decodeInf } from '../../estimator/client.js';
import { parseCpuMilli } from '../../estimator/monitors/quantity.js';
import type { CapNodeState } from '../../capping/algorithm/types.js';
import type { KubeObject } from '../../kube/types.js';

/** Watts one pod of `cpuMilli` adds on each node, by node name (+Inf: the estimator cannot place it there). */
export interface NodeCostSource {
  addedWatts(cpuMilli: number): Promise<ReadonlyMap<string, number>>;
}

/** Options of {@link EstimatorNodeCosts}. */
export interface EstimatorNodeCostsOptions {
  /** Base URL of `powerplane estimator` (or `up`). */
  url: string;
  /** The Estimator, `namespace/name`. */
  estimator: string;
  apiKey?: string;
  timeoutMs?: number;
}

/** The per-node curves of one Estimator over HTTP. */
export class EstimatorNodeCosts implements NodeCostSource {
  readonly #o: EstimatorNodeCostsOptions;

  constructor(o: EstimatorNodeCostsOptions) {
    this.#o = o;
  }

  /** Rejects when the estimator does not answer 200 with `{nodes: [{name, curve: {watts}}]}`. */
  async addedWatts(cpuMilli: number): Promise<ReadonlyMap<string, number>> {
    const [ns, name] = this.#o.estimator.split('/');
    const url = `${this.#o.url.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(ns)}/estimators/${encodeURIComponent(name)}/nodes?cpu_milli=${Math.max(0, Math.round(cpuMilli))}&num_workloads=1`;
    const res = await fetchText(url, {
      timeoutMs: this.#o.timeoutMs ?? 5000,
      headers: { accept: 'application/json', ...(this.#o.apiKey ? { 'x-api-key': this.#o.apiKey } : {}) },
    });
    if (res.status !== 200)
      throw new Error(`estimator ${this.#o.estimator} at ${this.#o.url} answered HTTP ${res.status}: ${res.body.slice(0, 200)}`);
    const body = JSON.parse(res.body) as { nodes?: Array<{ name?: unknown; curve?: { watts?: unknown[] } }> };
    const out = new Map<string, number>();
    // The curve is W(0..1): the node's predicted watts now and with one more pod; the pod adds the difference.
    for (const n of body.nodes ?? []) {
      const [w0, w1] = n.curve?.watts ?? [];
      if (typeof n.name === 'string' && typeof w0 === 'number' && typeof w1 === 'number')
        out.set(n.name, decodeInf(w0) === Infinity || decodeInf(w1) === Infinity ? Infinity : decodeInf(w1) - decodeInf(w0));
    }
    return out;
  }
}

/** CPU (millicores) one pod of a Deployment/StatefulSet requests: the sum over its template's containers; undefined without requests. */
export function podCpuMilli(workload: KubeObject | undefined): number | undefined {
  const containers =
    (workload?.spec as { template?: { spec?: { containers?: Array<{ resources?: { requests?: { cpu?: unknown } } }> } } } | undefined)?.template?.spec
      ?.containers ?? [];
  let sum = 0;
  let any = false;
  for (const c of containers) {
    const m = parseCpuMilli(c.resources?.requests?.cpu);
    if (m !== undefined) {
      sum += m;
      any = true;
    }
  }
  return any ? sum : undefined;
}

/**
 * The nodes preferred for the replacements of moved pods, best first (at most 10): nodes an algorithm
 * named (`toNode`) first, then, with the estimator's figures (`added`: watts the pod adds per node), the
 * nodes where it adds the fewest watts (nodes it cannot be placed on left out, nodes without a figure
 * after), then by PowerNode headroom and watts; never a node a moved pod leaves.
 */
export function preferredNodes(
  nodes: readonly CapNodeState[],
  moves: ReadonlyArray<{ pod: string; toNode?: string }>,
  t: { pods: ReadonlyArray<{ name: string; node?: string }> },
  added?: ReadonlyMap<string, number>,
): string[] {
  const leaving = new Set(moves.map((m) => t.pods.find((p) => p.name === m.pod)?.node).filter((n): n is string => n !== undefined));
  const explicit = moves.map((m) => m.toNode).filter((n): n is string => n !== undefined);
  const byName = new Map(nodes.map((n) => [n.name, n]));
  for (const name of added?.keys() ?? []) if (!byName.has(name)) byName.set(name, { name, watts: Infinity });
  const cost = (name: string) => added?.get(name) ?? NaN;
  const ranked = [...byName.values()]
    .filter((n) => !leaving.has(n.name) && cost(n.name) !== Infinity)
    .sort((a, b) => {
      const ca = cost(a.name);
      const cb = cost(b.name);
      if (Number.isNaN(ca) !== Number.isNaN(cb)) return Number.isNaN(ca) ? 1 : -1;
      return (
        (Number.isNaN(ca) ? 0 : ca - cb) ||
        (b.headroomWatts ?? -Infinity) - (a.headroomWatts ?? -Infinity) ||
        a.watts - b.watts ||
        a.name.localeCompare(b.name)
      );
    })
    .map((n) => n.name);
  return [...new Set([...explicit, ...ranked])].slice(0, 10);
}
