/**
 * @module api/v1alpha1/powercappolicy
 * `PowerCapPolicy` (namespaced): a power budget over workloads of its namespace (KEDA
 * ScaledObjects, Deployments, StatefulSets, KServe InferenceServices), with a mode (Off, DryRun,
 * Enforce), thresholds with hysteresis, the actions allowed and the algorithm that decides. Its
 * status carries the recommendation per target and the last actions. See docs/capping.md.
 */
import { Type, type Static } from 'typebox';
import { API_VERSION, Conditions, Duration, StringMap, type ApiObject } from './common.js';
import { DEFAULT_ALGORITHM } from '../../capping/algorithms/registry.js';

/** Kind name. */
export const POWER_CAP_POLICY_KIND = 'PowerCapPolicy';
/** Kind reference for the kube client. */
export const POWER_CAP_POLICY_REF = { apiVersion: API_VERSION, kind: POWER_CAP_POLICY_KIND } as const;
/** Resource (plural) name. */
export const POWER_CAP_POLICY_PLURAL = 'powercappolicies';

/** Target kinds a policy can cap. */
export const TARGET_KINDS = ['ScaledObject', 'Deployment', 'StatefulSet', 'InferenceService'] as const;
/** One target kind. */
export type TargetKind = (typeof TARGET_KINDS)[number];
/** Actions a policy may take. */
export const CAP_ACTIONS = ['LimitReplicas', 'Evict', 'Migrate', 'SetRequests', 'Alert'] as const;
/** One action. */
export type CapAction = (typeof CAP_ACTIONS)[number];
/** Power zones a budget can count. */
export const BUDGET_ZONES = ['package', 'dram', 'gpu', 'core', 'uncore', 'psys'] as const;
/** Modes. */
export const CAP_MODES = ['Off', 'DryRun', 'Enforce'] as const;
/** One mode. */
export type CapMode = (typeof CAP_MODES)[number];

const Percent = (description: string) => Type.Number({ exclusiveMinimum: 0, maximum: 100, description });

const RelativeBudget = (what: string) =>
  Type.Object({
    percent: Percent(`Budget as a percentage of the targets' ${what} power`),
    window: Type.Optional(Duration(`Window over which the ${what} is taken`, '1h')),
  });

/** `spec.targets[]`. */
export const CapTarget = Type.Object({
  kind: Type.Enum([...TARGET_KINDS], { description: 'ScaledObject (keda.sh), Deployment, StatefulSet or InferenceService (serving.kserve.io)' }),
  name: Type.String({ minLength: 1, maxLength: 253, description: 'Name in the policy namespace' }),
  minReplicas: Type.Optional(Type.Integer({ minimum: 1, default: 1, description: 'Floor: never limited below this' })),
  priority: Type.Optional(Type.Integer({ description: 'Higher keeps its replicas longer (priority algorithm)' })),
});
/** One target. */
export type CapTarget = Static<typeof CapTarget>;

const LabelSelectorRequirement = Type.Object({
  key: Type.String({ minLength: 1 }),
  operator: Type.Enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
  values: Type.Optional(Type.Array(Type.String())),
});

/** `spec.selector`: a label selector over the four target kinds in the namespace. */
export const CapSelector = Type.Object(
  {
    matchLabels: Type.Optional(StringMap('Labels the targets carry')),
    matchExpressions: Type.Optional(Type.Array(LabelSelectorRequirement)),
  },
  {
    description:
      'Selects ScaledObjects, Deployments, StatefulSets and InferenceServices of the namespace by label (floor 1, no priority; a spec.targets entry of the same kind and name overrides)',
  },
);
/** A label selector. */
export type CapSelector = Static<typeof CapSelector>;

/** `spec.budget`: exactly one of watts, percentOfPeak, percentOfAverage. */
export const CapBudget = Type.Object(
  {
    watts: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Absolute budget in watts' })),
    percentOfPeak: Type.Optional(RelativeBudget('peak')),
    percentOfAverage: Type.Optional(RelativeBudget('average')),
    zones: Type.Optional(
      Type.Array(Type.Enum([...BUDGET_ZONES]), {
        minItems: 1,
        description: 'Power zones counted (default package, dram and gpu: what the agent exports for pods, without nested zones)',
      }),
    ),
    includeIdle: Type.Optional(
      Type.Boolean({ default: false, description: 'Count the idle power the agent attributes to the pods (default: dynamic power only)' }),
    ),
  },
  {
    description: 'Exactly one of watts, percentOfPeak, percentOfAverage',
    'x-kubernetes-validations': [
      {
        rule: '[has(self.watts), has(self.percentOfPeak), has(self.percentOfAverage)].filter(x, x).size() == 1',
        message: 'exactly one of watts, percentOfPeak, percentOfAverage',
      },
    ],
  },
);
/** The budget. */
export type CapBudget = Static<typeof CapBudget>;

/** `spec.thresholds`. */
export const CapThresholds = Type.Object(
  {
    act: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.95, description: 'Act when power exceeds act × budget' })),
    release: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        exclusiveMaximum: 1,
        default: 0.8,
        description: 'Restore only when power is below release × budget (hysteresis)',
      }),
    ),
    interval: Type.Optional(Duration('How often the policy is evaluated', '30s')),
    cooldown: Type.Optional(Duration('Least time between two actions on one target', '2m')),
    stabilizationWindow: Type.Optional(Duration('How long power must stay low before a limit is raised', '5m')),
  },
  { 'x-kubernetes-validations': [{ rule: '!has(self.act) || !has(self.release) || self.release < self.act', message: 'release must be below act' }] },
);
/** Thresholds. */
export type CapThresholds = Static<typeof CapThresholds>;

/** `spec.performance[]`: useful work of one target. */
export const CapPerformance = Type.Object({
  kind: Type.Enum([...TARGET_KINDS]),
  name: Type.String({ minLength: 1 }),
  query: Type.String({ minLength: 1, description: 'PromQL returning the useful work of the whole target per second (tokens/s, requests/s)' }),
});

/** `spec.notify`. */
export const CapNotify = Type.Object(
  {
    alertmanagerUrl: Type.Optional(Type.String({ pattern: '^https?://', description: 'Alertmanager base URL; alerts are POSTed to /api/v2/alerts' })),
    webhookUrl: Type.Optional(Type.String({ pattern: '^https?://', description: 'A URL that receives each notification as a JSON POST' })),
  },
  { description: 'Kubernetes Events are always emitted' },
);

/** `PowerCapPolicy.spec`. */
export const PowerCapPolicySpec = Type.Object({
  mode: Type.Optional(Type.Enum([...CAP_MODES], { default: 'DryRun', description: 'Off: nothing; DryRun: recommend and record only; Enforce: act' })),
  targets: Type.Optional(Type.Array(CapTarget, { description: 'Workloads under the budget (and/or spec.selector)' })),
  selector: Type.Optional(CapSelector),
  budget: CapBudget,
  thresholds: Type.Optional(CapThresholds),
  actions: Type.Optional(
    Type.Array(Type.Enum([...CAP_ACTIONS]), { default: ['LimitReplicas', 'Alert'], description: 'Actions the actuator may take' }),
  ),
  performance: Type.Optional(
    Type.Array(CapPerformance, { description: 'Useful-work queries per target (efficiency-aware algorithms; reported as work per watt)' }),
  ),
  algorithm: Type.Optional(
    Type.Object({
      name: Type.String({
        minLength: 1,
        default: DEFAULT_ALGORITHM,
        description: 'A built-in algorithm (naive, proportional, priority, efficiency, forecast) or a catalog entry',
      }),
      parameters: Type.Optional(Type.Object({}, { additionalProperties: true, description: "The algorithm's parameters" })),
    }),
  ),
  prometheusUrl: Type.Optional(
    Type.String({
      pattern: '^https?://',
      description: "Prometheus to read pod power from (default: the operator's --capping.prometheus-url; else the agents)",
    }),
  ),
  notify: Type.Optional(CapNotify),
});
/** `PowerCapPolicy.spec`. */
export type PowerCapPolicySpec = Static<typeof PowerCapPolicySpec>;

const Watts = (description: string) => Type.Number({ minimum: 0, description });

/** One target's line in the status. */
export const CapTargetStatus = Type.Object({
  kind: Type.String(),
  name: Type.String(),
  state: Type.Enum(['Ok', 'MetricsUnavailable', 'TargetUnsupported', 'NotFound', 'ConflictingWriter'], {
    description: 'Why a target may have no recommendation',
  }),
  replicas: Type.Optional(Type.Integer({ minimum: 0, description: 'Replicas now' })),
  maxReplicas: Type.Optional(
    Type.Integer({ minimum: 0, description: 'The limit in force (ScaledObject maxReplicaCount, InferenceService maxReplicas)' }),
  ),
  minReplicas: Type.Integer({ minimum: 0 }),
  watts: Type.Optional(Watts('Power of the target now')),
  wattsPerReplica: Type.Optional(Type.Object({ p50: Watts('Median watts per replica (decaying histogram)'), p90: Watts('90th percentile') })),
  workPerWatt: Type.Optional(Type.Number({ description: 'spec.performance work per second divided by watts' })),
  recommendation: Type.Optional(
    Type.Object({
      maxReplicas: Type.Optional(Type.Integer({ minimum: 0 })),
      evict: Type.Optional(Type.Array(Type.String(), { description: 'Pods to evict' })),
      migrate: Type.Optional(Type.Array(Type.String(), { description: 'Pods to move to nodes with headroom' })),
      requests: Type.Optional(StringMap('Requests the admission plug-in sets on new pods (SetRequests)')),
      limits: Type.Optional(StringMap('Limits the admission plug-in sets on new pods (SetRequests)')),
      container: Type.Optional(Type.String({ description: 'The container requests/limits apply to (default: every container)' })),
      preferredNodes: Type.Optional(
        Type.Array(Type.String(), {
          maxItems: 10,
          description:
            "Nodes preferred for replacement pods (Migrate), best first: where a pod adds the fewest watts by the estimator's per-node curves (operator flag --capping.estimator-url), else the most PowerNode headroom",
        }),
      ),
    }),
  ),
  reason: Type.String({ maxLength: 1024, description: 'One line: why' }),
});
/** One target's status. */
export type CapTargetStatus = Static<typeof CapTargetStatus>;

/** One action in the status history. */
export const CapActionRecord = Type.Object({
  time: Type.String({ format: 'date-time' }),
  target: Type.String({ description: 'Kind/name' }),
  action: Type.String({ description: 'LimitReplicas, Restore, Evict, Migrate, SetRequests, Alert' }),
  change: Type.String({ maxLength: 512, description: 'What changed, e.g. maxReplicaCount 10 → 6' }),
  reason: Type.String({ maxLength: 1024 }),
  dryRun: Type.Optional(Type.Boolean({ description: 'Recorded only (DryRun, or an action that is not allowed)' })),
});
/** One action record. */
export type CapActionRecord = Static<typeof CapActionRecord>;

/** `PowerCapPolicy.status`. */
export const PowerCapPolicyStatus = Type.Object({
  observedGeneration: Type.Optional(Type.Integer({ minimum: 0 })),
  conditions: Type.Optional(Conditions),
  budgetWatts: Type.Optional(Watts('The budget in watts (relative budgets resolved)')),
  currentWatts: Type.Optional(Watts("The targets' power now")),
  forecastWatts: Type.Optional(Watts("The targets' power forecast for the next interval")),
  overBudget: Type.Optional(Type.Boolean()),
  lastEvaluation: Type.Optional(Type.String({ format: 'date-time' })),
  algorithm: Type.Optional(Type.String()),
  targets: Type.Optional(Type.Array(CapTargetStatus)),
  actions: Type.Optional(Type.Array(CapActionRecord, { maxItems: 20, description: 'The last 20 actions, newest last' })),
});
/** `PowerCapPolicy.status`. */
export type PowerCapPolicyStatus = Static<typeof PowerCapPolicyStatus>;

/** A PowerCapPolicy object. */
export type PowerCapPolicy = ApiObject<{
  kind: 'PowerCapPolicy';
  spec: PowerCapPolicySpec;
  status?: PowerCapPolicyStatus;
}>;
