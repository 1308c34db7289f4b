/**
 * KEDA's ScaledObject (keda.sh/v1alpha1) and KServe's InferenceService (serving.kserve.io/v1beta1)
 * CRDs for the fake API server, with the structural schema of the fields powerplane reads and writes
 * taken from the published CRDs (kedacore/keda config/crd/bases/keda.sh_scaledobjects.yaml; kserve
 * config/crd/full/serving.kserve.io_inferenceservices.yaml): types, int32 replica counts, required
 * `scaleTargetRef`/`triggers` and `predictor`, the status subresource. Subtrees powerplane does not touch
 * (advanced, fallback, the predictor's model/containers) preserve unknown fields as the published
 * schemas' deep definitions would accept them.
 */
import type { SeedObject } from '../fake-apiserver/index.js';
import { crdOf } from '../fake-apiserver/fixtures.js';

const int32 = { type: 'integer', format: 'int32' };
const preserve = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
const conditions = {
  type: 'array',
  items: {
    type: 'object',
    required: ['status', 'type'],
    properties: { type: { type: 'string' }, status: { type: 'string' }, reason: { type: 'string' }, message: { type: 'string' } },
  },
};

/** KEDA's ScaledObject CRD. */
export function scaledObjectCrd(): SeedObject {
  return crdOf({
    group: 'keda.sh',
    version: 'v1alpha1',
    kind: 'ScaledObject',
    plural: 'scaledobjects',
    shortNames: ['so'],
    schema: {
      type: 'object',
      required: ['spec'],
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { type: 'object' },
        spec: {
          type: 'object',
          required: ['scaleTargetRef', 'triggers'],
          properties: {
            scaleTargetRef: {
              type: 'object',
              required: ['name'],
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                name: { type: 'string' },
                envSourceContainerName: { type: 'string' },
              },
            },
            pollingInterval: int32,
            cooldownPeriod: int32,
            initialCooldownPeriod: int32,
            idleReplicaCount: int32,
            minReplicaCount: int32,
            maxReplicaCount: int32,
            fallback: preserve,
            advanced: preserve,
            triggers: {
              type: 'array',
              items: {
                type: 'object',
                required: ['metadata', 'type'],
                properties: {
                  type: { type: 'string' },
                  name: { type: 'string' },
                  metricType: { type: 'string' },
                  useCachedMetrics: { type: 'boolean' },
                  metadata: { type: 'object', additionalProperties: { type: 'string' } },
                  authenticationRef: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, kind: { type: 'string' } } },
                },
              },
            },
          },
        },
        status: {
          type: 'object',
          properties: {
            hpaName: { type: 'string' },
            originalReplicaCount: int32,
            pausedReplicaCount: int32,
            lastActiveTime: { type: 'string', format: 'date-time' },
            conditions,
          },
        },
      },
    },
  });
}

/** KServe's InferenceService CRD. */
export function inferenceServiceCrd(): SeedObject {
  return crdOf({
    group: 'serving.kserve.io',
    version: 'v1beta1',
    kind: 'InferenceService',
    plural: 'inferenceservices',
    shortNames: ['isvc'],
    schema: {
      type: 'object',
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { type: 'object' },
        spec: {
          type: 'object',
          required: ['predictor'],
          properties: {
            predictor: {
              type: 'object',
              'x-kubernetes-preserve-unknown-fields': true,
              properties: {
                minReplicas: { type: 'integer' },
                maxReplicas: { type: 'integer' },
                scaleTarget: { type: 'integer' },
                scaleMetric: { type: 'string', enum: ['cpu', 'memory', 'concurrency', 'rps'] },
                model: preserve,
              },
            },
            transformer: preserve,
            explainer: preserve,
          },
        },
        status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      },
    },
  });
}
