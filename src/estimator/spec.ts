/**
 * @module estimator/spec
 * The `Estimator` spec (WAO's fields under `powerplane.io/v1alpha1`) as a TypeBox schema, shared with
 * the operator, which generates the CRD from {@link EstimatorSpecSchema}; plus WAO's merge rule of
 * `defaultNodeConfig` with `nodeConfigOverrides[node]`.
 */
import { Type, type Static } from 'typebox';
import { DURATION_PATTERN, minDurationPattern } from '../core/duration.js';
import { MONITOR_TYPES, type MonitorType } from './monitors/registry.js';
import { PREDICTOR_TYPES, type PredictorType } from './predictors/registry.js';

/** The shortest refresh interval of node monitors (1 s): the config file, the CRD and admission enforce it. */
export const MIN_REFRESH_MS = 1000;

const BasicAuthSecretRef = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 253, description: "Secret in the Estimator's namespace with data.username and data.password" }) },
  { additionalProperties: false },
);
const InlineBasicAuth = Type.Object(
  {
    username: Type.String({ maxLength: 256 }),
    password: Type.Optional(Type.String({ maxLength: 1024 })),
    passwordFile: Type.Optional(Type.String({ maxLength: 4096, description: 'File holding the password (standalone mode)' })),
  },
  { additionalProperties: false },
);
const Connection = {
  endpoint: Type.Optional(
    Type.String({ maxLength: 2048, description: 'URL; `{node}` and `{address}` are replaced by the node name and InternalIP' }),
  ),
  basicAuthSecret: Type.Optional(BasicAuthSecretRef),
  basicAuth: Type.Optional(InlineBasicAuth),
  insecureSkipVerify: Type.Optional(Type.Boolean({ description: 'Skip TLS verification (default false)' })),
  timeout: Type.Optional(
    Type.String({ pattern: DURATION_PATTERN, description: 'Per-request timeout (default: half the refresh interval, at most 10s)' }),
  ),
};

/** One node monitor agent. */
export const AgentSchema = Type.Object(
  { type: Type.Unsafe<MonitorType>({ type: 'string', enum: [...MONITOR_TYPES] }), ...Connection },
  { additionalProperties: false },
);
/** The power-consumption predictor. */
export const PredictorSchema = Type.Object(
  { type: Type.Unsafe<PredictorType>({ type: 'string', enum: [...PREDICTOR_TYPES] }), ...Connection },
  { additionalProperties: false },
);
/** A node's configuration (WAO's NodeConfig). */
export const NodeConfigSchema = Type.Object(
  {
    nodeMonitor: Type.Optional(
      Type.Object(
        {
          refreshInterval: Type.Optional(
            Type.String({ pattern: minDurationPattern(MIN_REFRESH_MS), description: 'How often monitors run (default 30s, at least 1s)' }),
          ),
          agents: Type.Optional(Type.Array(AgentSchema, { maxItems: 16 })),
        },
        { additionalProperties: false },
      ),
    ),
    powerConsumptionPredictor: Type.Optional(PredictorSchema),
  },
  { additionalProperties: false },
);
/** The Estimator spec: WAO's `defaultNodeConfig` and `nodeConfigOverrides`. */
export const EstimatorSpecSchema = Type.Object(
  {
    defaultNodeConfig: Type.Optional(NodeConfigSchema),
    nodeConfigOverrides: Type.Optional(Type.Record(Type.String(), NodeConfigSchema)),
  },
  { additionalProperties: false },
);

export type MonitorAgentSpec = Static<typeof AgentSchema>;
export type PredictorSpec = Static<typeof PredictorSchema>;
export type NodeConfig = Static<typeof NodeConfigSchema>;
export type EstimatorSpec = Static<typeof EstimatorSpecSchema>;

/** A node config with WAO's defaults applied (refresh 30s, no agents, predictor None). */
export interface EffectiveNodeConfig {
  refreshInterval: string;
  agents: MonitorAgentSpec[];
  predictor: PredictorSpec;
}

/**
 * WAO's merge of the default node config with a node's override: a set interval replaces the default,
 * a non-empty agents list replaces the whole list, and each set predictor field replaces its own.
 */
export function mergeNodeConfig(base: NodeConfig | undefined, override: NodeConfig | undefined): EffectiveNodeConfig {
  const predictor: PredictorSpec = { type: 'None', ...(base?.powerConsumptionPredictor ?? {}) };
  const o = override?.powerConsumptionPredictor;
  if (o) for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== '') (predictor as Record<string, unknown>)[k] = v;
  const overAgents = override?.nodeMonitor?.agents;
  return {
    refreshInterval: override?.nodeMonitor?.refreshInterval ?? base?.nodeMonitor?.refreshInterval ?? '30s',
    agents: overAgents && overAgents.length > 0 ? overAgents : (base?.nodeMonitor?.agents ?? []),
    predictor,
  };
}

/** The effective config of one node of an Estimator. */
export function nodeConfigFor(spec: EstimatorSpec, nodeName: string): EffectiveNodeConfig {
  const overrides = spec.nodeConfigOverrides ?? {};
  return mergeNodeConfig(spec.defaultNodeConfig, Object.hasOwn(overrides, nodeName) ? overrides[nodeName] : undefined);
}
