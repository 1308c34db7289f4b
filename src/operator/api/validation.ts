/**
 * @module operator/api/validation
 * Spec sanity checks shared by the validating webhook and the controllers (which re-check what
 * they reconcile, since the webhook fails open): schema errors from the TypeBox schemas plus the
 * cross-field rules a schema cannot say.
 */
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { PowerMonitorSpec, POWER_MONITOR_NAME, type PowerMonitorSpec as PowerMonitorSpecT } from './v1alpha1/powermonitor.js';
import { EstimatorSpec, type EstimatorSpec as EstimatorSpecT, type NodeConfig } from './v1alpha1/estimator.js';

/** One problem: the offending field (dotted path) and why. */
export interface Problem {
  field: string;
  message: string;
}

function schemaProblems(schema: TSchema, value: unknown, prefix: string): Problem[] {
  return [...Value.Errors(schema, value)].slice(0, 10).map((e) => {
    const missing = (e.params as { requiredProperties?: string[] }).requiredProperties;
    const path = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
    const field = [prefix, path, missing && missing.length === 1 ? missing[0] : ''].filter(Boolean).join('.');
    return { field, message: e.message };
  });
}

function duplicates(list: readonly string[] | undefined): string[] {
  return (list ?? []).filter((v, i, a) => a.indexOf(v) !== i);
}

/** Checks a PowerMonitor's name and spec. */
export function powerMonitorProblems(name: string, spec: unknown): Problem[] {
  const problems: Problem[] = [];
  if (name !== POWER_MONITOR_NAME) problems.push({ field: 'metadata.name', message: `only one PowerMonitor, named ${POWER_MONITOR_NAME}, is reconciled; got ${JSON.stringify(name)}` });
  const s = (spec ?? {}) as PowerMonitorSpecT;
  const schemaErrs = schemaProblems(PowerMonitorSpec, s, 'spec');
  if (schemaErrs.length > 0) return [...problems, ...schemaErrs];
  const storage = s.modelServer?.storage;
  if (storage?.type === 'nfs' && (!storage.server || !storage.path)) problems.push({ field: 'spec.modelServer.storage.server', message: 'storage type nfs needs server and path' });
  if (storage?.type === 'pvc' && !storage.claimName) problems.push({ field: 'spec.modelServer.storage.claimName', message: 'storage type pvc needs claimName' });
  if (storage?.type === 'hostPath' && storage.path !== undefined && !storage.path.startsWith('/')) problems.push({ field: 'spec.modelServer.storage.path', message: 'hostPath path must be absolute' });
  for (const d of duplicates(s.agent?.meters)) problems.push({ field: 'spec.agent.meters', message: `meter ${d} is listed twice` });
  const mounts = (s.agent?.secrets ?? []).map((x) => x.mountPath.replace(/\/+$/, ''));
  for (const d of duplicates(mounts)) problems.push({ field: 'spec.agent.secrets', message: `mountPath ${d} is used twice` });
  for (const m of mounts) {
    if (['/host/sys', '/host/proc', '/etc/powerplane', '/tmp'].some((r) => m === r || m.startsWith(`${r}/`) || r.startsWith(`${m}/`)) || m === '') problems.push({ field: 'spec.agent.secrets', message: `mountPath ${m || '/'} overlaps a path the agent needs` });
  }
  for (const d of duplicates(s.export?.levels)) problems.push({ field: 'spec.export.levels', message: `level ${d} is listed twice` });
  if (s.grafana?.namespace !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s.grafana.namespace)) problems.push({ field: 'spec.grafana.namespace', message: 'must be a namespace name' });
  return problems;
}

const NEEDS_ENDPOINT = new Set(['MetricsAPI', 'Prometheus', 'IPMIExporter', 'Redfish', 'DifferentialPressureAPI', 'MLServer', 'Model']);

function endpointProblem(field: string, type: string, endpoint: string | undefined): Problem | undefined {
  if (!NEEDS_ENDPOINT.has(type)) return undefined;
  if (!endpoint) return { field, message: `${type} needs an endpoint` };
  if (type === 'Model') return undefined;
  try {
    const u = new URL(endpoint.replace(/\{(node|address)\}/g, 'placeholder'));
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return { field, message: `${type} endpoint must be http(s), got ${u.protocol}` };
  } catch {
    return { field, message: `${type} endpoint is not a URL: ${JSON.stringify(endpoint)}` };
  }
  return undefined;
}

/** Problems of one NodeConfig (prefix names where it sits). */
export function nodeConfigProblems(cfg: NodeConfig | undefined, prefix: string): Problem[] {
  const out: Problem[] = [];
  (cfg?.nodeMonitor?.agents ?? []).forEach((a, i) => {
    const p = endpointProblem(`${prefix}.nodeMonitor.agents[${i}].endpoint`, a.type, a.endpoint);
    if (p) out.push(p);
  });
  const pred = cfg?.powerConsumptionPredictor;
  if (pred) {
    const p = endpointProblem(`${prefix}.powerConsumptionPredictor.endpoint`, pred.type, pred.endpoint);
    if (p) out.push(p);
  }
  return out;
}

/** Schema errors of an Estimator spec. */
export function estimatorSchemaProblems(spec: unknown): Problem[] {
  return schemaProblems(EstimatorSpec, spec ?? {}, 'spec');
}

/** Checks an Estimator spec: schema, then endpoints of monitors and predictors. */
export function estimatorProblems(spec: unknown): Problem[] {
  const s = (spec ?? {}) as EstimatorSpecT;
  const schemaErrs = estimatorSchemaProblems(s);
  if (schemaErrs.length > 0) return schemaErrs;
  const out = nodeConfigProblems(s.defaultNodeConfig, 'spec.defaultNodeConfig');
  for (const [node, cfg] of Object.entries(s.nodeConfigOverrides ?? {})) out.push(...nodeConfigProblems(cfg, `spec.nodeConfigOverrides.${node}`));
  return out;
}

/** The spec with the schema defaults applied (what the mutating webhook sets). */
export function defaultedPowerMonitorSpec(spec: unknown): PowerMonitorSpecT {
  return Value.Default(PowerMonitorSpec, structuredClone(spec ?? {})) as PowerMonitorSpecT;
}

/** The Estimator spec with WAO's defaults (refreshInterval 30s, agents [], predictor None). */
export function defaultedEstimatorSpec(spec: unknown): EstimatorSpecT {
  const s = structuredClone((spec ?? {}) as EstimatorSpecT);
  s.defaultNodeConfig ??= {};
  s.defaultNodeConfig.nodeMonitor ??= { agents: [] };
  s.defaultNodeConfig.nodeMonitor.refreshInterval ??= '30s';
  s.defaultNodeConfig.powerConsumptionPredictor ??= { type: 'None' };
  return s;
}
