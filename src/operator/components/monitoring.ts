/**
 * @module operator/components/monitoring
 * Prometheus Operator objects: a ServiceMonitor for the agents and a PrometheusRule with the rules of
 * `deploy/prometheus/powerplane-rules.yaml` (recording rules for node, pod and namespace watts, alerts).
 * They are built only when `spec.prometheus` asks and
 * (for `auto`) when the CRDs exist, so a cluster without the Prometheus Operator installs fine.
 */
import type { KubeObject } from '../../kube/types.js';
import { componentLabels, selectorLabels, NAMES } from './labels.js';
import type { ResolvedSpec } from './spec.js';
import { shippedRuleGroups, type RuleGroup } from './rule-files.js';

/** Builds the agents' ServiceMonitor. */
export function buildServiceMonitor(spec: ResolvedSpec): KubeObject {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name: NAMES.agent, namespace: spec.namespace, labels: componentLabels('monitoring') },
    spec: {
      jobLabel: 'app.kubernetes.io/name',
      namespaceSelector: { matchNames: [spec.namespace] },
      selector: { matchLabels: selectorLabels('agent') },
      endpoints: [
        {
          port: 'http',
          path: '/metrics',
          interval: spec.prometheus.scrapeInterval,
          relabelings: [{ action: 'replace', sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'instance' }],
        },
      ],
    },
  };
}

/** Builds the PrometheusRule with the shipped rule groups (or the given ones). */
export function buildPrometheusRule(spec: ResolvedSpec, groups: readonly RuleGroup[] = shippedRuleGroups()): KubeObject {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: NAMES.monitoring, namespace: spec.namespace, labels: componentLabels('monitoring') },
    spec: { groups },
  };
}
