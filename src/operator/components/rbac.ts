/**
 * @module operator/components/rbac
 * ServiceAccounts, ClusterRoles and bindings of the operands: least privilege, no wildcards.
 *
 * The agent may read pods (its node's, through the kubelet `nodes/proxy` endpoint or an API-server
 * watch filtered to its node), read nodes (its Node is the owner of its PowerNode), and write
 * PowerNodes. RBAC cannot limit `create` with `resourceNames` (the name is not known when create is
 * authorized), and one DaemonSet shares one ServiceAccount, so every agent may create and patch any
 * PowerNode. The validating webhook closes that gap where it can: a pod-bound token names its node
 * (`authentication.kubernetes.io/node-name`, Kubernetes ≥ 1.30), and an agent's write to another
 * node's PowerNode is denied. The PowerNode carries telemetry only.
 */
import type { V1ClusterRole, V1ClusterRoleBinding, V1Role, V1RoleBinding, V1ServiceAccount } from '@kubernetes/client-node';
import type { KubeObject } from '../../kube/types.js';
import { GROUP } from '../../api/v1alpha1/common.js';
import { componentLabels, NAMES, type ComponentName } from './labels.js';

/** One PolicyRule. */
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/** The agent's rules. */
export const AGENT_RULES: PolicyRule[] = [
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['nodes'], verbs: ['get'] },
  { apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] },
  { apiGroups: [GROUP], resources: ['powernodes'], verbs: ['get', 'create', 'patch'] },
  { apiGroups: [GROUP], resources: ['powernodes/status'], verbs: ['get', 'patch', 'update'] },
];

/**
 * The in-cluster estimator's rules (read-only: Estimators, Nodes, PowerNodes, basic-auth Secrets, node
 * metrics, and the pod watch of the scheduler extender: pod counts per node for the spread policy and
 * the node each pod is bound to).
 */
export const ESTIMATOR_RULES: PolicyRule[] = [
  { apiGroups: [GROUP], resources: ['estimators', 'powernodes'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
  // list + watch only: the informer never reads a single pod
  { apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch'] },
  // basicAuthSecret references live in each Estimator's namespace; get only (no list/watch).
  { apiGroups: [''], resources: ['secrets'], verbs: ['get'] },
  { apiGroups: ['metrics.k8s.io'], resources: ['nodes'], verbs: ['get', 'list'] },
];

/** Builds a ServiceAccount. */
export function buildServiceAccount(name: string, namespace: string, component: ComponentName, automount = true): KubeObject<V1ServiceAccount> {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, namespace, labels: componentLabels(component) },
    automountServiceAccountToken: automount,
  };
}

/** Builds a ClusterRole. */
export function buildClusterRole(name: string, component: ComponentName, rules: PolicyRule[]): KubeObject<V1ClusterRole> {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, labels: componentLabels(component) }, rules };
}

/** Builds a ClusterRoleBinding of a ClusterRole to one ServiceAccount. */
export function buildClusterRoleBinding(
  name: string,
  component: ComponentName,
  sa: { name: string; namespace: string },
): KubeObject<V1ClusterRoleBinding> {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name, labels: componentLabels(component) },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
    subjects: [{ kind: 'ServiceAccount', name: sa.name, namespace: sa.namespace }],
  };
}

/** Builds a namespaced Role. */
export function buildRole(name: string, namespace: string, component: ComponentName, rules: PolicyRule[]): KubeObject<V1Role> {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace, labels: componentLabels(component) }, rules };
}

/** Builds a RoleBinding of a Role to one ServiceAccount. */
export function buildRoleBinding(
  name: string,
  namespace: string,
  component: ComponentName,
  sa: { name: string; namespace: string },
): KubeObject<V1RoleBinding> {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name, namespace, labels: componentLabels(component) },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
    subjects: [{ kind: 'ServiceAccount', name: sa.name, namespace: sa.namespace }],
  };
}

/** The agent's ServiceAccount, ClusterRole and ClusterRoleBinding. */
export function buildAgentRbac(namespace: string): KubeObject[] {
  return [
    buildServiceAccount(NAMES.agent, namespace, 'agent'),
    buildClusterRole(NAMES.agent, 'agent', AGENT_RULES),
    buildClusterRoleBinding(NAMES.agent, 'agent', { name: NAMES.agent, namespace }),
  ];
}

/** The estimator's ServiceAccount, ClusterRole and ClusterRoleBinding. */
export function buildEstimatorRbac(namespace: string): KubeObject[] {
  return [
    buildServiceAccount(NAMES.estimator, namespace, 'estimator'),
    buildClusterRole(NAMES.estimator, 'estimator', ESTIMATOR_RULES),
    buildClusterRoleBinding(NAMES.estimator, 'estimator', { name: NAMES.estimator, namespace }),
  ];
}
