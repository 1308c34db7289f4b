/**
 * @module operator/components/agent
 * The node agent: its ConfigMap (the agent's YAML config keys), DaemonSet and headless Service.
 *
 * Hot reload: the agent configuration (agent-config.ts) lands in the ConfigMap's `config.yaml`,
 * mounted as a file (`--config.file`); the kubelet refreshes a ConfigMap volume in place (within its
 * sync period, about a minute), and the agent re-reads the file when it changes, so changes of `hot`
 * keys do not roll the pods. The keys the schema classes `restart` are hashed into the pod template
 * annotation `powerplane.io/config-hash`, so changing them rolls the pods; the versions of the
 * Secrets in `spec.agent.secrets` and `spec.agent.nodeSettingsSecretRef` go into
 * `powerplane.io/secret-hash` likewise.
 *
 * Security: hostPID (to see every process); host /sys and /proc mounted read-only at /host/sys and
 * /host/proc; not privileged; no privilege escalation; all capabilities dropped and only SYS_PTRACE
 * added back (reading other processes' /proc/<pid> files such as `io` needs ptrace access); read-only
 * root file system with an emptyDir at /tmp. The container runs as uid 0: since Linux 5.10 RAPL
 * `energy_uj` is readable by root only (CVE-2020-8694), and uid 0 reads it through the owner bits,
 * with no DAC_OVERRIDE/DAC_READ_SEARCH capability needed.
 *
 * GPU nodes (`spec.agent.gpu.enabled`): a second DaemonSet, `powerplane-agent-gpu`, runs the same agent
 * on the nodes of `spec.agent.gpu.nodeSelector` (default `nvidia.com/gpu.present: "true"`) with
 * `--meter …,gpu`, the environment NVIDIA's container toolkit reads (`NVIDIA_VISIBLE_DEVICES=all`,
 * `NVIDIA_DRIVER_CAPABILITIES=utility`: driver library and device nodes, no compute), an optional
 * `runtimeClassName`, and optionally the host's driver library directory mounted read-only
 * (`driverRoot`, loaded with `--gpu.nvml-library`). It has exactly the plain agent's privileges. The
 * plain agent then keeps off those nodes (node affinity `NotIn`), so each node runs one agent; the
 * agent Service selects both.
 */
import { stringify } from 'yaml';
import type { V1ConfigMap, V1DaemonSet, V1Service } from '@kubernetes/client-node';
import type { KubeObject } from '../../kube/types.js';
import { componentLabels, selectorLabels, NAMES } from './labels.js';
import type { ResolvedSpec } from './spec.js';
import { contentHash } from '../../core/hash.js';
import { agentConfig, agentConfigYaml, restartHash, HOST_PROCFS, HOST_SYSFS, NODE_SETTINGS_DIR, type AgentConfig } from './agent-config.js';

/** Annotation holding the hash of the restart-requiring agent settings. */
export const CONFIG_HASH_ANNOTATION = 'powerplane.io/config-hash';
/** Annotation holding the hash of the mounted Secrets' versions. */
export const SECRET_HASH_ANNOTATION = 'powerplane.io/secret-hash';
/** Mount path of the agent ConfigMap. */
export const AGENT_CONFIG_DIR = '/etc/powerplane';
/** Key (file name) of the agent config in the ConfigMap. */
export const AGENT_CONFIG_KEY = 'config.yaml';

/** Where the GPU agent sees `spec.agent.gpu.driverRoot`. */
export const GPU_DRIVER_MOUNT = '/host/nvidia-driver';

/** The NVML library the GPU agent loads, or undefined for the loader's default search. */
export function gpuLibraryPath(gpu: ResolvedSpec['agent']['gpu']): string | undefined {
  return gpu.libraryPath ?? (gpu.driverRoot ? `${GPU_DRIVER_MOUNT}/libnvidia-ml.so.1` : undefined);
}

/** Builds the agent ConfigMap: `config.yaml` is the file form of `cfg` (see agent-config.ts). */
export function buildAgentConfigMap(spec: ResolvedSpec, cfg: AgentConfig = agentConfig(spec)): KubeObject<V1ConfigMap> {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: NAMES.agentConfig, namespace: spec.namespace, labels: componentLabels('agent') },
    data: { [AGENT_CONFIG_KEY]: agentConfigYaml(cfg) },
  };
}

/**
 * Builds the agent DaemonSet. `secretVersions` maps each Secret of `spec.agent.secrets` to its
 * resourceVersion; their hash in the pod template rolls the pods when a Secret changes.
 */
export function buildAgentDaemonSet(
  spec: ResolvedSpec,
  defaultImage: string,
  secretVersions: Record<string, string> = {},
  cfg: AgentConfig = agentConfig(spec),
): KubeObject<V1DaemonSet> {
  return agentDaemonSet(spec, defaultImage, secretVersions, cfg, false);
}

/** Builds the GPU agent DaemonSet (only meaningful with `spec.agent.gpu.enabled`). */
export function buildGpuAgentDaemonSet(
  spec: ResolvedSpec,
  defaultImage: string,
  secretVersions: Record<string, string> = {},
  cfg: AgentConfig = agentConfig(spec),
): KubeObject<V1DaemonSet> {
  return agentDaemonSet(spec, defaultImage, secretVersions, cfg, true);
}

function agentDaemonSet(
  spec: ResolvedSpec,
  defaultImage: string,
  secretVersions: Record<string, string>,
  cfg: AgentConfig,
  gpuVariant: boolean,
): KubeObject<V1DaemonSet> {
  const a = spec.agent;
  const g = a.gpu;
  const secrets = a.secrets ?? [];
  const nodeSettings = a.nodeSettingsSecretRef;
  // a new version of a mounted Secret or of the node settings Secret rolls the pods
  const hashedSecrets = [...secrets.map((s) => s.name), ...(nodeSettings ? [nodeSettings.name] : [])];
  const resources = a.resources ?? { requests: { cpu: '50m', memory: '96Mi' }, limits: { memory: '512Mi' } };
  const name = gpuVariant ? NAMES.agentGpu : NAMES.agent;
  const labels = componentLabels('agent', name);
  const library = gpuVariant ? gpuLibraryPath(g) : undefined;
  const driverMount = gpuVariant && g.driverRoot !== undefined;
  // each node runs one agent: with the GPU variant on, the plain agent avoids the GPU nodes
  const avoidGpuNodes = !gpuVariant && g.enabled;
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: spec.namespace, labels },
    spec: {
      selector: { matchLabels: gpuVariant ? { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'powerplane' } : selectorLabels('agent') },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%' } },
      template: {
        metadata: {
          labels,
          annotations: {
            [CONFIG_HASH_ANNOTATION]: restartHash(cfg, gpuVariant ? g : undefined),
            ...(hashedSecrets.length > 0 ? { [SECRET_HASH_ANNOTATION]: contentHash(hashedSecrets.map((n) => [n, secretVersions[n] ?? ''])) } : {}),
          },
        },
        spec: {
          serviceAccountName: NAMES.agent,
          hostPID: true,
          nodeSelector: gpuVariant ? { ...a.nodeSelector, ...g.nodeSelector } : a.nodeSelector,
          ...(avoidGpuNodes
            ? {
                affinity: {
                  nodeAffinity: {
                    requiredDuringSchedulingIgnoredDuringExecution: {
                      nodeSelectorTerms: [
                        { matchExpressions: Object.entries(g.nodeSelector).map(([key, value]) => ({ key, operator: 'NotIn', values: [value] })) },
                      ],
                    },
                  },
                },
              }
            : {}),
          ...(gpuVariant && g.runtimeClassName ? { runtimeClassName: g.runtimeClassName } : {}),
          tolerations: a.tolerations,
          terminationGracePeriodSeconds: 10,
          securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'agent',
              image: a.image ?? defaultImage,
              imagePullPolicy: a.imagePullPolicy,
              args: [
                'agent',
                `--config.file=${AGENT_CONFIG_DIR}/${AGENT_CONFIG_KEY}`,
                `--host.sysfs=${HOST_SYSFS}`,
                `--host.procfs=${HOST_PROCFS}`,
                ...(gpuVariant ? [`--meter=${[...new Set([...a.meters, 'gpu'])].join(',')}`] : []),
                ...(library ? [`--gpu.nvml-library=${library}`] : []),
              ],
              env: [
                { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
                { name: 'NODE_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
                // A 2 MB young generation keeps the agent near 85–95 MB RSS at 10,000 processes (docs/agent.md).
                { name: 'NODE_OPTIONS', value: '--max-semi-space-size=2' },
                // NVIDIA's container toolkit: every GPU, management library only (what monitoring needs)
                ...(gpuVariant
                  ? [
                      { name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' },
                      { name: 'NVIDIA_DRIVER_CAPABILITIES', value: 'utility' },
                    ]
                  : []),
              ],
              ports: [{ name: 'http', containerPort: a.port, protocol: 'TCP' }],
              livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 3 },
              readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 10, timeoutSeconds: 5 },
              resources,
              securityContext: {
                privileged: false,
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                runAsUser: 0,
                runAsNonRoot: false,
                capabilities: { drop: ['ALL'], add: ['SYS_PTRACE'] },
              },
              volumeMounts: [
                { name: 'host-sys', mountPath: HOST_SYSFS, readOnly: true },
                { name: 'host-proc', mountPath: HOST_PROCFS, readOnly: true },
                { name: 'config', mountPath: AGENT_CONFIG_DIR, readOnly: true },
                { name: 'tmp', mountPath: '/tmp' },
                ...(driverMount ? [{ name: 'nvidia-driver', mountPath: GPU_DRIVER_MOUNT, readOnly: true }] : []),
                ...secrets.map((s, i) => ({ name: `secret-${i}`, mountPath: s.mountPath, readOnly: true })),
                ...(nodeSettings ? [{ name: 'node-settings', mountPath: NODE_SETTINGS_DIR }] : []),
              ],
            },
          ],
          volumes: [
            { name: 'host-sys', hostPath: { path: '/sys', type: 'Directory' } },
            { name: 'host-proc', hostPath: { path: '/proc', type: 'Directory' } },
            { name: 'config', configMap: { name: NAMES.agentConfig } },
            { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
            ...(driverMount ? [{ name: 'nvidia-driver', hostPath: { path: g.driverRoot!, type: 'Directory' } }] : []),
            ...secrets.map((s, i) => ({ name: `secret-${i}`, secret: { secretName: s.name, defaultMode: 0o400 } })),
            // the node's own credentials, fetched by the agent, stay in memory (tmpfs), as a Secret volume's do
            ...(nodeSettings ? [{ name: 'node-settings', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } }] : []),
          ],
        },
      },
    },
  };
}

/** Builds the agent's headless Service (one endpoint per agent pod, for scraping). */
export function buildAgentService(spec: ResolvedSpec): KubeObject<V1Service> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: NAMES.agent, namespace: spec.namespace, labels: componentLabels('agent') },
    spec: {
      clusterIP: 'None',
      // the plain and the GPU agent pods
      selector: { 'app.kubernetes.io/component': 'agent', 'app.kubernetes.io/part-of': 'powerplane' },
      ports: [{ name: 'http', port: spec.agent.port, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}
