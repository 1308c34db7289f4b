/**
 * @module api/v1alpha1/powermonitor
 * `PowerMonitor`: the cluster-scoped singleton (named `powerplane`) that says what powerplane
 * installs and how the agents collect and export. Its status reports reconciliation, the agent
 * DaemonSet and per-metric availability aggregated from the PowerNodes.
 */
import { createHash } from 'node:crypto';
import { Type, type Static } from 'typebox';
import { CONFIG_KEYS, configJsonSchema, type JsonSchemaNode, type PowerplaneConfig } from '../../core/config-keys.js';
import { API_VERSION, Conditions, Duration, StringMap, type ApiObject } from './common.js';

/** The one PowerMonitor name the operator reconciles. */
export const POWER_MONITOR_NAME = 'powerplane';
/** Kind name. */
export const POWER_MONITOR_KIND = 'PowerMonitor';
/** Kind reference for the kube client. */
export const POWER_MONITOR_REF = { apiVersion: API_VERSION, kind: POWER_MONITOR_KIND } as const;
/** Resource (plural) name. */
export const POWER_MONITOR_PLURAL = 'powermonitors';

const Toleration = Type.Object({
  key: Type.Optional(Type.String()),
  operator: Type.Optional(Type.Enum(['Exists', 'Equal'])),
  value: Type.Optional(Type.String()),
  effect: Type.Optional(Type.Enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute'])),
  tolerationSeconds: Type.Optional(Type.Integer()),
});

const Resources = Type.Object(
  {
    requests: Type.Optional(StringMap('Resource requests, e.g. {cpu: 100m, memory: 64Mi}')),
    limits: Type.Optional(StringMap('Resource limits')),
  },
  { description: 'Container resources' },
);

/**
 * The structured fields that set an agent config key: spec path → dotted config key. Each field's
 * schema is that key's schema node (core/config-keys), its value goes to that key in the agent
 * ConfigMap (operator/components/agent-config), and the webhook names the field for the key.
 */
export const AGENT_FIELD_KEYS = {
  'agent.interval': 'monitor.interval',
  'agent.meters': 'meter',
  'agent.podSource': 'kube.podInformer.mode',
  'agent.logLevel': 'log.level',
  'collect.pods': 'kube.enable',
  'collect.gpu': 'gpu.enable',
  'collect.platform': 'platform.acpi',
  'export.levels': 'metrics',
  'export.idlePolicy': 'attribution.idlePolicy',
  'export.maxTerminated': 'monitor.maxTerminated',
} as const;

/**
 * A structured field built from the schema node of its config key (type, enum, minimum, duration
 * pattern, help text and flag), with the CRD's own default where it differs from the agent's.
 */
function keyField<T>(
  key: (typeof AGENT_FIELD_KEYS)[keyof typeof AGENT_FIELD_KEYS],
  options: { default: unknown; description?: string; minItems?: number },
) {
  const node = configJsonSchema(key);
  const description = options.description ? `${options.description}; ${String(node.description)}` : node.description;
  return Type.Unsafe<T>({ ...node, ...options, description });
}

/** Config sections and keys that belong to other components than the agent (model server, estimator). */
export const NOT_AGENT_KEYS: readonly string[] = ['modelServer.', 'estimator.', 'web.insecureNoAuth'];

/** Keys the operator sets from the pod it builds (key → what sets it): `spec.agent.config` may not set them. */
export const OPERATOR_KEYS: Readonly<Record<string, string>> = {
  'host.sysfs': "the agent's read-only host mounts (/host/sys)",
  'host.procfs': "the agent's read-only host mounts (/host/proc)",
  'web.listenAddress': 'spec.agent.port (the container port, probes and Service follow it)',
  'kube.nodeSettings.namespace': 'spec.agent.nodeSettingsSecretRef',
  'kube.nodeSettings.dir': 'spec.agent.nodeSettingsSecretRef (the memory-backed volume)',
};

/** The config keys `spec.agent.config` takes: every key of the schema but other components' and the operator's. */
export function agentConfigKeys(): string[] {
  return CONFIG_KEYS.map((k) => k.key).filter(
    (key) => !(key in OPERATOR_KEYS) && !NOT_AGENT_KEYS.some((s) => (s.endsWith('.') ? key.startsWith(s) : key === s)),
  );
}

/** Keeps only the agent keys of a file-form config schema node (at dotted `prefix`); every object keeps unknown fields for the webhook to name. */
function agentKeysOnly(node: JsonSchemaNode, prefix: string, keys: ReadonlySet<string>): JsonSchemaNode | undefined {
  if (node.type !== 'object' || !node.properties) return keys.has(prefix) ? node : undefined;
  const properties: Record<string, JsonSchemaNode> = {};
  for (const [name, child] of Object.entries(node.properties as Record<string, JsonSchemaNode>)) {
    const kept = agentKeysOnly(child, prefix ? `${prefix}.${name}` : name, keys);
    if (kept) properties[name] = kept;
  }
  return Object.keys(properties).length === 0 ? undefined : { ...node, properties, 'x-kubernetes-preserve-unknown-fields': true };
}

/**
 * `spec.agent.config`: any agent config key, nested as in the agent's config file, typed by the
 * OpenAPI schema of the config schema (core/config-keys). Unknown fields are kept, not pruned, so the
 * webhook can refuse them by name.
 */
export const AgentConfig = Type.Unsafe<Record<string, unknown>>({
  ...agentKeysOnly(configJsonSchema(), '', new Set(agentConfigKeys()))!,
  description:
    'Any agent configuration key, nested as in the agent config file (monitor: {staleness: 1s}); durations as strings. Wins over the structured fields; host paths, the listen address and the node settings keys are set by the operator (docs/operator.md).',
});

/** The node label of NVIDIA's GPU feature discovery that marks GPU nodes. */
export const GPU_NODE_LABEL = 'nvidia.com/gpu.present';

/** `spec.agent.gpu`: a GPU variant of the agent DaemonSet on GPU nodes, reading NVML. */
export const AgentGpuSpec = Type.Object(
  {
    enabled: Type.Optional(
      Type.Boolean({ default: false, description: 'Run the GPU agent DaemonSet on GPU nodes (the plain agent then skips them)' }),
    ),
    nodeSelector: Type.Optional(StringMap(`GPU nodes (default ${GPU_NODE_LABEL}: "true"); the plain agent avoids them`)),
    runtimeClassName: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 253,
        description: "RuntimeClass that injects the driver (e.g. nvidia); default: the node's default runtime",
      }),
    ),
    driverRoot: Type.Optional(
      Type.String({
        pattern: '^/',
        maxLength: 4096,
        description: 'Host directory holding libnvidia-ml.so.1, mounted read-only (e.g. /usr/lib/x86_64-linux-gnu or /run/nvidia/driver/usr/lib64)',
      }),
    ),
    libraryPath: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 4096,
        description: 'NVML library the agent loads (--gpu.nvml-library); default libnvidia-ml.so.1, or the file in driverRoot',
      }),
    ),
  },
  { description: 'GPU metering through NVML on GPU nodes', default: {} },
);

/** Default key of the node settings file in the Secret of `spec.agent.nodeSettingsSecretRef`. */
export const NODE_SETTINGS_DEFAULT_KEY = 'nodes.yaml';

/** `spec.agent.nodeSettingsSecretRef`: per-node BMC settings, each delivered to its node's agent only. */
export const NodeSettingsSecretRef = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 253, pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', description: 'Secret in the operand namespace' }),
    key: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 253,
        pattern: '^[-._a-zA-Z0-9]+$',
        default: NODE_SETTINGS_DEFAULT_KEY,
        description: 'Key of the node settings file in the Secret',
      }),
    ),
  },
  {
    description:
      "Per-node BMC endpoints and credentials (Redfish, ipmi_exporter) in Kepler's Redfish format: nodes maps a node name to a BMC id, bmcs maps a BMC id to endpoint, username, password, insecure (and ipmiExporterUrl). The operator gives each node's agent only its own entry (docs/operator.md).",
  },
);

/** Key of a per-node settings Secret holding that node's partial agent configuration (YAML). */
export const NODE_SETTINGS_CONFIG_KEY = 'config.yaml';
/** Key of a per-node settings Secret holding that node's Redfish password. */
export const NODE_SETTINGS_PASSWORD_KEY = 'redfish-password';

/** Prefix of the per-node settings Secrets the operator writes in its own namespace. */
export const NODE_SETTINGS_SECRET_PREFIX = 'powerplane-node-';

/**
 * The per-node settings Secret of `node`: `powerplane-node-<node>`, or, when that would pass the
 * 253 characters of a Secret name, the prefix and 16 hex digits of the node name's SHA-256.
 */
export function nodeSettingsSecretName(node: string): string {
  const name = `${NODE_SETTINGS_SECRET_PREFIX}${node}`;
  return name.length <= 253 ? name : `${NODE_SETTINGS_SECRET_PREFIX}${createHash('sha256').update(node).digest('hex').slice(0, 16)}`;
}

/** `spec.agent`: the node agent DaemonSet. */
export const AgentSpec = Type.Object(
  {
    image: Type.Optional(Type.String({ minLength: 3, description: 'Agent image (default: the operator image)' })),
    imagePullPolicy: Type.Optional(Type.Enum(['Always', 'IfNotPresent', 'Never'], { default: 'IfNotPresent' })),
    nodeSelector: Type.Optional(StringMap('Nodes the agent runs on (default kubernetes.io/os: linux)')),
    tolerations: Type.Optional(Type.Array(Toleration, { description: 'Taints tolerated (default: all)' })),
    resources: Type.Optional(Resources),
    interval: Type.Optional(keyField<string>('monitor.interval', { default: '5s' })),
    meters: Type.Optional(keyField<PowerplaneConfig['meter']>('meter', { default: ['rapl', 'hwmon', 'model'], minItems: 1 })),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, default: 28282, description: 'Listen port of /metrics and the JSON API' })),
    podSource: Type.Optional(keyField<PowerplaneConfig['kube']['podInformer']['mode']>('kube.podInformer.mode', { default: 'kubelet' })),
    logLevel: Type.Optional(keyField<PowerplaneConfig['log']['level']>('log.level', { default: 'info' })),
    secrets: Type.Optional(
      Type.Array(
        Type.Object({
          name: Type.String({ minLength: 1, maxLength: 253, description: 'Secret in the operand namespace' }),
          mountPath: Type.String({ pattern: '^/', maxLength: 4096, description: 'Where the agent sees it (read-only), e.g. /etc/redfish' }),
        }),
        { maxItems: 16, description: 'Secrets mounted read-only into the agent (e.g. a Redfish password file); a change rolls the pods' },
      ),
    ),
    gpu: Type.Optional(AgentGpuSpec),
    nodeSettingsSecretRef: Type.Optional(NodeSettingsSecretRef),
    config: Type.Optional(AgentConfig),
  },
  { description: 'The node agent DaemonSet', default: {} },
);

/** `spec.collect`: the sources each agent reads (delivered through the agent ConfigMap). */
export const CollectSpec = Type.Object(
  {
    pods: Type.Optional(keyField<boolean>('kube.enable', { default: true })),
    gpu: Type.Optional(keyField<boolean>('gpu.enable', { default: true })),
    platform: Type.Optional(keyField<boolean>('platform.acpi', { default: true })),
  },
  { description: 'Collected metric sources; hot-reloaded by the agents', default: {} },
);

/** `spec.export`: what the agents export (delivered through the agent ConfigMap). */
export const ExportSpec = Type.Object(
  {
    levels: Type.Optional(keyField<PowerplaneConfig['metrics']>('metrics', { default: ['node', 'container', 'pod', 'vm'] })),
    idlePolicy: Type.Optional(keyField<PowerplaneConfig['attribution']['idlePolicy']>('attribution.idlePolicy', { default: 'none' })),
    maxTerminated: Type.Optional(keyField<number>('monitor.maxTerminated', { default: 500 })),
  },
  { description: 'Exported power levels and idle policy; hot-reloaded by the agents', default: {} },
);

/** `spec.modelServer`. */
export const ModelServerSpec = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean({ default: false })),
    image: Type.Optional(Type.String({ minLength: 3 })),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, default: 8100 })),
    storage: Type.Optional(
      Type.Object(
        {
          type: Type.Optional(Type.Enum(['emptyDir', 'hostPath', 'nfs', 'pvc'], { default: 'emptyDir' })),
          path: Type.Optional(Type.String({ description: 'hostPath directory, or the NFS export path' })),
          server: Type.Optional(Type.String({ description: 'NFS server (type nfs)' })),
          claimName: Type.Optional(Type.String({ description: 'PersistentVolumeClaim name (type pvc), in the operand namespace' })),
        },
        { description: 'Where models are stored', default: {} },
      ),
    ),
  },
  { description: 'The model server Deployment', default: {} },
);

/** `spec.estimator`. */
export const EstimatorDeploySpec = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean({ default: false })),
    image: Type.Optional(Type.String({ minLength: 3 })),
    replicas: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, default: 1 })),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, default: 5656 })),
  },
  { description: 'The WAO-compatible estimator Deployment', default: {} },
);

/** `spec.scheduler`: the power-aware secondary scheduler (kube-scheduler with the estimator as extender). */
export const SchedulerDeploySpec = Type.Object(
  {
    enabled: Type.Optional(
      Type.Boolean({ default: false, description: 'Install the secondary scheduler powerplane-scheduler (needs spec.estimator.enabled)' }),
    ),
    image: Type.Optional(
      Type.String({ minLength: 3, description: "kube-scheduler image (default: registry.k8s.io/kube-scheduler at the cluster's version)" }),
    ),
    policy: Type.Optional(
      Type.Enum(['watts', 'spread', 'temperature'], {
        default: 'watts',
        description:
          'Placement policy: fewest watts, spread (per-node cap of pods per workload) or temperature (avoid hot inlets); pods may override it with the annotation powerplane.io/placement',
      }),
    ),
  },
  { description: 'The power-aware secondary scheduler; pods opt in with schedulerName: powerplane-scheduler', default: {} },
);

/** `auto` = only when the Prometheus Operator CRDs exist. */
export const IntegrationMode = Type.Enum(['auto', 'on', 'off'], { default: 'auto' });

/** `spec.prometheus`. */
export const PrometheusSpec = Type.Object(
  {
    serviceMonitor: Type.Optional(IntegrationMode),
    rules: Type.Optional(IntegrationMode),
    scrapeInterval: Type.Optional(Duration('ServiceMonitor scrape interval', '15s')),
  },
  { description: 'Prometheus Operator ServiceMonitor and PrometheusRule (recording rules for pod and namespace watts)', default: {} },
);

/** `spec.grafana`. */
export const GrafanaSpec = Type.Object(
  {
    dashboards: Type.Optional(Type.Boolean({ default: true, description: 'Dashboard ConfigMaps labelled grafana_dashboard: "1"' })),
    namespace: Type.Optional(Type.String({ description: 'Namespace of the dashboard ConfigMaps (default: the operand namespace)' })),
  },
  { description: 'Grafana dashboards for the sidecar', default: {} },
);

/** `spec.openshift`. */
export const OpenShiftSpec = Type.Object(
  {
    scc: Type.Optional(
      Type.Boolean({ default: false, description: 'Create a SecurityContextConstraints for the agent (only where that CRD exists)' }),
    ),
    machineConfig: Type.Optional(
      Type.Object(
        {
          enabled: Type.Optional(
            Type.Boolean({ default: false, description: 'Create a MachineConfig enabling cgroup v2 (only where that CRD exists)' }),
          ),
          pool: Type.Optional(Type.String({ default: 'worker', description: 'MachineConfigPool role' })),
        },
        { default: {} },
      ),
    ),
  },
  { description: 'OpenShift integrations', default: {} },
);

/** `PowerMonitor.spec`. */
export const PowerMonitorSpec = Type.Object(
  {
    namespace: Type.Optional(
      Type.String({
        default: 'powerplane',
        pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
        maxLength: 63,
        description: 'Namespace the operands are installed in',
      }),
    ),
    agent: Type.Optional(AgentSpec),
    collect: Type.Optional(CollectSpec),
    export: Type.Optional(ExportSpec),
    modelServer: Type.Optional(ModelServerSpec),
    estimator: Type.Optional(EstimatorDeploySpec),
    scheduler: Type.Optional(SchedulerDeploySpec),
    prometheus: Type.Optional(PrometheusSpec),
    grafana: Type.Optional(GrafanaSpec),
    openshift: Type.Optional(OpenShiftSpec),
  },
  { default: {} },
);
/** `PowerMonitor.spec` (as stored: sections may be absent). */
export type PowerMonitorSpec = Static<typeof PowerMonitorSpec>;

/** Per-metric availability across nodes. */
export const MetricAvailability = Type.Object({
  state: Type.Enum(['enabled', 'disabled', 'unavailable', 'partial'], {
    description: 'enabled on every reporting node, disabled everywhere, unavailable everywhere, or partial',
  }),
  enabled: Type.Integer({ minimum: 0 }),
  disabled: Type.Integer({ minimum: 0 }),
  unavailable: Type.Integer({ minimum: 0 }),
});
/** One metric's availability. */
export type MetricAvailability = Static<typeof MetricAvailability>;

/** Agent DaemonSet counters copied into the status. */
export const DaemonSetCounts = Type.Object({
  desiredNumberScheduled: Type.Integer(),
  currentNumberScheduled: Type.Integer(),
  numberReady: Type.Integer(),
  updatedNumberScheduled: Type.Integer(),
  numberAvailable: Type.Integer(),
  numberUnavailable: Type.Integer(),
  numberMisscheduled: Type.Integer(),
});
/** DaemonSet counters. */
export type DaemonSetCounts = Static<typeof DaemonSetCounts>;

/** What happened to an optional integration. */
export const IntegrationState = Type.Enum(['Installed', 'Disabled', 'CRDMissing']);
/** One integration state. */
export type IntegrationState = Static<typeof IntegrationState>;

/** `PowerMonitor.status`. */
export const PowerMonitorStatus = Type.Object({
  conditions: Type.Optional(Conditions),
  agent: Type.Optional(DaemonSetCounts),
  nodes: Type.Optional(
    Type.Object({
      total: Type.Integer({ minimum: 0 }),
      measured: Type.Integer({ minimum: 0 }),
      estimated: Type.Integer({ minimum: 0 }),
      watts: Type.Number({ description: 'Sum of current node watts' }),
    }),
  ),
  metrics: Type.Optional(
    Type.Object({}, { additionalProperties: MetricAvailability, description: 'Per-metric availability aggregated from PowerNodes' }),
  ),
  integrations: Type.Optional(
    Type.Object({
      serviceMonitor: Type.Optional(IntegrationState),
      prometheusRule: Type.Optional(IntegrationState),
      scc: Type.Optional(IntegrationState),
      machineConfig: Type.Optional(IntegrationState),
    }),
  ),
});
/** `PowerMonitor.status`. */
export type PowerMonitorStatus = Static<typeof PowerMonitorStatus>;

/** A PowerMonitor object. */
export type PowerMonitor = ApiObject<{
  kind: 'PowerMonitor';
  spec?: PowerMonitorSpec;
  status?: PowerMonitorStatus;
}>;
