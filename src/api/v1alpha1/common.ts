/**
 * @module api/v1alpha1/common
 * Building blocks shared by the `powerplane.io/v1alpha1` schemas: the group and version, a
 * string map, a duration string, and the `metav1.Condition` shape. Every schema here is written
 * once with TypeBox and serves three uses: TypeScript types (`Static<>`), runtime validation in the
 * webhook, and the CRDs' `openAPIV3Schema` (through `toCrdSchema`).
 * Rules for CRD-safe TypeBox (see `toCrdSchema`): `Type.Enum` rather than unions of literals,
 * `Type.Object({}, {additionalProperties})` rather than `Type.Record`, and no null unions.
 */
import { Type, type Static } from 'typebox';
import { minDurationPattern } from '../../core/duration.js';
import type { KubeObject } from '../../kube/types.js';

/** API group of every powerplane custom resource. */
export const GROUP = 'powerplane.io';
/** API version served (and stored). */
export const VERSION = 'v1alpha1';
/** `apiVersion` of every powerplane custom resource. */
export const API_VERSION = `${GROUP}/${VERSION}`;

/** A map of string to string (labels, node selectors, resource quantities). */
export const StringMap = (description: string) => Type.Object({}, { additionalProperties: Type.String(), description });

/**
 * A duration string of core/duration's one grammar: `500ms`, `5s`, `1m30s`, `1d`; with `minMs`, one whose pattern refuses values
 * without a component of at least `minMs` (see minDurationPattern; admission checks the exact sum).
 */
export const Duration = (description: string, def: string, minMs?: number) =>
  Type.String({ pattern: minDurationPattern(minMs), default: def, description });

/** Condition status values (no non-standard `Degraded` status: degradation is a reason). */
export const ConditionStatus = Type.Enum(['True', 'False', 'Unknown']);

/** One `metav1.Condition`. */
export const Condition = Type.Object({
  type: Type.String({ maxLength: 316, description: 'Condition type: Reconciled or Available' }),
  status: ConditionStatus,
  observedGeneration: Type.Optional(Type.Integer({ minimum: 0, description: 'metadata.generation the condition was computed for' })),
  lastTransitionTime: Type.String({ format: 'date-time', description: 'When status last changed' }),
  reason: Type.String({ maxLength: 1024, minLength: 1, pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$', description: 'CamelCase reason' }),
  message: Type.String({ maxLength: 32768, description: 'Human-readable detail' }),
});
/** One condition. */
export type Condition = Static<typeof Condition>;

/** A list of conditions keyed by type. */
export const Conditions = Type.Array(Condition, {
  description: 'Conditions with observedGeneration',
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['type'],
});

/** A powerplane object: a {@link KubeObject} of this group whose metadata always has a name. */
export type ApiObject<Fields extends object> = KubeObject<Fields> & { metadata: { name: string } };
