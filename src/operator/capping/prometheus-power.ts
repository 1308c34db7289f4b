/**
 * @module operator/capping/prometheus-power
 * Pod power from Prometheus: rates of the agent's (Kepler-compatible) joules counters per pod —
 * `kepler_pod_cpu_joules_total` over the CPU zones, `kepler_pod_gpu_joules_total` for `gpu`, and
 * `powerplane_pod_idle_joules_total` with includeIdle — falling back to the `kepler_container_*`
 * families summed per pod when the pod level is not exported.
 */
import type { PodPowerSource, PowerSelection } from './power-source.js';

/** Escapes a PromQL string literal. Pure. */
export function promString(v: string): string {
  return '"' + v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') + '"';
}

/** The queries for one namespace, as [pod-level, container-level fallback] pairs. Pure. */
export function podPowerQueries(namespace: string, sel: PowerSelection, rateWindow = '1m'): Array<[string, string]> {
  const ns = `pod_namespace=${promString(namespace)}`;
  const cpuZones = sel.zones.filter((z) => z !== 'gpu');
  const zoneSel = cpuZones.length > 0 ? `,zone=~${promString(cpuZones.join('|'))}` : '';
  const out: Array<[string, string]> = [];
  const pair = (family: string, extra: string): [string, string] => [
    `sum by (pod_name) (rate(kepler_pod_${family}{${ns}${extra}}[${rateWindow}]))`,
    `sum by (pod_name) (rate(kepler_container_${family}{${ns}${extra}}[${rateWindow}]))`,
  ];
  if (cpuZones.length > 0) out.push(pair('cpu_joules_total', zoneSel));
  if (sel.zones.includes('gpu')) out.push(pair('gpu_joules_total', ''));
  if (sel.includeIdle && cpuZones.length > 0) {
    out.push([
      `sum by (pod_name) (rate(powerplane_pod_idle_joules_total{${ns}${zoneSel}}[${rateWindow}]))`,
      `sum by (pod_name) (rate(powerplane_container_idle_joules_total{${ns}${zoneSel}}[${rateWindow}]))`,
    ]);
  }
  return out;
}

interface PromAnswer {
  status?: string;
  error?: string;
  data?: { resultType?: string; result?: Array<{ metric?: Record<string, string>; value?: [number, string] }> };
}

/** Options of {@link PrometheusPowerSource}. */
export interface PrometheusPowerOptions {
  url: string;
  /** Rate window (default 1m). */
  rateWindow?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Reads pod power from a Prometheus server. */
export class PrometheusPowerSource implements PodPowerSource {
  readonly kind = 'prometheus';
  readonly #o: PrometheusPowerOptions;

  constructor(opts: PrometheusPowerOptions) {
    this.#o = opts;
  }

  async #query(q: string): Promise<NonNullable<NonNullable<PromAnswer['data']>['result']>> {
    const base = this.#o.url.replace(/\/+$/, '');
    const res = await (this.#o.fetch ?? fetch)(`${base}/api/v1/query?query=${encodeURIComponent(q)}`, {
      signal: AbortSignal.timeout(this.#o.timeoutMs ?? 10_000),
    });
    const body = (await res.json().catch(() => ({}))) as PromAnswer;
    if (!res.ok || body.status !== 'success') throw new Error(`Prometheus at ${base} answered ${res.status}: ${body.error ?? 'no success status'}`);
    return body.data?.result ?? [];
  }

  async podWatts(namespace: string, sel: PowerSelection): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const [podQuery, containerQuery] of podPowerQueries(namespace, sel, this.#o.rateWindow)) {
      let rows = await this.#query(podQuery);
      if (rows.length === 0) rows = await this.#query(containerQuery);
      for (const r of rows) {
        const pod = r.metric?.pod_name;
        const v = Number(r.value?.[1]);
        if (!pod || !Number.isFinite(v)) continue;
        out.set(pod, (out.get(pod) ?? 0) + v);
      }
    }
    return out;
  }

  async scalar(query: string): Promise<number | undefined> {
    const rows = await this.#query(query);
    const v = Number(rows[0]?.value?.[1]);
    return rows.length > 0 && Number.isFinite(v) ? v : undefined;
  }
}
