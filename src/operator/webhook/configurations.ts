/**
 * @module operator/webhook/configurations
 * The Validating- and MutatingWebhookConfiguration of the operator, used both by `render` (service
 * reference, no CA yet) and by the operator at start (with the `caBundle` of its CA, and a URL when
 * it runs outside the cluster).
 *
 * `failurePolicy: Ignore` and `timeoutSeconds: 5`: the webhooks only match powerplane's own
 * resources, and if the operator is down the API server admits them after at most 5 s instead of
 * blocking every PowerMonitor/Estimator write; the controllers re-validate what they reconcile
 * (an invalid PowerMonitor gets Reconciled=False/InvalidSpec), so nothing depends on the webhook for
 * safety. They never match pods or namespaces, so the operator cannot block its own restart.
 */
import type {
  AdmissionregistrationV1WebhookClientConfig,
  V1MutatingWebhook,
  V1MutatingWebhookConfiguration,
  V1ValidatingWebhook,
  V1ValidatingWebhookConfiguration,
} from '@kubernetes/client-node';
import type { KubeObject } from '../../kube/types.js';
import { GROUP, VERSION } from '../../api/v1alpha1/common.js';
import { componentLabels } from '../components/labels.js';

/** Name of both webhook configurations. */
export const WEBHOOK_CONFIG_NAME = 'powerplane-operator';
/** Name of the operator's webhook Service. */
export const WEBHOOK_SERVICE_NAME = 'powerplane-operator-webhook';
/** Webhook timeout in seconds. */
export const WEBHOOK_TIMEOUT_SECONDS = 5;

/** Paths the webhook server serves. */
export const WEBHOOK_PATHS = {
  validatePowerMonitor: '/validate-powermonitor',
  mutatePowerMonitor: '/mutate-powermonitor',
  validateEstimator: '/validate-estimator',
  validatePowerNode: '/validate-powernode',
  mutateEstimator: '/mutate-estimator',
  mutatePod: '/mutate-pod-capping',
  validatePowerCapPolicy: '/validate-powercappolicy',
} as const;

/** Namespaces the capping pod plug-in never sees (besides the operator's own). */
export const CAPPING_EXCLUDED_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease'];

/**
 * The capping pod plug-in: pods created in namespaces labelled `powerplane.io/capping=enabled`,
 * except system namespaces and the operator's (so the operator can never block its own restart);
 * side effects (alerts) only on non-dry-run requests.
 */
function podHook(target: WebhookTarget, caBundle?: string): V1MutatingWebhook {
  const operatorNs = 'service' in target ? [target.service.namespace] : [];
  return {
    name: `mpod.capping.${GROUP}`,
    admissionReviewVersions: ['v1'],
    sideEffects: 'NoneOnDryRun',
    failurePolicy: 'Ignore',
    matchPolicy: 'Equivalent',
    timeoutSeconds: WEBHOOK_TIMEOUT_SECONDS,
    reinvocationPolicy: 'Never',
    clientConfig: clientConfig(target, WEBHOOK_PATHS.mutatePod, caBundle),
    namespaceSelector: {
      matchLabels: { 'powerplane.io/capping': 'enabled' },
      matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: [...CAPPING_EXCLUDED_NAMESPACES, ...operatorNs] }],
    },
    rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'], scope: 'Namespaced' }],
  };
}

/** Where the API server reaches the webhook: the in-cluster Service, or a URL (out-of-cluster operator). */
export type WebhookTarget = { service: { namespace: string; name: string; port: number } } | { url: string };

function clientConfig(target: WebhookTarget, path: string, caBundle?: string): AdmissionregistrationV1WebhookClientConfig {
  const base = 'url' in target ? { url: `${target.url.replace(/\/+$/, '')}${path}` } : { service: { ...target.service, path } };
  return caBundle ? { ...base, caBundle } : base;
}

function hook(
  name: string,
  plural: string | string[],
  scope: 'Cluster' | 'Namespaced',
  path: string,
  target: WebhookTarget,
  caBundle?: string,
): V1ValidatingWebhook {
  return {
    name,
    admissionReviewVersions: ['v1'],
    sideEffects: 'None',
    failurePolicy: 'Ignore',
    matchPolicy: 'Equivalent',
    timeoutSeconds: WEBHOOK_TIMEOUT_SECONDS,
    clientConfig: clientConfig(target, path, caBundle),
    rules: [
      { apiGroups: [GROUP], apiVersions: [VERSION], operations: ['CREATE', 'UPDATE'], resources: Array.isArray(plural) ? plural : [plural], scope },
    ],
  };
}

/** Builds the ValidatingWebhookConfiguration and MutatingWebhookConfiguration. */
export function buildWebhookConfigurations(target: WebhookTarget, caBundle?: string): KubeObject[] {
  const metadata = { name: WEBHOOK_CONFIG_NAME, labels: componentLabels('webhook', 'powerplane-operator') };
  return [
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata,
      webhooks: [
        hook(`vpowermonitor.${GROUP}`, 'powermonitors', 'Cluster', WEBHOOK_PATHS.validatePowerMonitor, target, caBundle),
        hook(`vestimator.${GROUP}`, 'estimators', 'Namespaced', WEBHOOK_PATHS.validateEstimator, target, caBundle),
        hook(`vpowercappolicy.${GROUP}`, 'powercappolicies', 'Namespaced', WEBHOOK_PATHS.validatePowerCapPolicy, target, caBundle),
        hook(`vpowernode.${GROUP}`, ['powernodes', 'powernodes/status'], 'Cluster', WEBHOOK_PATHS.validatePowerNode, target, caBundle),
      ],
    } satisfies KubeObject<V1ValidatingWebhookConfiguration>,
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata,
      webhooks: [
        {
          ...hook(`mpowermonitor.${GROUP}`, 'powermonitors', 'Cluster', WEBHOOK_PATHS.mutatePowerMonitor, target, caBundle),
          reinvocationPolicy: 'Never',
        },
        { ...hook(`mestimator.${GROUP}`, 'estimators', 'Namespaced', WEBHOOK_PATHS.mutateEstimator, target, caBundle), reinvocationPolicy: 'Never' },
        podHook(target, caBundle),
      ],
    } satisfies KubeObject<V1MutatingWebhookConfiguration>,
  ];
}
