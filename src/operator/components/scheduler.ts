/**
 * @module operator/components/scheduler
 * The power-aware secondary scheduler (pure builders): the upstream kube-scheduler
 * (`registry.k8s.io/kube-scheduler` at the cluster's version) with a `KubeSchedulerConfiguration` whose
 * only profile is `powerplane-scheduler` and whose extender is the estimator's `/scheduler` routes
 * (`ignorable: true`, `httpTimeout: 1s`, `nodeCacheCapable: true`). Pods opt in with
 * `schedulerName: powerplane-scheduler`.
 *
 * One replica without leader election (no Lease permissions needed; the Deployment's `Recreate` strategy
 * keeps two from running at once). Its ClusterRole holds what kube-scheduler reads and writes (the
 * `system:kube-scheduler` and `system:volume-scheduler` rules without leader election, plus dynamic
 * resource allocation reads), no wildcards. It is part of the install manifests, so the operator only
 * needs `bind` on it to install the scheduler for a PowerMonitor. kube-scheduler's delegated
 * authentication tolerates not reading `kube-system/extension-apiserver-authentication`, and its probes
 * use `/healthz`, which needs no authorization.
 */
import { stringify } from 'yaml';
import type { V1ClusterRole, V1ConfigMap, V1Deployment } from '@kubernetes/client-node';
import type { KubeObject } from '../../kube/types.js';
import { contentHash } from '../../core/hash.js';
import { buildClusterRole, buildClusterRoleBinding, buildServiceAccount, type PolicyRule } from './rbac.js';
import { componentLabels, selectorLabels } from './labels.js';

/** Name of the scheduler profile, ServiceAccount, ClusterRole, binding, ConfigMap and Deployment. */
export const SCHEDULER_NAME = 'powerplane-scheduler';
/** The upstream image repository. */
export const KUBE_SCHEDULER_IMAGE = 'registry.k8s.io/kube-scheduler';
/** kube-scheduler version `render --scheduler` uses unless told the cluster's. */
export const DEFAULT_KUBE_SCHEDULER_VERSION = 'v1.31.0';
/** The extender's weight: its 0–10 score ×10 is multiplied by this and added to the plugins' 0–100 scores. */
export const EXTENDER_WEIGHT = 5;
/** Secure port of kube-scheduler (health checks). */
const SECURE_PORT = 10259;
const CONFIG_KEY = 'config.yaml';
const CONFIG_DIR = '/etc/powerplane-scheduler';

const READ = ['get', 'list', 'watch'];
const EVENTS = ['create', 'patch', 'update'];

/** What kube-scheduler needs (system:kube-scheduler + system:volume-scheduler, no leader election). */
export const SCHEDULER_RULES: PolicyRule[] = [
  { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: EVENTS },
  { apiGroups: [''], resources: ['nodes', 'namespaces', 'services', 'replicationcontrollers'], verbs: READ },
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'delete'] },
  { apiGroups: [''], resources: ['pods/binding', 'bindings'], verbs: ['create'] },
  { apiGroups: [''], resources: ['pods/status'], verbs: ['patch', 'update'] },
  { apiGroups: [''], resources: ['persistentvolumeclaims', 'persistentvolumes'], verbs: ['get', 'list', 'watch', 'patch', 'update'] },
  { apiGroups: ['apps'], resources: ['replicasets', 'statefulsets'], verbs: READ },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: READ },
  {
    apiGroups: ['storage.k8s.io'],
    resources: ['storageclasses', 'csinodes', 'csidrivers', 'csistoragecapacities', 'volumeattachments'],
    verbs: READ,
  },
  { apiGroups: ['resource.k8s.io'], resources: ['resourceclaims', 'resourceslices', 'deviceclasses', 'resourceclaimtemplates'], verbs: READ },
  { apiGroups: ['resource.k8s.io'], resources: ['resourceclaims/status'], verbs: ['patch', 'update'] },
];

/** What the scheduler is built from. */
export interface SchedulerOptions {
  /** Namespace of the scheduler's Deployment, ServiceAccount and ConfigMap. */
  namespace: string;
  /** kube-scheduler image. */
  image: string;
  /** Base URL of the estimator, e.g. `http://powerplane-estimator.powerplane.svc:5656`. */
  estimatorUrl: string;
  /** Placement policy passed as the `policy` query parameter. */
  policy: 'watts' | 'spread' | 'temperature';
}

/** The kube-scheduler image of a Kubernetes version (`v1.31.2+k3s1` → `registry.k8s.io/kube-scheduler:v1.31.2`). */
export function kubeSchedulerImage(version: string): string {
  const m = /^v?(\d+\.\d+\.\d+)/.exec(version.trim());
  return `${KUBE_SCHEDULER_IMAGE}:v${m ? m[1] : DEFAULT_KUBE_SCHEDULER_VERSION.slice(1)}`;
}

/** The KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1). */
export function schedulerConfiguration(o: Pick<SchedulerOptions, 'estimatorUrl' | 'policy'>): Record<string, unknown> {
  const q = o.policy === 'watts' ? '' : `?policy=${o.policy}`;
  return {
    apiVersion: 'kubescheduler.config.k8s.io/v1',
    kind: 'KubeSchedulerConfiguration',
    leaderElection: { leaderElect: false },
    profiles: [{ schedulerName: SCHEDULER_NAME }],
    extenders: [
      {
        urlPrefix: `${o.estimatorUrl.replace(/\/+$/, '')}/scheduler`,
        filterVerb: `filter${q}`,
        prioritizeVerb: `prioritize${q}`,
        weight: EXTENDER_WEIGHT,
        enableHTTPS: false,
        httpTimeout: '1s',
        nodeCacheCapable: true,
        ignorable: true,
      },
    ],
  };
}

/** The scheduler's ClusterRole (part of the install manifests). */
export function buildSchedulerClusterRole(): KubeObject<V1ClusterRole> {
  return buildClusterRole(SCHEDULER_NAME, 'scheduler', SCHEDULER_RULES);
}

/** The scheduler's ServiceAccount, ClusterRoleBinding, ConfigMap and Deployment. */
export function buildScheduler(o: SchedulerOptions): KubeObject[] {
  const config = stringify(schedulerConfiguration(o), { lineWidth: 0 });
  const labels = componentLabels('scheduler', SCHEDULER_NAME);
  return [
    buildServiceAccount(SCHEDULER_NAME, o.namespace, 'scheduler'),
    buildClusterRoleBinding(SCHEDULER_NAME, 'scheduler', { name: SCHEDULER_NAME, namespace: o.namespace }),
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: SCHEDULER_NAME, namespace: o.namespace, labels },
      data: { [CONFIG_KEY]: config },
    } satisfies KubeObject<V1ConfigMap>,
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: SCHEDULER_NAME, namespace: o.namespace, labels },
      spec: {
        replicas: 1,
        strategy: { type: 'Recreate' },
        selector: { matchLabels: selectorLabels('scheduler') },
        template: {
          metadata: { labels: { ...labels, ...selectorLabels('scheduler') }, annotations: { 'powerplane.io/config-hash': contentHash(config) } },
          spec: {
            serviceAccountName: SCHEDULER_NAME,
            securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'kube-scheduler',
                image: o.image,
                command: ['kube-scheduler'],
                args: [`--config=${CONFIG_DIR}/${CONFIG_KEY}`, '--authentication-tolerate-lookup-failure=true', '--v=2'],
                ports: [{ name: 'https', containerPort: SECURE_PORT, protocol: 'TCP' }],
                livenessProbe: { httpGet: { path: '/healthz', port: SECURE_PORT, scheme: 'HTTPS' }, initialDelaySeconds: 15, periodSeconds: 20 },
                readinessProbe: { httpGet: { path: '/healthz', port: SECURE_PORT, scheme: 'HTTPS' }, periodSeconds: 10 },
                resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '512Mi' } },
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
                volumeMounts: [
                  { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              },
            ],
            volumes: [
              { name: 'config', configMap: { name: SCHEDULER_NAME } },
              { name: 'tmp', emptyDir: { sizeLimit: '16Mi' } },
            ],
          },
        },
      },
    } satisfies KubeObject<V1Deployment>,
  ];
}
