/**
 * @module operator/components/install
 * The operator's own install manifests (`powerplane render`): CRDs, the operator namespace,
 * ServiceAccount, RBAC (no wildcards), Deployment (two replicas with leader election), webhook
 * Service and webhook configurations.
 *
 * The operator's ClusterRole holds every permission it grants to the agent and estimator, because
 * Kubernetes RBAC lets a subject create a role only with permissions it holds itself (escalation
 * prevention). Secrets and Leases are limited to the operator namespace by a Role.
 */
import type { V1Deployment, V1Namespace, V1Service } from '@kubernetes/client-node';
import type { KubeObject } from '../../kube/types.js';
import { GROUP } from '../../api/v1alpha1/common.js';
import { buildCrds } from '../api/crds.js';
import { componentLabels, selectorLabels, NAMES } from './labels.js';
import {
  AGENT_RULES,
  ESTIMATOR_RULES,
  buildServiceAccount,
  buildClusterRole,
  buildClusterRoleBinding,
  buildRole,
  buildRoleBinding,
  type PolicyRule,
} from './rbac.js';
import { buildWebhookConfigurations, WEBHOOK_CONFIG_NAME, WEBHOOK_SERVICE_NAME } from '../webhook/configurations.js';
import { buildScheduler, buildSchedulerClusterRole, SCHEDULER_NAME, type SchedulerOptions } from './scheduler.js';

/** Name of the operator's ServiceAccount, roles and Deployment. */
export const OPERATOR_NAME = 'powerplane-operator';
/** Default operator namespace. */
export const DEFAULT_OPERATOR_NAMESPACE = 'powerplane-system';
/** Name of the Secret holding the webhook CA and serving certificate. */
export const WEBHOOK_CERT_SECRET = 'powerplane-operator-webhook-cert';
/** Name of the leader-election Lease. */
export const LEADER_LEASE_NAME = 'powerplane-operator-leader';

const RW = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

/** The operator's cluster-wide rules. */
export const OPERATOR_CLUSTER_RULES: PolicyRule[] = [
  { apiGroups: [GROUP], resources: ['powermonitors', 'estimators'], verbs: ['get', 'list', 'watch', 'update', 'patch'] },
  { apiGroups: [GROUP], resources: ['powermonitors/status', 'estimators/status'], verbs: ['get', 'update', 'patch'] },
  { apiGroups: [GROUP], resources: ['powermonitors/finalizers'], verbs: ['update'] },
  { apiGroups: [GROUP], resources: ['powernodes'], verbs: ['get', 'list', 'watch', 'create', 'patch'] },
  { apiGroups: [GROUP], resources: ['powernodes/status'], verbs: ['get', 'patch', 'update'] },
  { apiGroups: [''], resources: ['namespaces', 'serviceaccounts', 'configmaps', 'services'], verbs: RW },
  { apiGroups: ['apps'], resources: ['daemonsets', 'deployments'], verbs: RW },
  { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles', 'clusterrolebindings'], verbs: RW },
  // the secondary scheduler's ClusterRole is installed here; the operator only binds it (spec.scheduler)
  { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind'], resourceNames: [SCHEDULER_NAME] },
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
  // Secrets named in spec.agent.secrets are read (get only) for the pod-template hash.
  { apiGroups: [''], resources: ['secrets'], verbs: ['get'] },
  // The model server token Secret in the PowerMonitor's namespace: created once, deleted with the PowerMonitor.
  { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
  { apiGroups: [''], resources: ['secrets'], verbs: ['delete'], resourceNames: [NAMES.modelServerToken] },
  { apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] },
  { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['get', 'list', 'watch'] },
  // Events on the PowerMonitor (what the operator did or failed to do).
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create'] },
  { apiGroups: ['monitoring.coreos.com'], resources: ['servicemonitors', 'prometheusrules'], verbs: RW },
  { apiGroups: ['security.openshift.io'], resources: ['securitycontextconstraints'], verbs: RW },
  { apiGroups: ['machineconfiguration.openshift.io'], resources: ['machineconfigs'], verbs: RW },
  // Power capping (PowerCapPolicy): its own resource, the targets it reads and limits, evictions, Events.
  { apiGroups: [GROUP], resources: ['powercappolicies'], verbs: ['get', 'list', 'watch', 'update', 'patch'] },
  { apiGroups: [GROUP], resources: ['powercappolicies/status'], verbs: ['get', 'update', 'patch'] },
  { apiGroups: [GROUP], resources: ['powercappolicies/finalizers'], verbs: ['update'] },
  { apiGroups: ['apps'], resources: ['statefulsets', 'replicasets'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['apps'], resources: ['statefulsets'], verbs: ['patch'] },
  { apiGroups: ['apps'], resources: ['deployments/scale', 'statefulsets/scale'], verbs: ['get', 'update', 'patch'] },
  { apiGroups: ['keda.sh'], resources: ['scaledobjects'], verbs: ['get', 'list', 'watch', 'patch'] },
  { apiGroups: ['serving.kserve.io'], resources: ['inferenceservices'], verbs: ['get', 'list', 'watch', 'patch'] },
  { apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
  { apiGroups: ['admissionregistration.k8s.io'], resources: ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations'], verbs: ['create'] },
  {
    apiGroups: ['admissionregistration.k8s.io'],
    resources: ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations'],
    verbs: ['get', 'update', 'patch'],
    resourceNames: [WEBHOOK_CONFIG_NAME],
  },
];

/** The operator's rules in its own namespace. */
export const OPERATOR_NAMESPACE_RULES: PolicyRule[] = [
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update', 'patch'] },
  // the webhook certificate, and the per-node settings Secrets (spec.agent.nodeSettingsSecretRef): listed by label to prune
  { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'create', 'update', 'patch', 'delete'] },
  // the Role (get on exactly the per-node settings Secrets) and its RoleBinding to the agent's ServiceAccount
  { apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'], verbs: ['get', 'create', 'update', 'patch', 'delete'] },
  { apiGroups: ['cert-manager.io'], resources: ['issuers', 'certificates'], verbs: ['get', 'create', 'patch'] },
];

/** Options of {@link buildInstallManifests}. */
export interface InstallOptions {
  namespace: string;
  image: string;
  /** Only the CRDs. */
  crdsOnly?: boolean;
  /** Add the secondary scheduler (`render --scheduler`), in `namespace`. */
  scheduler?: Omit<SchedulerOptions, 'namespace'>;
}

/** Builds the operator's install manifests, in the order `kubectl apply` needs them. */
export function buildInstallManifests(opts: InstallOptions): KubeObject[] {
  const crds: KubeObject[] = buildCrds();
  if (opts.crdsOnly) return crds;
  const ns = opts.namespace;
  const sa = { name: OPERATOR_NAME, namespace: ns };
  const labels = componentLabels('operator', OPERATOR_NAME);
  // The operator is installed by the user (kubectl), not by itself: not managed-by the operator.
  delete labels['app.kubernetes.io/managed-by'];
  const relabel = (o: KubeObject): KubeObject => ({ ...o, metadata: { ...o.metadata, labels } });
  return [
    ...crds,
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: ns,
        labels: { ...labels, 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted' },
      },
    } satisfies KubeObject<V1Namespace>,
    relabel(buildServiceAccount(OPERATOR_NAME, ns, 'operator')),
    relabel(buildClusterRole(OPERATOR_NAME, 'operator', dedupeRules([...OPERATOR_CLUSTER_RULES, ...AGENT_RULES, ...ESTIMATOR_RULES]))),
    relabel(buildClusterRoleBinding(OPERATOR_NAME, 'operator', sa)),
    relabel(buildRole(OPERATOR_NAME, ns, 'operator', OPERATOR_NAMESPACE_RULES)),
    relabel(buildRoleBinding(OPERATOR_NAME, ns, 'operator', sa)),
    schedulerObject(buildSchedulerClusterRole()),
    operatorDeployment(ns, opts.image, labels),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: WEBHOOK_SERVICE_NAME, namespace: ns, labels },
      spec: {
        type: 'ClusterIP',
        selector: selectorLabels('operator'),
        ports: [{ name: 'webhook', port: 443, targetPort: 'webhook', protocol: 'TCP' }],
      },
    } satisfies KubeObject<V1Service>,
    ...buildWebhookConfigurations({ service: { namespace: ns, name: WEBHOOK_SERVICE_NAME, port: 443 } }).map(relabel),
    ...(opts.scheduler ? buildScheduler({ ...opts.scheduler, namespace: ns }).map(schedulerObject) : []),
  ];
}

/** A scheduler object as installed by the user (not managed-by the operator). */
function schedulerObject(o: KubeObject): KubeObject {
  const labels = { ...(o.metadata.labels ?? {}) };
  delete labels['app.kubernetes.io/managed-by'];
  return { ...o, metadata: { ...o.metadata, labels } };
}

/** Whether every request `b` allows is also allowed by `a`. */
function covers(a: PolicyRule, b: PolicyRule): boolean {
  const within = (outer: string[], inner: string[]) => inner.every((x) => outer.includes(x));
  const names = a.resourceNames === undefined || (b.resourceNames !== undefined && within(a.resourceNames, b.resourceNames));
  return names && within(a.apiGroups, b.apiGroups) && within(a.resources, b.resources) && within(a.verbs, b.verbs);
}

/** Drops rules that an earlier rule already grants (its groups, resources, verbs and names include the later one's). */
export function dedupeRules(rules: PolicyRule[]): PolicyRule[] {
  const kept: PolicyRule[] = [];
  for (const r of rules) if (!kept.some((k) => covers(k, r))) kept.push(r);
  return kept;
}

function operatorDeployment(ns: string, image: string, labels: Record<string, string>): KubeObject<V1Deployment> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: OPERATOR_NAME, namespace: ns, labels },
    spec: {
      replicas: 2,
      selector: { matchLabels: selectorLabels('operator') },
      template: {
        metadata: { labels: { ...labels, ...selectorLabels('operator') } },
        spec: {
          serviceAccountName: OPERATOR_NAME,
          securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'operator',
              image,
              args: ['operator', `--namespace=${ns}`, '--leader-elect', '--webhook.listen-address=:9443', '--health.listen-address=:8081'],
              env: [
                { name: 'POWERPLANE_OPERATOR_IMAGE', value: image },
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              ],
              ports: [
                { name: 'webhook', containerPort: 9443, protocol: 'TCP' },
                { name: 'health', containerPort: 8081, protocol: 'TCP' },
              ],
              livenessProbe: { httpGet: { path: '/healthz', port: 'health' }, periodSeconds: 20 },
              readinessProbe: { httpGet: { path: '/readyz', port: 'health' }, periodSeconds: 10 },
              resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
        },
      },
    },
  };
}
