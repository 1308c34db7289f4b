/**
 * @module operator/api/v1alpha1/estimator
 * `Estimator` (namespaced): WAO's Estimator spec under `powerplane.io` (`defaultNodeConfig`,
 * `nodeConfigOverrides`, `nodeMonitor`, `powerConsumptionPredictor`), with a status the operator
 * fills in: nodes seen, last refresh, per-monitor errors.
 */
import { Type, type Static } from 'typebox';
import { Conditions, Duration, type ObjectMeta } from './common.js';

/** Kind name. */
export const ESTIMATOR_KIND = 'Estimator';
/** Resource (plural) name. */
export const ESTIMATOR_PLURAL = 'estimators';

/** WAO node-monitor agent types. */
export const NODE_MONITOR_TYPES = ['None', 'Fake', 'MetricsAPI', 'Prometheus', 'IPMIExporter', 'Redfish', 'DifferentialPressureAPI'] as const;
/** WAO predictor types, plus `Model` (a model from the powerplane model server). */
export const PREDICTOR_TYPES = ['None', 'Fake', 'MLServer', 'Model'] as const;

const Agent = Type.Object({
  type: Type.Enum([...NODE_MONITOR_TYPES]),
  endpoint: Type.Optional(Type.String()),
});

/** WAO's NodeConfig. */
export const NodeConfig = Type.Object({
  nodeMonitor: Type.Optional(
    Type.Object({
      refreshInterval: Type.Optional(Duration('How often node status is refreshed', '30s')),
      agents: Type.Array(Agent),
    }),
  ),
  powerConsumptionPredictor: Type.Optional(
    Type.Object({
      type: Type.Enum([...PREDICTOR_TYPES]),
      endpoint: Type.Optional(Type.String()),
    }),
  ),
});
/** WAO's NodeConfig. */
export type NodeConfig = Static<typeof NodeConfig>;

/** `Estimator.spec`. */
export const EstimatorSpec = Type.Object({
  defaultNodeConfig: Type.Optional(NodeConfig),
  nodeConfigOverrides: Type.Optional(Type.Object({}, { additionalProperties: NodeConfig, description: 'Per-node overrides keyed by node name' })),
});
/** `Estimator.spec`. */
export type EstimatorSpec = Static<typeof EstimatorSpec>;

/** `Estimator.status`. */
export const EstimatorStatus = Type.Object({
  conditions: Type.Optional(Conditions),
  nodesSeen: Type.Integer({ minimum: 0 }),
  lastRefresh: Type.String({ format: 'date-time' }),
  errors: Type.Array(
    Type.Object({
      node: Type.String({ description: 'Node name, or * for the default config' }),
      monitor: Type.String({ description: 'Agent or predictor type' }),
      message: Type.String({ maxLength: 1024 }),
    }),
  ),
});
/** `Estimator.status`. */
export type EstimatorStatus = Static<typeof EstimatorStatus>;

/** An Estimator object. */
export interface Estimator {
  apiVersion: string;
  kind: 'Estimator';
  metadata: ObjectMeta;
  spec?: EstimatorSpec;
  status?: EstimatorStatus;
}
