/**
 * @module api/v1alpha1/estimator
 * `Estimator` (namespaced): WAO's Estimator spec under `powerplane.io` (`defaultNodeConfig`,
 * `nodeConfigOverrides`, `nodeMonitor`, `powerConsumptionPredictor`), with a status the operator
 * fills in: nodes seen, last refresh, per-monitor errors.
 */
import { Type, type Static } from 'typebox';
import { API_VERSION, Conditions, type ApiObject } from './common.js';
import { EstimatorSpecSchema } from '../../estimator/spec.js';

/** Kind name. */
export const ESTIMATOR_KIND = 'Estimator';
/** Kind reference for the kube client. */
export const ESTIMATOR_REF = { apiVersion: API_VERSION, kind: ESTIMATOR_KIND } as const;
/** Resource (plural) name. */
export const ESTIMATOR_PLURAL = 'estimators';

/** `Estimator.spec`: the estimator's own schema (src/estimator/spec.ts), so the CRD and the estimator agree. */
export const EstimatorSpec = EstimatorSpecSchema;
/** `Estimator.spec`. */
export type EstimatorSpec = Static<typeof EstimatorSpecSchema>;
/** WAO's NodeConfig. */
export type { NodeConfig } from '../../estimator/spec.js';

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

/** An Estimator custom resource (the estimator itself is the class `Estimator` of src/estimator/estimator.ts). */
export type EstimatorResource = ApiObject<{
  kind: 'Estimator';
  spec?: EstimatorSpec;
  status?: EstimatorStatus;
}>;
