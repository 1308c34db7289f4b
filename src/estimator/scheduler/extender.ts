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
import { decide, scores, POLICIES, type Candidate, type Decisions, type Policy, type PolicyName } from './decide.js';
import { gpuWatts } from './gpu-curve.js';
import { NodeCosts } from './node-costs.js';
import { podDemand, type PodDemand } from './pod.js';
import { filterResult, parseExtenderArgs, MIN_EXTENDER_PRIORITY, type ExtenderArgs, type ExtenderFilterResult, type HostPriority } from './wire.js';
import type { ExtenderMetrics, ExtenderVerb } from './metrics.js';

/** How many pods of a workload run on a node (the spread policy's input). */
export interface WorkloadPods {
  count(workload: string, node: string): number;
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

/** The extender. */
export class SchedulerExtender {
  private readonly costs = new WeakMap<Estimator, NodeCosts>();

  constructor(
    private readonly registry: EstimatorRegistry,
    private readonly settings: ExtenderSettings,
    readonly metrics: ExtenderMetrics,
    private readonly log: Logger,
    private readonly workloadPods?: WorkloadPods,
  ) {}

  /** The filter verb: ExtenderArgs → ExtenderFilterResult. */
  async filter(body: unknown, query: Record<string, unknown>): Promise<ExtenderFilterResult> {
    return this.run('filter', body, query, async (args, d) => {
      const pass = new Set<string>();
      const failed: Record<string, string> = {};
      const unresolvable: Record<string, string> = {};
      for (const item of d.items) {
        if (!item.exclusion) pass.add(item.name);
        else {
          (item.exclusion.unresolvable ? unresolvable : failed)[item.name] = item.exclusion.reason;
          this.metrics.filteredOut(item.exclusion.kind);
        }
      }
      return filterResult(args, pass, failed, unresolvable);
    }, (args) => filterResult(args, new Set(args.nodeNames), {}, {}));
  }

  /** The prioritize verb: ExtenderArgs → HostPriorityList. */
  async prioritize(body: unknown, query: Record<string, unknown>): Promise<HostPriority[]> {
    return this.run('prioritize', body, query, async (args, d) => {
      const s = scores(d.items);
      let top = -1;
      for (let i = 0; i < s.length; i++) if (top < 0 || s[i] > s[top]) top = i;
      if (top >= 0 && s[top] > MIN_EXTENDER_PRIORITY && d.items[top].added !== undefined) this.metrics.topNode(d.items[top].added as number);
      return args.nodeNames.map((n, i) => ({ Host: n, Score: s[i] }));
    }, (args) => args.nodeNames.map((n) => ({ Host: n, Score: MIN_EXTENDER_PRIORITY })));
  }

  /** Parses, decides and answers; the neutral answer on any internal error. */
  private async run<T>(verb: ExtenderVerb, body: unknown, query: Record<string, unknown>, answer: (args: ExtenderArgs, d: Decisions, pod: PodDemand) => Promise<T>, neutral: (args: ExtenderArgs) => T): Promise<T> {
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
      const d = await this.decisions(args, pod, policy, estimatorKey);
      const out = await answer(args, d, pod);
      this.metrics.call(verb, d.fallback ? 'fallback' : 'ok', secs());
      if (d.fallback) this.log.info({ pod: pod.ref, policy: policy.name, nodes: args.nodeNames.length }, `scheduler ${verb}: the policy excluded every node; passing all`);
      return out;
    } catch (err) {
      this.metrics.call(verb, 'error', secs());
      this.log.error({ err, verb }, `scheduler ${verb} failed; answering neutrally`);
      return neutral(args);
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

  private async decisions(args: ExtenderArgs, pod: PodDemand, policy: Policy, estimatorKey: string): Promise<Decisions> {
    const [ns, name] = estimatorKey.split('/', 2);
    const est = this.registry.get(ns, name);
    if (!est) throw new Error(`estimator ${estimatorKey} is not served`);
    let nc = this.costs.get(est);
    if (!nc) this.costs.set(est, (nc = new NodeCosts(est)));
    const costs = await nc.costs(args.nodeNames, pod.cpuMilli, this.settings.deadlineMs);
    const now = Date.now();
    const candidates = args.nodeNames.map((n, i): Candidate => {
      const state = (nc as NodeCosts).state(n);
      const status = state?.status(now);
      const cost = costs[i];
      return {
        name: n,
        cpuWatts: cost?.delta,
        predictionError: cost?.error,
        gpuWatts: state ? gpuWatts(state.node, pod.gpus) : 0,
        gpus: pod.gpus,
        freeMilli: state && status ? state.freeMilli(status) : undefined,
        cpuMilli: pod.cpuMilli,
        inletTemp: status?.ambientTemp,
        workloadPods: policy.name === 'spread' && pod.workload && this.workloadPods ? this.workloadPods.count(pod.workload, n) : 0,
      };
    });
    return decide(candidates, policy);
  }
}

/** The `policy` query parameter, if given; 400 naming it when unknown. */
function queryPolicy(q: Record<string, unknown>): PolicyName | undefined {
  const v = q.policy;
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !(POLICIES as readonly string[]).includes(v)) throw ErrEstimatorInvalidRequest(`policy must be one of ${POLICIES.join(', ')}`, { field: 'policy' });
  return v as PolicyName;
}

/** The `estimator` query parameter (`namespace/name`), if given; 400 naming it when malformed. */
function queryEstimator(q: Record<string, unknown>): string | undefined {
  const v = q.estimator;
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(v)) throw ErrEstimatorInvalidRequest('estimator must be namespace/name', { field: 'estimator' });
  return v;
}

