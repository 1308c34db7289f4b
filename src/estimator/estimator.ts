/**
 * @module estimator/estimator
 * One Estimator: its nodes, the prediction cache, and the estimation itself. Per request it groups
 * nodes with the same predictor identity, status and capacity, predicts W(0..N) once per group (cached
 * per inputs for the refresh period), turns the watts into cost curves and solves the placement exactly
 * with the min-plus DP.
 */
import { costCurve, workloadCapacity } from './costs.js';
import { ErrEstimator, ErrEstimatorNoNodesAvailable } from './errors.js';
import { solvePlacement, type CostGroup } from './minplus.js';
import { statusKey, type NodeState } from './node-state.js';
import type { NodeStatus } from './types.js';

/** Most cached prediction rows per Estimator. */
const CACHE_LIMIT = 20_000;
/** Parallel group predictions per request. */
const PREDICT_CONCURRENCY = 32;

/** One k of an explained answer. */
export interface PlacementExplanation {
  k: number;
  watt_increase: number;
  /** Workloads per node (nodes with 0 left out); null when k cannot be placed. */
  placement: Record<string, number> | null;
}

/** An estimation result. */
export interface EstimateResult {
  watt_increases: number[];
  explain?: PlacementExplanation[];
}

/** A node group of one request. */
interface Group {
  /** Predictor identity and status: the prediction cache key without the request. */
  key: string;
  nodes: NodeState[];
  status: NodeStatus;
  capacity: number;
}

/** An Estimator `{namespace}/{name}` over a set of nodes. */
export class Estimator {
  private readonly cache = new Map<string, { watts: number[]; expires: number }>();

  constructor(
    readonly namespace: string,
    readonly name: string,
    readonly nodes: readonly NodeState[],
    private readonly now: () => number = Date.now,
  ) {}

  /** Largest allocatable CPU over the nodes (millicores), when any node's is known. */
  largestNodeMilli(): number | undefined {
    let max: number | undefined;
    for (const n of this.nodes) if (n.node.allocatableMilli !== undefined) max = Math.max(max ?? 0, n.node.allocatableMilli);
    return max;
  }

  /** Starts every node's monitor loop. */
  start(): void {
    for (const n of this.nodes) n.start();
  }

  /** Stops every node's monitor loop. */
  stop(): void {
    for (const n of this.nodes) n.stop();
  }

  /** Predicted watts W(0..n) of a node for `cpuMilli` per workload: cached (the result must not be modified), failures as +Inf entries. */
  async predictRow(state: NodeState, cpuMilli: number, n: number, status: NodeStatus = state.status(), key?: string): Promise<number[]> {
    if (state.predictor instanceof Error) return new Array<number>(n + 1).fill(Infinity);
    const predictor = state.predictor;
    key ??= `${predictor.identity(state.node)}|${statusKey(status)}|${cpuMilli}`;
    const t = this.now();
    const hit = this.cache.get(key);
    if (hit && hit.expires > t && hit.watts.length >= n + 1) return hit.watts.length === n + 1 ? hit.watts : hit.watts.slice(0, n + 1);
    const requests = Array.from({ length: n + 1 }, (_v, j) => j * cpuMilli);
    let watts: number[];
    try {
      watts = await predictor.predict(requests, status, state.node, AbortSignal.timeout(30_000));
      if (watts.length !== n + 1) throw new Error(`predictor returned ${watts.length} values for ${n + 1} requests`);
      state.lastPredictionError = undefined;
    } catch (err) {
      state.lastPredictionError = (err as Error).message;
      return new Array<number>(n + 1).fill(Infinity);
    }
    if (watts.every((w) => Number.isFinite(w))) {
      if (this.cache.size >= CACHE_LIMIT) this.evict(t);
      this.cache.set(key, { watts, expires: t + state.refreshMs });
    }
    return watts;
  }

  /** Drops expired entries, or everything when none expired. */
  private evict(t: number): void {
    for (const [k, v] of this.cache) if (v.expires <= t) this.cache.delete(k);
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
  }

  /** Groups nodes with the same predictor identity, status and capacity for this request. */
  groupNodes(cpuMilli: number, n: number, grouping = true): Group[] {
    const groups = new Map<string, Group>();
    const out: Group[] = [];
    for (const state of this.nodes) {
      const status = state.status();
      const capacity = Math.min(n, workloadCapacity(state.freeMilli(status), cpuMilli));
      const ident = state.predictor instanceof Error ? `error:${state.predictor.message}` : state.predictor.identity(state.node);
      const key = `${ident}|${statusKey(status)}`;
      const groupKey = `${key}|${capacity}`;
      const g = grouping ? groups.get(groupKey) : undefined;
      if (g) g.nodes.push(state);
      else {
        const ng = { key, nodes: [state], status, capacity };
        groups.set(groupKey, ng);
        out.push(ng);
      }
    }
    return out;
  }

  /** Answers `{cpu_milli, num_workloads}`: `watt_increases[k-1]` for k = 1..n, and the placements when `explain`. */
  async estimate(cpuMilli: number, n: number, opts: { explain?: boolean; grouping?: boolean } = {}): Promise<EstimateResult> {
    if (this.nodes.length === 0) throw ErrEstimatorNoNodesAvailable('no nodes available (ErrEstimatorNoNodesAvailable)');
    if (n === 0) return opts.explain ? { watt_increases: [], explain: [] } : { watt_increases: [] };
    const groups = this.groupNodes(cpuMilli, n, opts.grouping ?? true);
    const curves = new Array<CostGroup>(groups.length);
    let next = 0;
    const worker = async () => {
      while (next < groups.length) {
        const i = next++;
        const g = groups[i];
        const watts = await this.predictRow(g.nodes[0], cpuMilli, n, g.status, `${g.key}|${cpuMilli}`);
        curves[i] = { cost: costCurve(watts, g.capacity), count: g.nodes.length };
      }
    };
    await Promise.all(Array.from({ length: Math.min(PREDICT_CONCURRENCY, groups.length) }, worker));
    const sol = solvePlacement(curves, n, opts.explain ?? false);
    const watt_increases = Array.from(sol.totals.subarray(1));
    if (watt_increases.some((v) => Number.isNaN(v) || v === -Infinity)) throw ErrEstimator('one or more errors found err=the result has -Inf or NaN (ErrEstimator)');
    if (!opts.explain) return { watt_increases };
    const explain = watt_increases.map((w, i): PlacementExplanation => {
      const counts = sol.counts?.[i];
      if (!counts) return { k: i + 1, watt_increase: w, placement: null };
      const placement: Record<string, number> = {};
      counts.forEach((perNode, g) => perNode.forEach((c, j) => {
        if (c > 0) placement[groups[g].nodes[j].node.name] = c;
      }));
      return { k: i + 1, watt_increase: w, placement };
    });
    return { watt_increases, explain };
  }
}
