/**
 * @module capping/algorithm/types
 * The one interface between the capping control loop (Recommender/Actuator, `src/capping/...` of the
 * operator) and every capping algorithm: built-in, plug-in over HTTP, or the simulator's.
 *
 * An algorithm is a pure function {@link CappingState} → {@link CappingDecisions}. The same JSON is the
 * plug-in protocol: a plug-in receives the state as the body of `POST` and answers the decisions
 * (`docs/capping-algorithm.schema.json`, generated from these schemas by `powerplane cap algorithms schema`).
 *
 * Units: watts (W), seconds (s), replicas (whole numbers), work units per second (whatever the policy's
 * `performance` query measures: tokens/s, requests/s).
 *
 * Targets are named by `id`: `Kind/namespace/name` (e.g. `ScaledObject/llm/llama`). Decisions name
 * targets by the same id; decisions naming unknown targets are rejected.
 */
import { Type, type Static } from 'typebox';

/** The policy's kinds and actions, as the PowerCapPolicy API names them; the schemas below accept the same values. */
export type { CapAction, TargetKind } from '../../api/v1alpha1/powercappolicy.js';

/** Version of the state/decisions protocol, sent as `apiVersion` in the state. */
export const CAPPING_API_VERSION = 'capping.powerplane.io/v1alpha1';

/** Kinds of workload a policy can bound. */
export const TargetKindSchema = Type.Union(
  [Type.Literal('ScaledObject'), Type.Literal('Deployment'), Type.Literal('StatefulSet'), Type.Literal('InferenceService')],
  { description: 'Kind of the bounded workload' },
);

/** Actions a policy may allow (`spec.actions`). */
export const CapActionSchema = Type.Union(
  [Type.Literal('LimitReplicas'), Type.Literal('Evict'), Type.Literal('Migrate'), Type.Literal('SetRequests'), Type.Literal('Alert')],
  { description: 'An action the policy allows' },
);

const Watts = (description: string) => Type.Number({ minimum: 0, description });
const Seconds = (description: string) => Type.Number({ minimum: 0, description });
const Replicas = (description: string) => Type.Integer({ minimum: 0, maximum: 100_000, description });
const Reason = Type.String({ minLength: 1, maxLength: 1024, description: 'Why, in one line (goes to status, Events and logs)' });
const TargetId = Type.String({ minLength: 3, maxLength: 600, description: 'Kind/namespace/name of a target in the state' });

/** Thresholds of a policy, as fractions of the budget and durations in seconds. */
export const ThresholdsSchema = Type.Object(
  {
    act: Type.Number({
      exclusiveMinimum: 0,
      maximum: 1,
      description: 'Cut running replicas only when power (or its forecast) reaches act × budget (default 0.95)',
    }),
    release: Type.Number({
      exclusiveMinimum: 0,
      maximum: 1,
      description: 'Raise limits freely only while power is below release × budget (default 0.80); release < act',
    }),
    cooldownSeconds: Seconds('At most one change of a target per cooldown (default 120)'),
    stabilizationWindowSeconds: Seconds('A limit is raised only to the lowest limit proposed over this window (default 300)'),
  },
  { additionalProperties: false },
);
export type Thresholds = Static<typeof ThresholdsSchema>;

/** The policy part of the state: the budget already resolved to watts. */
export const PolicyStateSchema = Type.Object(
  {
    name: Type.String({ maxLength: 253, description: 'namespace/name of the PowerCapPolicy, or the scenario name in the simulator' }),
    budgetWatts: Watts('The budget, resolved to watts (percentOfPeak/percentOfAverage already applied)'),
    thresholds: ThresholdsSchema,
    actions: Type.Array(CapActionSchema, { maxItems: 5, description: 'Allowed actions; decisions for others are dropped' }),
    includeIdle: Type.Boolean({ description: 'Whether node idle power counts against the budget' }),
    intervalSeconds: Type.Number({ exclusiveMinimum: 0, description: 'How often the loop runs' }),
  },
  { additionalProperties: false },
);
export type PolicyState = Static<typeof PolicyStateSchema>;

/** One running pod of a target, for evict/migrate decisions. */
export const PodStateSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 253 }),
    node: Type.Optional(Type.String({ maxLength: 253 })),
    watts: Type.Optional(Watts("The pod's power now")),
    ready: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type PodState = Static<typeof PodStateSchema>;

/** One bounded workload. */
export const TargetStateSchema = Type.Object(
  {
    id: TargetId,
    kind: TargetKindSchema,
    namespace: Type.String({ maxLength: 253 }),
    name: Type.String({ minLength: 1, maxLength: 253 }),
    replicas: Replicas('Replicas now (running or starting)'),
    readyReplicas: Type.Optional(Replicas('Replicas ready and serving')),
    desiredReplicas: Type.Optional(Replicas('What the autoscaler (KEDA/HPA) asks for now, before any cap')),
    minReplicas: Replicas('Floor: never limit below this (policy minReplicas, default 1)'),
    maxReplicas: Replicas("The user's own maximum (ScaledObject maxReplicaCount, predictor maxReplicas, or replicas of a plain Deployment)"),
    currentLimit: Type.Optional(Replicas('The limit in force now; absent when not capped (= maxReplicas)')),
    priority: Type.Number({ description: "Higher is more important (PriorityClass value or the policy's priority); default 0" }),
    wattsPerReplica: Type.Optional(
      Type.Object(
        {
          p50: Watts('Median power of one replica'),
          p90: Watts('90th percentile power of one replica'),
          atCapacity: Type.Optional(Watts('Power of one replica serving workPerReplica (a fit of power against work), when known')),
          atIdle: Type.Optional(Watts('Power of one ready replica serving no work (the same fit, at the same percentile as atCapacity), when known')),
        },
        { additionalProperties: false, description: 'Absent when there is no power data: then nothing is decided for this target' },
      ),
    ),
    workPerReplica: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, description: 'Useful work one replica serves at capacity (from spec.performance)' }),
    ),
    demand: Type.Optional(Type.Number({ minimum: 0, description: 'Useful work demanded now (work units/s)' })),
    demandHistory: Type.Optional(
      Type.Array(Type.Tuple([Type.Number({ description: 'seconds before now' }), Type.Number({ minimum: 0 })]), {
        maxItems: 1000,
        description: 'Recent [secondsAgo, demand] samples, oldest first, for forecasts',
      }),
    ),
    readySeconds: Seconds('How long a new replica takes to serve'),
    secondsSinceLastAction: Type.Optional(Seconds('Since the last change the capper made to this target; absent: never')),
    pods: Type.Optional(Type.Array(PodStateSchema, { maxItems: 10_000 })),
  },
  { additionalProperties: false },
);
export type TargetState = Static<typeof TargetStateSchema>;

/** One node that runs targets' pods. */
export const NodeStateSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 253 }),
    watts: Watts('Node power now'),
    idleWatts: Type.Optional(Watts('Node idle power')),
    headroomWatts: Type.Optional(Type.Number({ description: 'Power the estimator says the node can still take (negative: over)' })),
  },
  { additionalProperties: false },
);
export type CapNodeState = Static<typeof NodeStateSchema>;

/** Everything an algorithm sees. */
export const CappingStateSchema = Type.Object(
  {
    apiVersion: Type.Literal(CAPPING_API_VERSION),
    nowSeconds: Type.Number({ description: "The caller's clock (s); only differences matter" }),
    policy: PolicyStateSchema,
    currentWatts: Watts('Power counted against the budget now'),
    forecastWatts: Type.Optional(Watts('Forecast power at the next interval plus the readiness delay')),
    baselineWatts: Watts('Part of currentWatts no decision can change (node idle with includeIdle, pods outside the targets)'),
    targets: Type.Array(TargetStateSchema, { maxItems: 10_000 }),
    nodes: Type.Array(NodeStateSchema, { maxItems: 100_000 }),
    parameters: Type.Record(Type.String(), Type.Unknown(), {
      description: "spec.algorithm.parameters, checked against the algorithm's parameter schema",
    }),
  },
  { additionalProperties: false },
);
export type CappingState = Static<typeof CappingStateSchema>;

/** A per-target replica limit. */
export const ReplicaDecisionSchema = Type.Object(
  { target: TargetId, maxReplicas: Replicas('The proposed limit'), reason: Reason },
  { additionalProperties: false },
);
export type ReplicaDecision = Static<typeof ReplicaDecisionSchema>;

/** Evict a pod, or move it (evict, and steer its replacement to `toNode` or a node with headroom). */
export const PodDecisionSchema = Type.Object(
  {
    target: TargetId,
    pod: Type.String({ minLength: 1, maxLength: 253 }),
    action: Type.Union([Type.Literal('Evict'), Type.Literal('Migrate')]),
    toNode: Type.Optional(Type.String({ maxLength: 253 })),
    reason: Reason,
  },
  { additionalProperties: false },
);
export type PodDecision = Static<typeof PodDecisionSchema>;

/** Requests/limits to set on new pods of a target (the admission plug-in applies them). */
export const RequestsDecisionSchema = Type.Object(
  {
    target: TargetId,
    container: Type.Optional(Type.String({ maxLength: 253 })),
    requests: Type.Optional(Type.Record(Type.String({ pattern: '^(cpu|memory|nvidia\\.com/gpu)$' }), Type.String({ maxLength: 64 }))),
    limits: Type.Optional(Type.Record(Type.String({ pattern: '^(cpu|memory|nvidia\\.com/gpu)$' }), Type.String({ maxLength: 64 }))),
    reason: Reason,
  },
  { additionalProperties: false },
);
export type RequestsDecision = Static<typeof RequestsDecisionSchema>;

/** An alert for passive actuators (Events, Alertmanager, webhook). */
export const AlertDecisionSchema = Type.Object(
  {
    severity: Type.Union([Type.Literal('info'), Type.Literal('warning'), Type.Literal('critical')]),
    target: Type.Optional(TargetId),
    reason: Reason,
  },
  { additionalProperties: false },
);
export type AlertDecision = Static<typeof AlertDecisionSchema>;

/** What an algorithm answers. Targets it does not mention keep their limit. */
export const CappingDecisionsSchema = Type.Object(
  {
    replicas: Type.Array(ReplicaDecisionSchema, { maxItems: 10_000 }),
    pods: Type.Optional(Type.Array(PodDecisionSchema, { maxItems: 10_000 })),
    requests: Type.Optional(Type.Array(RequestsDecisionSchema, { maxItems: 10_000 })),
    alerts: Type.Optional(Type.Array(AlertDecisionSchema, { maxItems: 1000 })),
  },
  { additionalProperties: false },
);
export type CappingDecisions = Static<typeof CappingDecisionsSchema>;

/** The `{state, decisions}` pair as one JSON Schema document (`docs/capping-algorithm.schema.json`). */
export const CappingProtocolSchema = { state: CappingStateSchema, decisions: CappingDecisionsSchema } as const;

/**
 * An algorithm: built-in or remote. `decide` must be deterministic for a given state; a remote one may
 * fail, which the caller turns into a hold (see `runCappingStep`).
 */
export interface CappingAlgorithm {
  /** Name as in `spec.algorithm.name`. */
  readonly name: string;
  /** Proposes decisions for a state. `signal` aborts a remote call. */
  decide(state: CappingState, signal?: AbortSignal): CappingDecisions | Promise<CappingDecisions>;
}
