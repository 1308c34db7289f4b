/**
 * @module operator/api/crds
 * The CustomResourceDefinitions of `powerplane.io/v1alpha1`, generated from the TypeBox schemas:
 * structural `openAPIV3Schema` (with defaults, enums and validation), printer columns and the
 * status subresource. `powerplane render --crds-only` prints them; `deploy/crds/` holds the same
 * YAML (a test fails when it drifts).
 */
import type { TSchema } from 'typebox';
import { GROUP, VERSION } from '../../api/v1alpha1/common.js';
import {
  PowerMonitorSpec,
  PowerMonitorStatus,
  POWER_MONITOR_KIND,
  POWER_MONITOR_PLURAL,
  POWER_MONITOR_NAME,
} from '../../api/v1alpha1/powermonitor.js';
import { PowerNodeStatus, POWER_NODE_KIND, POWER_NODE_PLURAL } from '../../api/v1alpha1/powernode.js';
import { EstimatorSpec, EstimatorStatus, ESTIMATOR_KIND, ESTIMATOR_PLURAL } from '../../api/v1alpha1/estimator.js';
import { PowerCapPolicySpec, PowerCapPolicyStatus, POWER_CAP_POLICY_KIND, POWER_CAP_POLICY_PLURAL } from '../../api/v1alpha1/powercappolicy.js';
import { toCrdSchema, structuralViolations, type JsonSchema } from './crd-schema.js';
import { ERR_OPERATOR_CRD_SCHEMA } from '../errors.js';

/** A CustomResourceDefinition as plain JSON. */
export type CustomResourceDefinition = {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    group: string;
    names: { kind: string; listKind: string; plural: string; singular: string; shortNames?: string[]; categories?: string[] };
    scope: 'Cluster' | 'Namespaced';
    versions: Array<{
      name: string;
      served: boolean;
      storage: boolean;
      schema: { openAPIV3Schema: JsonSchema };
      subresources: { status: Record<string, never> };
      additionalPrinterColumns: Array<{ name: string; type: string; jsonPath: string; description?: string; priority?: number; format?: string }>;
    }>;
  };
};

interface CrdInput {
  kind: string;
  plural: string;
  shortNames: string[];
  scope: 'Cluster' | 'Namespaced';
  description: string;
  spec?: TSchema;
  status: TSchema;
  columns: CustomResourceDefinition['spec']['versions'][number]['additionalPrinterColumns'];
}

function crd(input: CrdInput): CustomResourceDefinition {
  const properties: Record<string, JsonSchema> = {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
  };
  if (input.spec) properties.spec = toCrdSchema({ ...input.spec }, '$.spec');
  properties.status = toCrdSchema({ ...input.status }, '$.status');
  const openAPIV3Schema: JsonSchema = { type: 'object', description: input.description, properties };
  const violations = structuralViolations(openAPIV3Schema);
  if (violations.length > 0) throw ERR_OPERATOR_CRD_SCHEMA(`${input.kind} schema is not structural: ${violations.join('; ')}`);
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${input.plural}.${GROUP}`, labels: { 'app.kubernetes.io/part-of': 'powerplane', 'app.kubernetes.io/component': 'crd' } },
    spec: {
      group: GROUP,
      names: {
        kind: input.kind,
        listKind: `${input.kind}List`,
        plural: input.plural,
        singular: input.kind.toLowerCase(),
        shortNames: input.shortNames,
        categories: ['powerplane'],
      },
      scope: input.scope,
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          schema: { openAPIV3Schema },
          subresources: { status: {} },
          additionalPrinterColumns: input.columns,
        },
      ],
    },
  };
}

const cond = (type: string) => `.status.conditions[?(@.type=="${type}")].status`;

/** Builds the four CRDs (PowerMonitor, PowerNode, Estimator, PowerCapPolicy), in that order. */
export function buildCrds(): CustomResourceDefinition[] {
  return [
    crd({
      kind: POWER_MONITOR_KIND,
      plural: POWER_MONITOR_PLURAL,
      shortNames: ['pm'],
      scope: 'Cluster',
      description: `Installs and configures powerplane on the cluster. Only the object named ${POWER_MONITOR_NAME} is reconciled.`,
      spec: PowerMonitorSpec,
      status: PowerMonitorStatus,
      columns: [
        { name: 'Desired', type: 'integer', jsonPath: '.status.agent.desiredNumberScheduled' },
        { name: 'Ready', type: 'integer', jsonPath: '.status.agent.numberReady' },
        { name: 'Available', type: 'string', jsonPath: cond('Available') },
        { name: 'Reconciled', type: 'string', jsonPath: cond('Reconciled') },
        { name: 'Watts', type: 'number', jsonPath: '.status.nodes.watts' },
        { name: 'Namespace', type: 'string', jsonPath: '.spec.namespace', priority: 10 },
        { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
      ],
    }),
    crd({
      kind: POWER_NODE_KIND,
      plural: POWER_NODE_PLURAL,
      shortNames: ['pn'],
      scope: 'Cluster',
      description: "One node's power meter, zones, capabilities and current watts, written by that node's agent.",
      status: PowerNodeStatus,
      columns: [
        { name: 'Meter', type: 'string', jsonPath: '.status.meter' },
        { name: 'Source', type: 'string', jsonPath: '.status.source', description: 'measured or estimated' },
        { name: 'Watts', type: 'number', jsonPath: '.status.watts' },
        { name: 'Zones', type: 'string', jsonPath: '.status.zones' },
        { name: 'Version', type: 'string', jsonPath: '.status.agentVersion' },
        { name: 'Updated', type: 'date', jsonPath: '.status.lastUpdate' },
        { name: 'Model', type: 'string', jsonPath: '.status.model', priority: 10 },
        { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
      ],
    }),
    crd({
      kind: ESTIMATOR_KIND,
      plural: ESTIMATOR_PLURAL,
      shortNames: ['est', 'estm'],
      scope: 'Namespaced',
      description: 'A WAO-compatible power-consumption estimator: node monitors and predictors per node.',
      spec: EstimatorSpec,
      status: EstimatorStatus,
      columns: [
        { name: 'Nodes', type: 'integer', jsonPath: '.status.nodesSeen' },
        { name: 'Errors', type: 'string', jsonPath: '.status.errors[*].monitor' },
        { name: 'Refreshed', type: 'date', jsonPath: '.status.lastRefresh' },
        { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
      ],
    }),
    crd({
      kind: POWER_CAP_POLICY_KIND,
      plural: POWER_CAP_POLICY_PLURAL,
      shortNames: ['pcp', 'powercap'],
      scope: 'Namespaced',
      description: 'A power budget over workloads of the namespace: recommendations (DryRun) or limits, evictions and migrations (Enforce).',
      spec: PowerCapPolicySpec,
      status: PowerCapPolicyStatus,
      columns: [
        { name: 'Mode', type: 'string', jsonPath: '.spec.mode' },
        { name: 'Budget', type: 'number', jsonPath: '.status.budgetWatts', description: 'watts' },
        { name: 'Current', type: 'number', jsonPath: '.status.currentWatts', description: 'watts' },
        { name: 'Over', type: 'string', jsonPath: cond('OverBudget'), description: 'over budget' },
        { name: 'Forecast', type: 'number', jsonPath: '.status.forecastWatts', priority: 10 },
        { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
      ],
    }),
  ];
}
