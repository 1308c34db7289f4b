/**
 * @module operator/controller/owned-kinds
 * Every kind a PowerMonitor can install, in deletion order (workloads first, the namespace last),
 * with the CRD that must exist for the optional ones.
 */
import type { KindRef } from '../../kube/types.js';

/** One owned kind. */
export interface OwnedKind {
  ref: KindRef;
  /** For kinds from optional CRDs: the CRD's group and plural. */
  crd?: { group: string; plural: string };
  namespaced: boolean;
}

/** The kinds a PowerMonitor installs. */
export const OWNED_KINDS: readonly OwnedKind[] = [
  { ref: { apiVersion: 'apps/v1', kind: 'DaemonSet' }, namespaced: true },
  { ref: { apiVersion: 'apps/v1', kind: 'Deployment' }, namespaced: true },
  { ref: { apiVersion: 'v1', kind: 'Service' }, namespaced: true },
  { ref: { apiVersion: 'v1', kind: 'ConfigMap' }, namespaced: true },
  { ref: { apiVersion: 'v1', kind: 'ServiceAccount' }, namespaced: true },
  {
    ref: { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor' },
    crd: { group: 'monitoring.coreos.com', plural: 'servicemonitors' },
    namespaced: true,
  },
  {
    ref: { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule' },
    crd: { group: 'monitoring.coreos.com', plural: 'prometheusrules' },
    namespaced: true,
  },
  { ref: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding' }, namespaced: false },
  { ref: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole' }, namespaced: false },
  {
    ref: { apiVersion: 'security.openshift.io/v1', kind: 'SecurityContextConstraints' },
    crd: { group: 'security.openshift.io', plural: 'securitycontextconstraints' },
    namespaced: false,
  },
  {
    ref: { apiVersion: 'machineconfiguration.openshift.io/v1', kind: 'MachineConfig' },
    crd: { group: 'machineconfiguration.openshift.io', plural: 'machineconfigs' },
    namespaced: false,
  },
  { ref: { apiVersion: 'v1', kind: 'Namespace' }, namespaced: false },
];

/** `kind/namespace/name` key of an object. */
export function objectRefKey(o: { kind: string; metadata: { name?: string; namespace?: string } }): string {
  return `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
}
