/**
 * @module estimator/estimator
 * One Estimator: its nodes, the prediction cache, and the estimation itself.
 *
 * What does not depend on the request is prepared once per change of the nodes (a monitor refresh, a
 * reading going stale), not per request: the {@link NodeSnapshot} groups nodes with the same predictor
 * identity and status, and orders each group by free CPU. A request then only splits each group by
 * capacity (a linear pass), predicts W(0..N) once per group (cached per inputs for the refresh period,
 * as typed arrays), turns the watts into cost curves (or exact slopes, for linear predictors) and
 * solves the placement exactly ({@link PlacementSolver}). When every predictor is linear, the groups
 * ordered by slope are kept with the snapshot per cpu_milli, and a request (without `explain`) is only a
 * walk down that order ({@link linearTotals}). Long work yields to the event loop, and an
 * answer not ready within the deadline becomes a 503 with Retry-After while the work goes on: a retry
 * with the same question gets its result.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { costCurve, workloadCapacity } from './costs.js';
import { ErrEstimator, ErrEstimatorDeadlineExceeded, ErrEstimatorNoNodesAvailable } from './errors.js';
import type { CostGroup, PlacementSolution } from './minplus.js';
import { STALE_AFTER_INTERVALS, statusKey, type NodeState } from './node-state.js';
import { linearTotals, orderBySlope, type SlopeGroup } from './linear.js';
import { infiniteReasons } from './reasons.js';
import { PlacementSolver } from './solver.js';
import type { NodeInfo, NodeStatus, PowerPredictor } from './types.js';
import { errorMessage } from '../core/errors.js';

/** Cached prediction values per Estimator: at least this many, else 4 rows of N+1 per node. */
const CACHE_MIN_VALUES = 1 << 20;
/** Slopes remembered per node group (distinct cpu_milli values). */
const SLOPES_PER_GROUP = 64;
/** Bound on the predictions of one estimation (ms). */
export const PREDICT_TIMEOUT_MS = 30_000;
/** Parallel group predictions per request. */
const PREDICT_CONCURRENCY = 32;
/** Longest stretch of synchronous work (ms) before an estimation yields to the event loop. */
const YIELD_AFTER_MS = 10;
/** Default deadline of one estimation (ms). */
export const DEFAULT_DEADLINE_MS = 10_000;

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

/** Options of one estimation. */
export interface EstimateOptions {
  explain?: boolean;
  /** Group identical nodes (default true; false solves node by node, for comparison). */
  grouping?: boolean;
  /** Answer within this many ms or reject with ErrEstimatorDeadlineExceeded (default: the Estimator's). */
  deadlineMs?: number;
}

/** Nodes with one predictor identity and status, ordered by free CPU (most first). */
export interface BaseGroup {
  /** Predictor identity and status: the prediction cache key without the request. */
  key: string;
  nodes: NodeState[];
  /** Free CPU per node (millicores; +Inf when unknown), non-increasing. */
  free: Float64Array;
  status: NodeStatus;
  /** Exact slopes by cpu_milli (undefined: the predictor is not linear), for this snapshot. */
  slopes: Map<number, number | undefined>;
}

/** The request-independent view of the nodes, rebuilt when a node's status changes. */
export interface NodeSnapshot {
  version: number;
  groups: BaseGroup[];
  /** When a reading in it goes stale (ms since epoch). */
  validUntil: number;
  /**
   * By cpu_milli: the groups ordered by exact slope when every predictor is linear (see
   * {@link linearTotals}), null when one is not.
   */
  bySlope: Map<number, SlopeGroup[] | null>;
  /** The groups ordered by watts per core when every predictor gives it (see {@link linearTotals}), else null; undefined until asked. */
  byCore?: SlopeGroup[] | null;
}

/** The nodes of one request that share a cost curve: `base.nodes[from..to)`, each taking at most `capacity`. */
export interface RequestGroup {
  base: BaseGroup;
  from: number;
  to: number;
  capacity: number;
}

/** The snapshot's groups ordered by the exact figure `of` gives each ({@link orderBySlope}); null when it gives none for one. */
function orderGroups(snap: NodeSnapshot, of: (base: BaseGroup) => number | undefined): SlopeGroup[] | null {
  const groups: SlopeGroup[] = [];
  for (const base of snap.groups) {
    const slope = of(base);
    if (slope === undefined) return null;
    groups.push({ slope, free: base.free });
  }
  return orderBySlope(groups);
}

/** An Estimator `{namespace}/{name}` over a set of nodes. */
export class Estimator {
  private readonly cache = new Map<string, { watts: Float64Array; costs: Map<string, Float64Array>; expires: number }>();
  private cachedValues = 0;
  private snap?: NodeSnapshot;
  private dirty = true;
  private version = 0;
  /** Estimations that missed their deadline, kept so a retry gets their result. */
  private readonly late = new Map<string, Promise<EstimateResult>>();
  private readonly solver: PlacementSolver;
  private readonly deadlineMs: number;
  /** See {@link largestNodeMilli}: the nodes and their allocatable CPU are fixed for an Estimator's life. */
  private readonly largestMilli: number | undefined;

  constructor(
    readonly namespace: string,
    readonly name: string,
    readonly nodes: readonly NodeState[],
    private readonly now: () => number = Date.now,
    opts: { deadlineMs?: number; solver?: PlacementSolver } = {},
  ) {
    this.deadlineMs = opts.deadlineMs ?? DEFAULT_DEADLINE_MS;
    this.solver = opts.solver ?? new PlacementSolver({ maxSolveMs: 10 * this.deadlineMs });
    for (const n of nodes) n.onUpdate = () => (this.dirty = true);
    let max: number | undefined;
    for (const n of nodes) if (n.node.allocatableMilli !== undefined) max = Math.max(max ?? 0, n.node.allocatableMilli);
    this.largestMilli = max;
  }

  /** Largest allocatable CPU over the nodes (millicores), when any node's is known. */
  largestNodeMilli(): number | undefined {
    return this.largestMilli;
  }

  /** Starts every node's monitor loop. */
  start(): void {
    for (const n of this.nodes) n.start();
  }

  /** Stops every node's monitor loop and any solve in progress. */
  stop(): void {
    for (const n of this.nodes) n.stop();
    this.solver.close();
  }

  /**
   * Predicted watts W(0..n) of a node for `cpuMilli` per workload: cached (do not modify), failures as +Inf
   * entries. `signal` bounds the prediction (default 30 s).
   */
  async predictRow(
    state: NodeState,
    cpuMilli: number,
    n: number,
    status: NodeStatus = state.status(),
    key?: string,
    signal?: AbortSignal,
  ): Promise<Float64Array> {
    if (state.predictor instanceof Error) return new Float64Array(n + 1).fill(Infinity);
    const predictor = state.predictor;
    key ??= `${predictor.identity(state.node)}|${statusKey(status)}|${cpuMilli}`;
    const t = this.now();
    const hit = this.cache.get(key);
    if (hit && hit.expires > t && hit.watts.length >= n + 1) return hit.watts.length === n + 1 ? hit.watts : hit.watts.subarray(0, n + 1);
    const requests = new Array<number>(n + 1);
    for (let j = 0; j <= n; j++) requests[j] = j * cpuMilli;
    const watts = new Float64Array(n + 1);
    let finite = true;
    try {
      const out = await predictor.predict(requests, status, state.node, signal ?? AbortSignal.timeout(PREDICT_TIMEOUT_MS));
      if (out.length !== n + 1) throw new Error(`predictor returned ${out.length} values for ${n + 1} requests`);
      for (let j = 0; j <= n; j++) {
        const w = out[j];
        watts[j] = w;
        if (finite && !Number.isFinite(w)) finite = false;
      }
      state.lastPredictionError = undefined;
    } catch (err) {
      state.lastPredictionError = errorMessage(err);
      return watts.fill(Infinity);
    }
    if (finite) this.remember(key, watts, t + state.refreshMs, n);
    return watts;
  }

  /** Caches a row, keeping the cache within its budget (expired entries first, then the oldest). */
  private remember(key: string, watts: Float64Array, expires: number, n: number): void {
    const budget = Math.max(CACHE_MIN_VALUES, 4 * this.nodes.length * (n + 1));
    if (this.cache.has(key)) this.drop(key);
    if (this.cachedValues + watts.length > budget) {
      const t = this.now();
      for (const [k, v] of this.cache) if (v.expires <= t) this.drop(k);
      for (const k of this.cache.keys()) {
        if (this.cachedValues + watts.length <= budget) break;
        this.drop(k);
      }
    }
    this.cache.set(key, { watts, costs: new Map(), expires });
    this.cachedValues += watts.length;
  }

  /** Removes a cached row and its cost curves. */
  private drop(key: string): void {
    const entry = this.cache.get(key);
    if (!entry) return;
    this.cache.delete(key);
    this.cachedValues -= entry.watts.length;
    for (const c of entry.costs.values()) this.cachedValues -= c.length;
  }

  /** The request-independent grouping of the nodes, rebuilt only after a change. */
  snapshot(): NodeSnapshot {
    const t = this.now();
    if (this.snap && !this.dirty && t < this.snap.validUntil) return this.snap;
    this.dirty = false;
    const byKey = new Map<string, { key: string; members: { state: NodeState; free: number }[]; status: NodeStatus }>();
    let validUntil = Infinity;
    for (const state of this.nodes) {
      for (const rec of state.records) {
        if (rec.lastSuccess !== undefined && !state.isStale(rec, t))
          validUntil = Math.min(validUntil, rec.lastSuccess + STALE_AFTER_INTERVALS * state.refreshMs + 1);
      }
      const status = state.status(t);
      const ident = state.predictor instanceof Error ? `error:${state.predictor.message}` : state.predictor.identity(state.node);
      const key = `${ident}|${statusKey(status)}`;
      let g = byKey.get(key);
      if (!g) byKey.set(key, (g = { key, members: [], status }));
      g.members.push({ state, free: state.freeMilli(status) ?? Infinity });
    }
    const groups: BaseGroup[] = [];
    for (const g of byKey.values()) {
      g.members.sort((a, b) => b.free - a.free); // stable: equal free CPU keeps node order
      groups.push({
        key: g.key,
        nodes: g.members.map((m) => m.state),
        free: Float64Array.from(g.members, (m) => m.free),
        status: g.status,
        slopes: new Map(),
      });
    }
    this.snap = { version: ++this.version, groups, validUntil, bySlope: new Map() };
    return this.snap;
  }

  /** Splits the snapshot's groups by capacity for `cpuMilli` (each node alone when `grouping` is false). */
  groupNodes(cpuMilli: number, n: number, grouping = true, snap = this.snapshot()): RequestGroup[] {
    const out: RequestGroup[] = [];
    for (const base of snap.groups) {
      let from = 0;
      let cap = 0;
      for (let i = 0; i < base.nodes.length; i++) {
        const c = Math.min(n, workloadCapacity(base.free[i], cpuMilli));
        if (i === 0) cap = c;
        else if (c !== cap || !grouping) {
          out.push({ base, from, to: i, capacity: cap });
          from = i;
          cap = c;
        }
      }
      if (base.nodes.length > 0) out.push({ base, from, to: base.nodes.length, capacity: cap });
    }
    return out;
  }

  /**
   * Answers `{cpu_milli, num_workloads}`: `watt_increases[k-1]` for k = 1..n, and the placements when
   * `explain`. Rejects with ErrEstimatorDeadlineExceeded (503) when the answer takes longer than the
   * deadline; the work goes on, and the same question asked again joins it.
   */
  async estimate(cpuMilli: number, n: number, opts: EstimateOptions = {}): Promise<EstimateResult> {
    if (this.nodes.length === 0) throw ErrEstimatorNoNodesAvailable('no nodes available (ErrEstimatorNoNodesAvailable)');
    const explain = opts.explain ?? false;
    if (n === 0) return explain ? { watt_increases: [], explain: [] } : { watt_increases: [] };
    const snap = this.snapshot();
    // every predictor linear: the greedy answer from the groups ordered by slope, now (no groups, no solve)
    if (!explain) {
      const byCore = this.orderedPerCore(snap);
      if (byCore) return { watt_increases: checkedTotals(linearTotals(byCore, cpuMilli, n, true)) };
      const ordered = this.orderedBySlope(snap, cpuMilli);
      if (ordered) return { watt_increases: checkedTotals(linearTotals(ordered, cpuMilli, n)) };
    }
    const grouping = opts.grouping ?? true;
    const key = `${snap.version}|${cpuMilli}|${n}|${explain}|${grouping}`;
    let job = this.late.get(key);
    if (!job) {
      // exact slopes and a small solve: answered now, with no deadline timer and no promise chain
      const groups = this.groupNodes(cpuMilli, n, grouping, snap);
      const { curves, dense } = this.linearCosts(groups, cpuMilli);
      const sol = dense.length === 0 ? this.solver.solveInline(curves, n, explain) : undefined;
      if (sol) return this.answer(sol, groups, explain);
      job = this.compute(groups, curves, dense, cpuMilli, n, explain);
    }
    const deadlineMs = opts.deadlineMs ?? this.deadlineMs;
    let timer: NodeJS.Timeout | undefined;
    const missed = new Promise<'missed'>((resolve) => (timer = setTimeout(() => resolve('missed'), deadlineMs)));
    try {
      const first = await Promise.race([job, missed]);
      if (first !== 'missed') return first;
    } finally {
      clearTimeout(timer);
    }
    if (!this.late.has(key)) {
      this.late.set(key, job);
      // keep the outcome long enough for the retries Retry-After asks for
      const forget = () => setTimeout(() => this.late.delete(key), 3 * deadlineMs + 1000).unref();
      job.then(forget, forget);
    }
    throw ErrEstimatorDeadlineExceeded(
      `the estimation for cpu_milli=${cpuMilli}, num_workloads=${n} is not ready within ${deadlineMs / 1000} s; it goes on, retry later`,
      { retryAfterSeconds: Math.max(1, Math.ceil(deadlineMs / 1000)) },
    );
  }

  /** The snapshot's groups ordered by watts per core (once per snapshot); null when a predictor does not give it. */
  private orderedPerCore(snap: NodeSnapshot): SlopeGroup[] | null {
    if (snap.byCore === undefined) snap.byCore = orderGroups(snap, (base) => this.exactly(base, (p, node) => p.wattsPerCore?.(base.status, node)));
    return snap.byCore;
  }

  /** The snapshot's groups ordered by slope for `cpuMilli` (remembered per snapshot); null when a predictor is not linear. */
  private orderedBySlope(snap: NodeSnapshot, cpuMilli: number): SlopeGroup[] | null {
    let ordered = snap.bySlope.get(cpuMilli);
    if (ordered !== undefined) return ordered;
    ordered = orderGroups(snap, (base) => this.computeSlope(base, cpuMilli));
    if (snap.bySlope.size >= SLOPES_PER_GROUP) snap.bySlope.clear();
    snap.bySlope.set(cpuMilli, ordered);
    return ordered;
  }

  /** The estimation itself (no deadline), given the request's groups and their linear cost groups. */
  private async compute(
    groups: RequestGroup[],
    curves: CostGroup[],
    dense: number[],
    cpuMilli: number,
    n: number,
    explain: boolean,
  ): Promise<EstimateResult> {
    await this.denseCosts(groups, curves, dense, cpuMilli, n);
    const sol = await this.solver.solve(curves, n, explain);
    return this.answer(sol, groups, explain);
  }

  /**
   * The cost groups of linear predictors (exact slopes), synchronously: no rows, no promises. `curves`
   * has a hole at each index listed in `dense`, the groups whose predictor is not linear.
   */
  private linearCosts(groups: RequestGroup[], cpuMilli: number): { curves: CostGroup[]; dense: number[] } {
    const curves = new Array<CostGroup>(groups.length);
    const dense: number[] = [];
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i];
      const slope = this.slope(g.base, cpuMilli);
      if (slope === undefined) dense.push(i);
      else curves[i] = Number.isFinite(slope) ? { slope, limit: g.capacity, count: g.to - g.from } : { slope: 0, limit: 0, count: g.to - g.from };
    }
    return { curves, dense };
  }

  /** Fills `curves[i]` for each i in `dense` with a curve from the predicted row (one prediction per node group). */
  private async denseCosts(groups: RequestGroup[], curves: CostGroup[], dense: number[], cpuMilli: number, n: number): Promise<void> {
    if (dense.length === 0) return;
    const rows = new Map<BaseGroup, Promise<Float64Array>>();
    const signal = AbortSignal.timeout(PREDICT_TIMEOUT_MS);
    let lastYield = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < dense.length) {
        const i = dense[next++];
        const g = groups[i];
        const key = `${g.base.key}|${cpuMilli}`;
        let row = rows.get(g.base);
        if (!row) rows.set(g.base, (row = this.predictRow(g.base.nodes[0], cpuMilli, n, g.base.status, key, signal)));
        const watts = await row;
        curves[i] = { cost: this.costOf(key, watts, n, g.capacity), count: g.to - g.from, scale: Math.abs(watts[0]) };
        if (performance.now() - lastYield > YIELD_AFTER_MS) {
          await yieldToLoop();
          lastYield = performance.now();
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(PREDICT_CONCURRENCY, dense.length) }, worker));
  }

  /** The cost curve of a cached row for a capacity, kept with the row so repeated requests reuse it (do not modify). */
  private costOf(key: string, watts: Float64Array, n: number, capacity: number): Float64Array {
    const entry = this.cache.get(key);
    if (!entry || entry.watts.buffer !== watts.buffer) return costCurve(watts, capacity); // not cached (a failed prediction)
    const ck = `${n}|${capacity}`;
    let cost = entry.costs.get(ck);
    if (!cost) {
      cost = costCurve(watts, capacity);
      entry.costs.set(ck, cost);
      this.cachedValues += cost.length;
    }
    return cost;
  }

  /**
   * The exact watts per workload of a group whose predictor is linear (undefined when it is not);
   * +Inf when the prediction fails, so its nodes take nothing.
   */
  private slope(base: BaseGroup, cpuMilli: number): number | undefined {
    if (base.slopes.has(cpuMilli)) return base.slopes.get(cpuMilli);
    const s = this.computeSlope(base, cpuMilli);
    if (base.slopes.size >= SLOPES_PER_GROUP) base.slopes.clear();
    base.slopes.set(cpuMilli, s);
    return s;
  }

  private computeSlope(base: BaseGroup, cpuMilli: number): number | undefined {
    return this.exactly(base, (p, node) => p.slope?.(cpuMilli, base.status, node));
  }

  /**
   * An exact figure of a group's predictor (`get` answers undefined when it has none): +Inf when the
   * predictor is invalid or fails (the failure is kept as each node's prediction error).
   */
  private exactly(base: BaseGroup, get: (predictor: PowerPredictor, node: NodeInfo) => number | undefined): number | undefined {
    const state = base.nodes[0];
    if (state.predictor instanceof Error) return Infinity;
    try {
      const s = get(state.predictor, state.node);
      if (s !== undefined) for (const m of base.nodes) m.lastPredictionError = undefined;
      return s === undefined || Number.isFinite(s) ? s : Infinity;
    } catch (err) {
      for (const m of base.nodes) m.lastPredictionError = errorMessage(err);
      return Infinity;
    }
  }

  /**
   * Why each node that cannot take even one workload of `cpuMilli` cannot (see {@link infiniteReasons}),
   * by node name; nodes that can are left out. One prediction per node group, from the cache when it has one.
   */
  async infiniteReasons(cpuMilli: number): Promise<Record<string, string[]>> {
    const snap = this.snapshot();
    const t = this.now();
    const out: Record<string, string[]> = {};
    for (const base of snap.groups) {
      const slope = this.slope(base, cpuMilli);
      const wattsWithOne =
        slope !== undefined ? slope : (await this.predictRow(base.nodes[0], cpuMilli, 1, base.status, `${base.key}|${cpuMilli}`))[1];
      for (const state of base.nodes) {
        const reasons = infiniteReasons({
          cpuMilli,
          allocatableMilli: state.node.allocatableMilli,
          usedMilli: base.status.cpuUsedMilli,
          predictorType: state.predictor instanceof Error ? 'invalid' : state.predictor.type,
          predictorInvalid: state.predictor instanceof Error ? state.predictor.message : undefined,
          predictorError: state.lastPredictionError,
          wattsWithOne,
          monitors: state.records.map((r) => ({
            type: r.type,
            stale: state.isStale(r, t),
            ageSeconds: r.lastSuccess === undefined ? null : (t - r.lastSuccess) / 1000,
            error: r.lastError ?? null,
          })),
        });
        if (reasons.length > 0) out[state.node.name] = reasons;
      }
    }
    return out;
  }

  /** The answer from a solution: the totals, and per k the workloads per node when `explain`. */
  private answer(sol: PlacementSolution, groups: RequestGroup[], explain: boolean): EstimateResult {
    const watt_increases = checkedTotals(Array.from(sol.totals.subarray(1)));
    if (!explain) return { watt_increases };
    const out = watt_increases.map((w, i): PlacementExplanation => {
      const counts = sol.counts?.[i];
      if (!counts) return { k: i + 1, watt_increase: w, placement: null };
      const placement: Record<string, number> = {};
      counts.forEach((perNode, g) =>
        perNode.forEach((c, j) => {
          if (c > 0) placement[groups[g].base.nodes[groups[g].from + j].node.name] = c;
        }),
      );
      return { k: i + 1, watt_increase: w, placement };
    });
    return { watt_increases, explain: out };
  }
}

/** `totals` when none is -Inf or NaN, else ErrEstimator (as WAO answers). */
function checkedTotals(totals: number[]): number[] {
  for (const v of totals)
    if (Number.isNaN(v) || v === -Infinity) throw ErrEstimator('one or more errors found err=the result has -Inf or NaN (ErrEstimator)');
  return totals;
}
