/**
 * @module operator/capping/agent-power
 * Pod power straight from the node agents (no Prometheus): each agent pod's JSON API
 * `GET /api/v1/workloads?level=pod` (port 28282 by default) answers per-pod watts over its last
 * interval, per zone, plus GPU watts. Agents are found as the pods of the agent DaemonSet. Idle power
 * is not in that view, so includeIdle needs Prometheus (the reading says so).
 */
import type { KubeClient } from '../../kube/client.js';
import { selectorLabels } from '../components/labels.js';
import type { PodPowerSource, PowerSelection } from './power-source.js';

interface PodView {
  name: string;
  namespace?: string;
  zones?: Record<string, { watts: number }>;
  gpuWatts?: number;
}

/** Sums one pod view's watts over the selected zones. Pure. */
export function podViewWatts(v: PodView, sel: PowerSelection): number {
  let w = 0;
  for (const z of sel.zones) {
    if (z === 'gpu') w += v.gpuWatts ?? 0;
    else w += v.zones?.[z]?.watts ?? 0;
  }
  return w;
}

/** Options of {@link AgentPowerSource}. */
export interface AgentPowerOptions {
  kube: Pick<KubeClient, 'list'>;
  /** Agent port (default 28282). */
  port?: number;
  /** Explicit agent base URLs (tests, or agents outside the cluster); replaces the pod lookup. */
  urls?: string[];
  timeoutMs?: number;
}

/** Reads pod power from every agent. */
export class AgentPowerSource implements PodPowerSource {
  readonly kind = 'agents';
  readonly #o: AgentPowerOptions;

  constructor(opts: AgentPowerOptions) {
    this.#o = opts;
  }

  async #urls(): Promise<string[]> {
    if (this.#o.urls) return this.#o.urls;
    const pods = await this.#o.kube.list({ apiVersion: 'v1', kind: 'Pod' }, { labelSelector: selectorLabels('agent') });
    return pods.items
      .map((p) => (p.status as { podIP?: string } | undefined)?.podIP)
      .filter((ip): ip is string => typeof ip === 'string' && ip !== '')
      .map((ip) => `http://${ip.includes(':') ? `[${ip}]` : ip}:${this.#o.port ?? 28282}`);
  }

  async podWatts(namespace: string, sel: PowerSelection): Promise<Map<string, number>> {
    const urls = await this.#urls();
    if (urls.length === 0) throw new Error('no agent pods found (and no Prometheus configured)');
    const out = new Map<string, number>();
    let answered = 0;
    await Promise.all(
      urls.map(async (u) => {
        try {
          const res = await fetch(`${u.replace(/\/+$/, '')}/api/v1/workloads?level=pod`, { signal: AbortSignal.timeout(this.#o.timeoutMs ?? 5000) });
          if (!res.ok) return;
          const body = (await res.json()) as { items?: PodView[] };
          answered++;
          for (const v of body.items ?? []) {
            if (v.namespace !== namespace) continue;
            out.set(v.name, (out.get(v.name) ?? 0) + podViewWatts(v, sel));
          }
        } catch {
          // One unreachable agent: its pods have no data this round.
        }
      }),
    );
    if (answered === 0) throw new Error(`none of ${urls.length} agents answered`);
    return out;
  }
}
