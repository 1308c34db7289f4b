/**
 * @module operator/components/labels
 * Labels, names and owner references every object a PowerMonitor installs carries, so the
 * operator can find (label selector) and clean up (owner reference, finalizer) all of them.
 */
import type { KubeObject, OwnerReference } from '../../kube/types.js';

/** Field manager of every write the operator makes. */
export const FIELD_MANAGER = 'powerplane-operator';
/** `app.kubernetes.io/managed-by` value on everything the operator makes. */
export const MANAGED_BY = 'powerplane-operator';
/** Label selector matching everything the operator makes. */
export const MANAGED_SELECTOR = { 'app.kubernetes.io/managed-by': MANAGED_BY };
/** Names of the operand objects. */
export const NAMES = {
  agent: 'powerplane-agent',
  agentGpu: 'powerplane-agent-gpu',
  agentConfig: 'powerplane-agent-config',
  modelServer: 'powerplane-model-server',
  modelServerData: 'powerplane-models',
  modelServerToken: 'powerplane-model-server-token',
  estimator: 'powerplane-estimator',
  scheduler: 'powerplane-scheduler',
  monitoring: 'powerplane',
  dashboardPrefix: 'powerplane-dashboard-',
} as const;

/** The component label values. */
export type ComponentName =
  | 'namespace'
  | 'agent'
  | 'model-server'
  | 'estimator'
  | 'monitoring'
  | 'dashboards'
  | 'openshift'
  | 'operator'
  | 'webhook'
  | 'scheduler';

/** Standard labels of one operand component. */
export function componentLabels(component: ComponentName, name = `powerplane-${component}`): Record<string, string> {
  return {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': 'powerplane',
    'app.kubernetes.io/managed-by': MANAGED_BY,
  };
}

/** Labels that select a component's pods (stable: never change them, selectors are immutable). */
export function selectorLabels(component: ComponentName): Record<string, string> {
  return { 'app.kubernetes.io/name': `powerplane-${component}`, 'app.kubernetes.io/part-of': 'powerplane' };
}

/** The owner of installed objects. */
export interface Owner {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
}

/** A controller owner reference to `owner` (a cluster-scoped owner may own namespaced and cluster-scoped objects). */
export function ownerReference(owner: Owner): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name, uid: owner.uid, controller: true, blockOwnerDeletion: true };
}

/** Returns `obj` with the owner reference set (a copy). */
export function withOwner<T extends KubeObject>(obj: T, owner: Owner): T {
  return { ...obj, metadata: { ...obj.metadata, ownerReferences: [ownerReference(owner)] } };
}
