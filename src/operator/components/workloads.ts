/**
 * @module operator/components/workloads
 * The model server and estimator Deployments and Services. Both run as a non-root user with a
 * read-only root file system and no capabilities, answer only to their Service's names (and IPs:
 * `--web.allowed-hosts`), and the model server requires the token Secret on its write routes.
 */
import type { V1Deployment, V1SecurityContext, V1Service, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import type { KubeObject } from '../../kube/types.js';
import { serviceHosts } from '../webhook/x509.js';
import { componentLabels, selectorLabels, NAMES, type ComponentName } from './labels.js';
import { MODEL_SERVER_TOKEN_DIR, MODEL_SERVER_TOKEN_KEY } from './model-server-token.js';
import type { ResolvedSpec } from './spec.js';

const NON_ROOT_UID = 65532;

const restrictedContainer: V1SecurityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  runAsUser: NON_ROOT_UID,
  capabilities: { drop: ['ALL'] },
};

interface DeploymentInput {
  name: string;
  namespace: string;
  component: ComponentName;
  image: string;
  args: string[];
  port: number;
  replicas: number;
  serviceAccountName?: string;
  volumes: V1Volume[];
  volumeMounts: V1VolumeMount[];
}

function deployment(i: DeploymentInput): KubeObject<V1Deployment> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: i.name, namespace: i.namespace, labels: componentLabels(i.component) },
    spec: {
      replicas: i.replicas,
      selector: { matchLabels: selectorLabels(i.component) },
      template: {
        metadata: { labels: componentLabels(i.component) },
        spec: {
          ...(i.serviceAccountName ? { serviceAccountName: i.serviceAccountName } : { automountServiceAccountToken: false }),
          securityContext: { runAsNonRoot: true, runAsUser: NON_ROOT_UID, fsGroup: NON_ROOT_UID, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: i.component,
              image: i.image,
              args: i.args,
              ports: [{ name: 'http', containerPort: i.port, protocol: 'TCP' }],
              livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 30 },
              readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 10 },
              resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '1Gi' } },
              securityContext: restrictedContainer,
              volumeMounts: [...i.volumeMounts, { name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [...i.volumes, { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
        },
      },
    },
  };
}

function service(name: string, namespace: string, component: ComponentName, port: number): KubeObject<V1Service> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, labels: componentLabels(component) },
    spec: { type: 'ClusterIP', selector: selectorLabels(component), ports: [{ name: 'http', port, targetPort: 'http', protocol: 'TCP' }] },
  };
}

/** The model store volume for the configured storage type. */
export function modelStoreVolume(storage: ResolvedSpec['modelServer']['storage']): V1Volume {
  switch (storage.type) {
    case 'hostPath':
      return { name: 'models', hostPath: { path: storage.path ?? '/var/lib/powerplane/models', type: 'DirectoryOrCreate' } };
    case 'nfs':
      return { name: 'models', nfs: { server: storage.server ?? '', path: storage.path ?? '/' } };
    case 'pvc':
      return { name: 'models', persistentVolumeClaim: { claimName: storage.claimName ?? NAMES.modelServerData } };
    default:
      return { name: 'models', emptyDir: {} };
  }
}

/** `--web.allowed-hosts` with the names of a Service (clients that call it by name send them as Host). */
function allowedHostsFlag(service: string, namespace: string): string {
  return `--web.allowed-hosts=${serviceHosts(service, namespace).join(',')}`;
}

/** Builds the model server Deployment and Service. */
export function buildModelServerManifests(spec: ResolvedSpec, defaultImage: string): KubeObject[] {
  const m = spec.modelServer;
  return [
    deployment({
      name: NAMES.modelServer,
      namespace: spec.namespace,
      component: 'model-server',
      image: m.image ?? defaultImage,
      args: [
        'model-server',
        `--web.listen-address=0.0.0.0:${m.port}`,
        allowedHostsFlag(NAMES.modelServer, spec.namespace),
        '--model-server.store-dir=/data/models',
        `--model-server.token-file=${MODEL_SERVER_TOKEN_DIR}/${MODEL_SERVER_TOKEN_KEY}`,
      ],
      port: m.port,
      replicas: 1,
      // 0440: readable by the container's group (fsGroup), not by others.
      volumes: [modelStoreVolume(m.storage), { name: 'token', secret: { secretName: NAMES.modelServerToken, defaultMode: 0o440 } }],
      volumeMounts: [
        { name: 'models', mountPath: '/data/models' },
        { name: 'token', mountPath: MODEL_SERVER_TOKEN_DIR, readOnly: true },
      ],
    }),
    service(NAMES.modelServer, spec.namespace, 'model-server', m.port),
  ];
}

/** Builds the estimator Deployment and Service (its ServiceAccount and RBAC come from rbac.ts). */
export function buildEstimatorManifests(spec: ResolvedSpec, defaultImage: string): KubeObject[] {
  const e = spec.estimator;
  return [
    deployment({
      name: NAMES.estimator,
      namespace: spec.namespace,
      component: 'estimator',
      image: e.image ?? defaultImage,
      args: ['estimator', `--web.listen-address=0.0.0.0:${e.port}`, allowedHostsFlag(NAMES.estimator, spec.namespace), '--kube.enable'],
      port: e.port,
      replicas: e.replicas,
      serviceAccountName: NAMES.estimator,
      volumes: [],
      volumeMounts: [],
    }),
    service(NAMES.estimator, spec.namespace, 'estimator', e.port),
  ];
}
