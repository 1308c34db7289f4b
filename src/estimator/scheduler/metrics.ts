/**
 * @module estimator/scheduler/metrics
 * The extender's own Prometheus series (text format 0.0.4, rendered by hand):
 * - `powerplane_scheduler_extender_requests_total{verb,result}`: calls by verb (`filter`, `prioritize`)
 *   and result (`ok`; `fallback`: the policy excluded every node so none was; `error`: an internal error
 *   answered with every node passing / equal scores; `invalid`: a 400);
 * - `powerplane_scheduler_extender_request_duration_seconds{verb}`: latency histogram;
 * - `powerplane_scheduler_extender_filtered_nodes_total{reason}`: nodes filtered out, by reason;
 * - `powerplane_scheduler_bound_node_added_watts`: watts the last prioritize call predicted a pod adds
 *   on the node it was then bound to (seen by the pod watch; recorded only where a cluster is configured).
 */

const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const WATT_BUCKETS = [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

/** A histogram without labels. */
class Histogram {
  readonly counts: number[];
  sum = 0;
  count = 0;
  constructor(readonly buckets: readonly number[]) {
    this.counts = new Array<number>(buckets.length).fill(0);
  }
  observe(v: number): void {
    if (!Number.isFinite(v)) return;
    for (let i = 0; i < this.buckets.length; i++) if (v <= this.buckets[i]) this.counts[i]++;
    this.sum += v;
    this.count++;
  }
  render(name: string, labels: string): string {
    const sep = labels ? `${labels},` : '';
    let out = '';
    this.buckets.forEach((b, i) => (out += `${name}_bucket{${sep}le="${b}"} ${this.counts[i]}\n`));
    out += `${name}_bucket{${sep}le="+Inf"} ${this.count}\n`;
    out += `${name}_sum${labels ? `{${labels}}` : ''} ${this.sum}\n${name}_count${labels ? `{${labels}}` : ''} ${this.count}\n`;
    return out;
  }
}

/** Extender call results. */
export type ExtenderResult = 'ok' | 'fallback' | 'error' | 'invalid';
/** Extender verbs. */
export type ExtenderVerb = 'filter' | 'prioritize';

/** The extender's metrics. */
export class ExtenderMetrics {
  private readonly requests = new Map<string, number>();
  private readonly filtered = new Map<string, number>();
  private readonly durations = new Map<ExtenderVerb, Histogram>();
  private readonly bound = new Histogram(WATT_BUCKETS);

  /** Counts one call and its duration. */
  call(verb: ExtenderVerb, result: ExtenderResult, seconds: number): void {
    const key = `verb="${verb}",result="${result}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    let h = this.durations.get(verb);
    if (!h) this.durations.set(verb, (h = new Histogram(DURATION_BUCKETS)));
    h.observe(seconds);
  }

  /** Counts nodes filtered out for `reason`. */
  filteredOut(reason: string, n = 1): void {
    this.filtered.set(reason, (this.filtered.get(reason) ?? 0) + n);
  }

  /** Records the watts a pod was predicted to add on the node it was bound to. */
  boundNode(watts: number): void {
    this.bound.observe(watts);
  }

  /** How many calls of `verb` ended with `result` (for tests and logs). */
  count(verb: ExtenderVerb, result: ExtenderResult): number {
    return this.requests.get(`verb="${verb}",result="${result}"`) ?? 0;
  }

  /** Prometheus text exposition of every series. */
  render(): string {
    let out =
      '# HELP powerplane_scheduler_extender_requests_total Scheduler extender calls by verb and result.\n# TYPE powerplane_scheduler_extender_requests_total counter\n';
    for (const [k, v] of this.requests) out += `powerplane_scheduler_extender_requests_total{${k}} ${v}\n`;
    out +=
      '# HELP powerplane_scheduler_extender_request_duration_seconds Scheduler extender call latency.\n# TYPE powerplane_scheduler_extender_request_duration_seconds histogram\n';
    for (const [verb, h] of this.durations) out += h.render('powerplane_scheduler_extender_request_duration_seconds', `verb="${verb}"`);
    out +=
      '# HELP powerplane_scheduler_extender_filtered_nodes_total Nodes the filter verb excluded, by reason.\n# TYPE powerplane_scheduler_extender_filtered_nodes_total counter\n';
    for (const [k, v] of this.filtered) out += `powerplane_scheduler_extender_filtered_nodes_total{reason="${k}"} ${v}\n`;
    out +=
      '# HELP powerplane_scheduler_bound_node_added_watts Predicted watts a pod adds on the node it was bound to (last prioritize call for the pod).\n# TYPE powerplane_scheduler_bound_node_added_watts histogram\n';
    out += this.bound.render('powerplane_scheduler_bound_node_added_watts', '');
    return out;
  }
}
