/**
 * @module api/v1alpha1/powernode
 * `PowerNode`: one per node, cluster-scoped, named after the node, written only by that node's
 * agent (status only): which meter is in use, zones, measured or estimated, capabilities, current
 * watts and agent version.
 */
import { Type, type Static } from 'typebox';
import { API_VERSION, type ApiObject } from './common.js';

/** Kind name. */
export const POWER_NODE_KIND = 'PowerNode';
/** Kind reference for the kube client. */
export const POWER_NODE_REF = { apiVersion: API_VERSION, kind: POWER_NODE_KIND } as const;
/** Resource (plural) name. */
export const POWER_NODE_PLURAL = 'powernodes';

/** Availability of one metric source on a node. */
export const MetricState = Type.Enum(['enabled', 'disabled', 'unavailable']);

/** `PowerNode.status`. */
export const PowerNodeStatus = Type.Object({
  nodeName: Type.String(),
  meter: Type.String({ description: 'Meter in use: rapl, hwmon, model or fake' }),
  model: Type.Optional(Type.String({ description: 'Model name, for estimates' })),
  source: Type.Enum(['measured', 'estimated'], { description: 'Whether node power is measured or estimated' }),
  zones: Type.Array(Type.String()),
  watts: Type.Number({ minimum: 0, description: 'Node power at the last refresh' }),
  agentVersion: Type.String(),
  lastUpdate: Type.String({ format: 'date-time' }),
  capabilities: Type.Object({
    meters: Type.Array(
      Type.Object({
        name: Type.String(),
        available: Type.Boolean(),
        reason: Type.Optional(Type.String({ maxLength: 1024 })),
      }),
    ),
    platform: Type.Boolean({ description: 'Platform (wall) power available' }),
    gpus: Type.Integer({ minimum: 0, description: 'GPUs metered' }),
    metricLevels: Type.Array(Type.String()),
    podSource: Type.Optional(Type.String()),
    cgroupVersion: Type.Optional(Type.Integer({ minimum: 1, maximum: 2 })),
  }),
  metrics: Type.Object({}, { additionalProperties: MetricState, description: 'Per metric-source availability on this node' }),
});
/** `PowerNode.status`. */
export type PowerNodeStatus = Static<typeof PowerNodeStatus>;

/** A PowerNode object. */
export type PowerNode = ApiObject<{
  kind: 'PowerNode';
  status?: PowerNodeStatus;
}>;
