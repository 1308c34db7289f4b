/**
 * @module operator/components/monitoring
 * Prometheus Operator objects: a ServiceMonitor for the agents and a PrometheusRule with recording
 * rules for pod, namespace and node watts. They are built only when `spec.prometheus` asks and
 * (for `auto`) when the CRDs exist, so a cluster without the Prometheus Operator installs fine.
 */
import type { KubeObject } from '../../kube/types.js';
import { componentLabels, selectorLabels, NAMES } from './labels.js';
import type { ResolvedSpec } from './spec.js';

/** The recording rules of the PrometheusRule (also usable by a plain Prometheus). */
export const RECORDING_RULES = [
  { record: 'powerplane:pod_watts:sum', expr: 'sum by (pod_namespace, pod_name) (kepler_pod_cpu_watts)' },
  { record: 'powerplane:namespace_watts:sum', expr: 'sum by (pod_namespace) (kepler_pod_cpu_watts)' },
  { record: 'powerplane:node_watts:sum', expr: 'sum by (node_name) (kepler_node_cpu_watts)' },
  { record: 'powerplane:namespace_joules:increase1h', expr: 'sum by (pod_namespace) (increase(kepler_pod_cpu_joules_total[1h]))' },
  { record: 'powerplane:cluster_watts:sum', expr: 'sum(kepler_node_cpu_watts)' },
];

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

/** Builds the PrometheusRule with the recording rules. */
export function buildPrometheusRule(spec: ResolvedSpec): KubeObject {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: NAMES.monitoring, namespace: spec.namespace, labels: componentLabels('monitoring') },
    spec: { groups: [{ name: 'powerplane.rules', interval: '30s', rules: RECORDING_RULES }] },
  };
}
