/**
 * @module operator/controller/estimator
 * The Estimator status controller: nodes seen (PowerNodes, one per node running an agent), the
 * last refresh, what the estimator serves from (the cluster's Node objects), and per-monitor errors (monitors or predictors whose configuration cannot work,
 * overrides naming nodes that do not exist), with Reconciled and Available conditions. The status
 * is written only when its content changed, or when the last refresh is older than `refreshMs`.
 */
import type { Logger } from '../../core/logger.js';
import { API_VERSION } from '../../api/v1alpha1/common.js';
import { ESTIMATOR_KIND, ESTIMATOR_REF, type EstimatorResource, type EstimatorStatus } from '../../api/v1alpha1/estimator.js';
import type { PowerNode } from '../../api/v1alpha1/powernode.js';
import { estimatorSchemaProblems, nodeConfigProblems } from '../api/validation.js';
import { FIELD_MANAGER } from '../components/labels.js';
import { stableJson } from '../../core/hash.js';
import type { OperatorKube, ObjectReader } from '../reconciler/types.js';
import { setCondition } from './status.js';
import type { QueueResult } from './queue.js';

/** What the Estimator controller needs. */
export interface EstimatorControllerDeps {
  kube: OperatorKube;
  reader: ObjectReader;
  powerNodes: () => PowerNode[];
  log: Logger;
  now?: () => Date;
  /** Largest age of status.lastRefresh before it is rewritten although nothing changed (default 5 min). */
  refreshMs?: number;
}

/** Per-monitor errors of an Estimator given the nodes seen. Pure. */
export function estimatorErrors(est: EstimatorResource, nodeNames: ReadonlySet<string>): EstimatorStatus['errors'] {
  const errors: EstimatorStatus['errors'] = [];
  const spec = est.spec ?? {};
  for (const p of nodeConfigProblems(spec.defaultNodeConfig, 'spec.defaultNodeConfig'))
    errors.push({ node: '*', monitor: monitorOf(p.field, spec as Record<string, unknown>), message: `${p.field}: ${p.message}` });
  for (const [node, cfg] of Object.entries(spec.nodeConfigOverrides ?? {})) {
    if (!nodeNames.has(node)) errors.push({ node, monitor: 'override', message: `spec.nodeConfigOverrides.${node}: no such node (no PowerNode)` });
    for (const p of nodeConfigProblems(cfg, `spec.nodeConfigOverrides.${node}`))
      errors.push({ node, monitor: monitorOf(p.field, spec as Record<string, unknown>), message: `${p.field}: ${p.message}` });
  }
  return errors;
}

/**
 * What the estimator serves from, for the Available condition: the cluster's Node objects (it
 * watches them itself), whether or not agents run; PowerNodes only say how many nodes have one. Pure.
 */
export function servingMessage(powerNodes: number): string {
  return `serves estimates for the cluster's Nodes (Node objects); ${powerNodes === 0 ? 'no node runs a powerplane agent yet (no PowerNodes)' : `${powerNodes} ${powerNodes === 1 ? 'node runs' : 'nodes run'} a powerplane agent (PowerNodes)`}`;
}

/** The monitor or predictor type a problem's field points at. */
function monitorOf(field: string, spec: Record<string, unknown>): string {
  const path = field
    .replace(/^spec\./, '')
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.');
  let cur: unknown = spec;
  for (const p of path.slice(0, -1)) cur = (cur as Record<string, unknown> | undefined)?.[p];
  return String((cur as { type?: unknown } | undefined)?.type ?? 'unknown');
}

/** Writes Estimator status. */
export class EstimatorController {
  readonly #d: EstimatorControllerDeps;

  constructor(deps: EstimatorControllerDeps) {
    this.#d = deps;
  }

  /** Reconciles `namespace/name`. */
  async reconcile(key: string): Promise<QueueResult> {
    const [namespace, name] = key.split('/');
    const est = (await this.#d.reader.get(ESTIMATOR_REF, name, namespace)) as EstimatorResource | undefined;
    if (!est || est.metadata.deletionTimestamp) return;
    const now = this.#d.now?.() ?? new Date();
    const nowIso = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
    const nodes = this.#d.powerNodes();
    const problems = estimatorSchemaProblems(est.spec);
    const errors =
      problems.length > 0
        ? problems.map((p) => ({ node: '*', monitor: 'spec', message: `${p.field}: ${p.message}` }))
        : estimatorErrors(est, new Set(nodes.map((n) => n.metadata.name)));
    const old = est.status;
    const gen = est.metadata.generation;
    let conditions = setCondition(
      old?.conditions,
      problems.length > 0
        ? {
            type: 'Reconciled',
            status: 'False',
            reason: 'InvalidSpec',
            message: errors
              .map((e) => e.message)
              .join('; ')
              .slice(0, 32768),
          }
        : { type: 'Reconciled', status: 'True', reason: 'ReconcileSuccess', message: 'spec accepted' },
      gen,
      nowIso,
    );
    conditions = setCondition(
      conditions,
      errors.length === 0
        ? { type: 'Available', status: 'True', reason: 'ServingNodes', message: servingMessage(nodes.length) }
        : {
            type: 'Available',
            status: 'False',
            reason: 'MonitorErrors',
            message: `${errors.length} monitor errors; ${servingMessage(nodes.length)}`,
          },
      gen,
      nowIso,
    );
    const content = { conditions, nodesSeen: nodes.length, errors };
    const oldContent = old ? { conditions: old.conditions, nodesSeen: old.nodesSeen, errors: old.errors } : undefined;
    const refreshMs = this.#d.refreshMs ?? 300_000;
    const fresh = old?.lastRefresh !== undefined && now.getTime() - Date.parse(old.lastRefresh) < refreshMs;
    if (fresh && stableJson(content) === stableJson(oldContent)) return { requeueAfterMs: refreshMs };
    const status: EstimatorStatus = { ...content, lastRefresh: nowIso };
    await this.#d.kube.applyStatus<EstimatorResource>(
      { apiVersion: API_VERSION, kind: ESTIMATOR_KIND, metadata: { name, namespace }, status },
      { fieldManager: FIELD_MANAGER, force: true },
    );
    return { requeueAfterMs: refreshMs };
  }
}
