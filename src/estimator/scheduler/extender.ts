/**
 * @module estimator/scheduler/extender
 * kube-scheduler's HTTP extender over the estimator's nodes: `filter` drops the nodes a pod cannot be
 * placed on (with reasons), `prioritize` scores the rest 0–10 by the watts the pod adds (see
 * {@link decide}). It never fails a pod: an internal error answers every node passing (filter) or equal
 * scores (prioritize), logged and counted; only a malformed request gets a 400.
 */
import type { Logger } from '../../core/logger.js';
import { ErrEstimatorInvalidRequest } from '../errors.js';
import type { Estimator } from '../estimator.js';
import type { EstimatorRegistry } from '../registry.js';
import { BoundDeltas } from './bound-deltas.js';
import {
  decide,
  exclusionReason,
  scores,
  unresolvable,
  EXCLUSION_KINDS,
  POLICIES,
  ScoreScratch,
  type Candidates,
  type Policy,
  type PolicyName,
} from './decide.js';
import { NodeCosts } from './node-costs.js';
import { podDemand, type PodDemand } from './pod.js';
import { filterResult, parseExtenderArgs, MIN_EXTENDER_PRIORITY, type ExtenderArgs, type ExtenderFilterResult, type HostPriority } from './wire.js';
import type { ExtenderMetrics, ExtenderVerb } from './metrics.js';

/** How many pods of each workload are bound to each node (the spread policy's input). */
export interface WorkloadPods {
  /** Pods of `workload` by node name; undefined when none runs anywhere. */
  perNode(workload: string): ReadonlyMap<string, number> | undefined;
}

/** Settings of the extender. */
export interface ExtenderSettings {
  /** The Estimator whose nodes answer, `namespace/name`. */
  estimator: string;
  /** The policy when neither the query nor the pod chooses one. */
  policy: PolicyName;
  /** CPU assumed for a pod that requests none, millicores. */
  defaultCpuMilli: number;
  /** spread: default most pods of one workload per node. */
  spreadMaxPerNode: number;
  /** temperature: highest acceptable inlet temperature, °C. */
  maxInletTemperature: number;
  /** Time budget for predictions per call, ms (below the scheduler's httpTimeout). */
  deadlineMs: number;
}

/** Where the extender learns about pods in the cluster (a pod watch); absent without a cluster. */
export interface ClusterPods {
  /** Pod counts per workload and node (spread). */
  workloadPods: WorkloadPods;
}

/** Per-call buffers, reused across calls (filled and read without an await in between). */
class Workspace {
  cols: Candidates = {
    n: 0,
    cpuWatts: new Float64Array(0),
    gpuWatts: new Float64Array(0),
    freeMilli: new Float64Array(0),
    inletTemp: new Float64Array(0),
    workloadPods: new Float64Array(0),
  };
  codes = new Uint8Array(0);
  out = new Uint8Array(0);
  readonly scratch = new ScoreScratch();
  /** Grows the buffers to hold `n` candidates and sets `cols.n`. */
  ensure(n: number): void {
    this.cols.n = n;
    if (this.codes.length >= n) return;
    const cap = Math.max(n, this.codes.length * 2);
    this.cols = {
      n,
      cpuWatts: new Float64Array(cap),
      gpuWatts: new Float64Array(cap),
      freeMilli: new Float64Array(cap),
      inletTemp: new Float64Array(cap),
      workloadPods: new Float64Array(cap),
    };
    this.codes = new Uint8Array(cap);
    this.out = new Uint8Array(cap);
  }
}

/** One decided call, valid until the next await. */
interface Decided {
  args: ExtenderArgs;
  pod: PodDemand;
  policy: Policy;
  costs: NodeCosts;
  /** Node index per candidate (−1: not in the Estimator). */
  idx: Int32Array;
  errors: ReadonlyMap<number, string>;
  fallback: boolean;
}

/** The extender. */
export class SchedulerExtender {
  private readonly costs = new WeakMap<Estimator, NodeCosts>();
  private readonly ws = new Workspace();
  private readonly lastDeltas?: BoundDeltas;

  constructor(
    private readonly registry: EstimatorRegistry,
    private readonly settings: ExtenderSettings,
    readonly metrics: ExtenderMetrics,
    private readonly log: Logger,
    private readonly cluster?: ClusterPods,
  ) {
    if (cluster) this.lastDeltas = new BoundDeltas();
  }

  /** The filter verb: ExtenderArgs → ExtenderFilterResult. */
  async filter(body: unknown, query: Record<string, unknown>): Promise<ExtenderFilterResult> {
    return this.run(
      'filter',
      body,
      query,
      (d) => {
        const { cols, codes } = this.ws;
        const pass: boolean[] = new Array<boolean>(cols.n);
        const failed: Record<string, string> = {};
        const unresolvables: Record<string, string> = {};
        for (let k = 0; k < cols.n; k++) {
          const code = codes[k];
          pass[k] = code === 0;
          if (code === 0) continue;
          const name = d.args.nodeNames[k];
          (unresolvable(code) ? unresolvables : failed)[name] = exclusionReason(code, cols, k, d.pod, d.policy, d.errors.get(d.idx[k]));
          this.metrics.filteredOut(EXCLUSION_KINDS[code]);
        }
        return filterResult(d.args, pass, failed, unresolvables);
      },
      (args) =>
        filterResult(
          args,
          args.nodeNames.map(() => true),
          {},
          {},
        ),
    );
  }

  /** The prioritize verb: ExtenderArgs → HostPriorityList. */
  async prioritize(body: unknown, query: Record<string, unknown>): Promise<HostPriority[]> {
    const { names, scores: s } = await this.prioritizeScores(body, query);
    const list = new Array<HostPriority>(names.length);
    for (let k = 0; k < names.length; k++) list[k] = { Host: names[k], Score: s[k] };
    return list;
  }

  /** The prioritize verb's answer as columns: the candidate names and their scores (see {@link hostPriorityJson}). */
  async prioritizeScores(body: unknown, query: Record<string, unknown>): Promise<{ names: readonly string[]; scores: Uint8Array }> {
    return this.run(
      'prioritize',
      body,
      query,
      (d) => {
        const { cols, codes, out, scratch } = this.ws;
        const eligible = scores(cols, d.pod, codes, out, scratch);
        if (this.lastDeltas && d.pod.uid && eligible > 0) this.lastDeltas.remember(d.pod.uid, d.costs, d.idx, scratch.added, cols.n);
        return { names: d.args.nodeNames, scores: out.slice(0, cols.n) };
      },
      (args) => ({ names: args.nodeNames, scores: new Uint8Array(args.nodeNames.length).fill(MIN_EXTENDER_PRIORITY) }),
    );
  }

  /**
   * A pod was bound to `node` (seen by the pod watch): records the watts the last prioritize call for
   * that pod predicted it adds there, when there was one and the node had a figure.
   */
  bound(uid: string, node: string): void {
    const w = this.lastDeltas?.take(uid, node);
    if (w !== undefined) this.metrics.boundNode(w);
  }

  /** Parses, decides and answers (synchronously after the costs are in); the neutral answer on any internal error. */
  private async run<T>(
    verb: ExtenderVerb,
    body: unknown,
    query: Record<string, unknown>,
    answer: (d: Decided) => T,
    neutral: (args: ExtenderArgs) => T,
  ): Promise<T> {
    const t0 = performance.now();
    const secs = () => (performance.now() - t0) / 1000;
    let args: ExtenderArgs;
    let policyName: PolicyName;
    let estimatorKey: string;
    try {
      args = parseExtenderArgs(body);
      policyName = queryPolicy(query) ?? this.settings.policy;
      estimatorKey = queryEstimator(query) ?? this.settings.estimator;
    } catch (err) {
      this.metrics.call(verb, 'invalid', secs());
      throw err;
    }
    try {
      const pod = podDemand(args.pod, this.settings.defaultCpuMilli);
      const policy = this.policyFor(pod, policyName);
      const nc = this.nodeCosts(estimatorKey);
      const m = args.nodeNames.length;
      const idx = new Int32Array(m);
      nc.resolve(args.nodeNames, idx);
      const { delta, errors } = await nc.costs(idx, m, pod.cpuMilli, this.settings.deadlineMs);
      // from here to the answer: no await (the workspace is shared by all calls)
      this.fill(args, pod, policy, nc, idx, delta);
      const fallback = decide(this.ws.cols, pod, policy, this.ws.codes);
      const out = answer({ args, pod, policy, costs: nc, idx, errors, fallback });
      this.metrics.call(verb, fallback ? 'fallback' : 'ok', secs());
      if (fallback) this.log.info({ pod: pod.ref, policy: policy.name, nodes: m }, `scheduler ${verb}: the policy excluded every node; passing all`);
      return out;
    } catch (err) {
      this.metrics.call(verb, 'error', secs());
      this.log.error({ err, verb }, `scheduler ${verb} failed; answering neutrally`);
      return neutral(args);
    }
  }

  private nodeCosts(estimatorKey: string): NodeCosts {
    const [ns, name] = estimatorKey.split('/', 2);
    const est = this.registry.get(ns, name);
    if (!est) throw new Error(`estimator ${estimatorKey} is not served`);
    let nc = this.costs.get(est);
    if (!nc) this.costs.set(est, (nc = new NodeCosts(est)));
    return nc;
  }

  /** Fills the workspace's candidate columns. */
  private fill(args: ExtenderArgs, pod: PodDemand, policy: Policy, nc: NodeCosts, idx: Int32Array, delta: Float64Array): void {
    const m = args.nodeNames.length;
    this.ws.ensure(m);
    const c = this.ws.cols;
    const perNode = policy.name === 'spread' && pod.workload ? this.cluster?.workloadPods.perNode(pod.workload) : undefined;
    for (let k = 0; k < m; k++) {
      const i = idx[k];
      if (i < 0) {
        c.cpuWatts[k] = NaN;
        c.gpuWatts[k] = 0;
        c.freeMilli[k] = NaN;
        c.inletTemp[k] = NaN;
      } else {
        c.cpuWatts[k] = delta[i];
        c.gpuWatts[k] = nc.gpuWatts(i, pod.gpus);
        c.freeMilli[k] = nc.freeMilli[i];
        c.inletTemp[k] = nc.inletTemp[i];
      }
      c.workloadPods[k] = perNode ? (perNode.get(args.nodeNames[k]) ?? 0) : 0;
    }
  }

  /** The policy for a pod: its annotation wins over the query/default; unknown values are ignored (logged). */
  private policyFor(pod: PodDemand, fallback: PolicyName): Policy {
    let name = fallback;
    if (pod.placement !== undefined) {
      if ((POLICIES as readonly string[]).includes(pod.placement)) name = pod.placement as PolicyName;
      else this.log.warn({ pod: pod.ref, value: pod.placement }, `unknown powerplane.io/placement policy; using ${fallback}`);
    }
    let spreadMax = this.settings.spreadMaxPerNode;
    if (pod.spreadMax !== undefined) {
      if (/^\d{1,6}$/.test(pod.spreadMax) && Number(pod.spreadMax) >= 1) spreadMax = Number(pod.spreadMax);
      else this.log.warn({ pod: pod.ref, value: pod.spreadMax }, 'powerplane.io/spread-max-per-node must be an integer ≥ 1; ignored');
    }
    return { name, spreadMax, maxInletTemp: this.settings.maxInletTemperature };
  }
}

/** The `policy` query parameter, if given; 400 naming it when unknown. */
function queryPolicy(q: Record<string, unknown>): PolicyName | undefined {
  const v = q.policy;
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !(POLICIES as readonly string[]).includes(v))
    throw ErrEstimatorInvalidRequest(`policy must be one of ${POLICIES.join(', ')}`, { field: 'policy' });
  return v as PolicyName;
}

/** The `estimator` query parameter (`namespace/name`), if given; 400 naming it when malformed. */
function queryEstimator(q: Record<string, unknown>): string | undefined {
  const v = q.estimator;
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(v))
    throw ErrEstimatorInvalidRequest('estimator must be namespace/name', { field: 'estimator' });
  return v;
}
