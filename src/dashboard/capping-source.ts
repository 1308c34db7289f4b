/**
 * @module dashboard/capping-source
 * Where the dashboard's Capping tab gets its data: the PowerCapPolicies of the cluster this server is
 * configured for, summarized as `powerplane cap status` does (what the operator wrote in their status;
 * nothing is measured here). Without a cluster there is nothing to show, and the view says so.
 */
import type { PolicySummary } from '../operator/capping/status-command.js';
import { errorMessage } from '../core/errors.js';
import { ERR_DASHBOARD_CLUSTER_UNREACHABLE } from './errors.js';

/** `GET /api/v1/capping`. */
export interface CappingView {
  /** Whether this server is configured for a Kubernetes cluster. */
  cluster: boolean;
  /** Why there is nothing to show (no cluster). */
  reason?: string;
  policies: PolicySummary[];
  /** When the policies were read (ISO 8601). */
  readAt: string;
}

/** Reads the Capping view. */
export interface CappingSource {
  view(): Promise<CappingView>;
}

/** What the Capping tab says when this server has no cluster configured. */
export const NO_CLUSTER_REASON =
  'This server has no Kubernetes cluster configured (--kube.enable, --kube.config), so there are no PowerCapPolicies to show. Power capping runs in the operator on a cluster; `powerplane cap simulate` tries the algorithms without one.';

/** The view of a server without a cluster. */
export function noClusterSource(now: () => Date = () => new Date()): CappingSource {
  return { view: async () => ({ cluster: false, reason: NO_CLUSTER_REASON, policies: [], readAt: now().toISOString() }) };
}

/**
 * The view from the cluster at `kubeconfig` (empty: in-cluster, $KUBECONFIG, ~/.kube/config): every
 * PowerCapPolicy of every namespace the server may list. The Kubernetes client loads on the first call.
 * Failures (API server unreachable, CRD not installed, not allowed) are ERR_DASHBOARD_CLUSTER_UNREACHABLE.
 */
export function clusterCappingSource(kubeconfig: string, now: () => Date = () => new Date()): CappingSource {
  let list: (() => Promise<PolicySummary[]>) | undefined;
  return {
    async view() {
      if (!list) {
        const [{ KubeClient }, { loadKubeConfig }, { POWER_CAP_POLICY_REF }, { summarize }] = await Promise.all([
          import('../kube/client.js'),
          import('../kube/kubeconfig.js'),
          import('../api/v1alpha1/powercappolicy.js'),
          import('../operator/capping/status-command.js'),
        ]);
        const kube = new KubeClient({ kubeConfig: loadKubeConfig({ kubeconfig: kubeconfig || undefined }).kubeConfig });
        list = async () => summarize((await kube.list<import('../api/v1alpha1/powercappolicy.js').PowerCapPolicy>(POWER_CAP_POLICY_REF, {})).items);
      }
      try {
        return { cluster: true, policies: await list(), readAt: now().toISOString() };
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        throw ERR_DASHBOARD_CLUSTER_UNREACHABLE(
          `could not list PowerCapPolicies${typeof code === 'number' ? ` (HTTP ${code})` : ''}: ${errorMessage(err).split('\n')[0].slice(0, 300)}`,
          undefined,
          { cause: err },
        );
      }
    },
  };
}
