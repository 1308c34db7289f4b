/**
 * @module operator/api/validation
 * Spec sanity checks shared by the validating webhook and the controllers (which re-check what
 * they reconcile, since the webhook fails open): schema errors from the TypeBox schemas plus the
 * cross-field rules a schema cannot say. Values that reach the agent are checked by the agent's own
 * rules (its config keys' types and minimums, applied to the config file the operator would write),
 * refresh intervals by the estimator's minimum, so nothing admitted makes an agent or estimator exit.
 */
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { coerce, configInputProblems } from '../../core/config.js';
import { KEPLER_ALIASES, keySpec } from '../../core/config-keys.js';
import { errorMessage } from '../../core/errors.js';
import { durationBelow } from '../../core/duration.js';
import { MIN_REFRESH_MS } from '../../estimator/spec.js';
import { monitorEntry, type PluginEntry } from '../../estimator/monitors/registry.js';
import { predictorEntry } from '../../estimator/predictors/registry.js';
import { NODE_SETTINGS_DIR } from '../components/agent-config.js';
import { resolveSpec } from '../components/spec.js';
import {
  PowerMonitorSpec,
  POWER_MONITOR_NAME,
  AGENT_FIELD_KEYS,
  OPERATOR_KEYS,
  agentConfigKeys,
  type PowerMonitorSpec as PowerMonitorSpecT,
} from '../../api/v1alpha1/powermonitor.js';
import { EstimatorSpec, type EstimatorSpec as EstimatorSpecT, type NodeConfig } from '../../api/v1alpha1/estimator.js';
import { PowerCapPolicySpec, type PowerCapPolicySpec as PowerCapPolicySpecT } from '../../api/v1alpha1/powercappolicy.js';

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

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function valueAt(obj: unknown, path: string): unknown {
  let v = obj;
  for (const p of path.split('.')) v = isMap(v) ? v[p] : undefined;
  return v;
}

/** The dotted keys of file-form config input: a leaf is a key of the schema or a non-mapping value. */
function inputKeys(node: Record<string, unknown>, prefix = '', out: string[] = []): string[] {
  for (const [k, v] of Object.entries(node)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (keySpec(key) || !isMap(v)) out.push(key);
    else inputKeys(v, key, out);
  }
  return out;
}

/**
 * What the agents would refuse in the configuration the operator writes for this spec, checked by the
 * agent's own schema: each structured field by its key's rules (`--monitor.interval` at least 100ms,
 * …), and `spec.agent.config` key by key (unknown keys, invalid values, other components' keys, keys
 * the operator sets, Kepler's file keys). Problems name the spec field.
 */
export function agentConfigProblems(spec: PowerMonitorSpecT): Problem[] {
  const problems: Problem[] = [];
  const resolved = resolveSpec(spec);
  for (const [field, key] of Object.entries(AGENT_FIELD_KEYS)) {
    const value = valueAt(resolved, field);
    if (value === undefined) continue;
    try {
      coerce(keySpec(key)!, value);
    } catch (err) {
      problems.push({ field: `spec.${field}`, message: `the agent would refuse it (${key}): ${errorMessage(err)}` });
    }
  }
  const config: unknown = spec.agent?.config;
  if (config === undefined) return problems;
  const at = (key: string) => (key === '(root)' ? 'spec.agent.config' : `spec.agent.config.${key}`);
  const found = configInputProblems(config);
  problems.push(...found.map((p) => ({ field: at(p.key), message: p.message })));
  if (!isMap(config)) return problems;
  const named = new Set(found.map((p) => p.key));
  const agentKeys = new Set(agentConfigKeys());
  for (const key of inputKeys(config)) {
    if (named.has(key)) continue;
    if (key in OPERATOR_KEYS) problems.push({ field: at(key), message: `set by the operator from ${OPERATOR_KEYS[key]}; it cannot be set here` });
    else if (!keySpec(key))
      problems.push({
        field: at(key),
        message: `not a powerplane key${KEPLER_ALIASES.has(key) ? `; write ${KEPLER_ALIASES.get(key)}` : ' (Kepler file keys are read from config files only)'}`,
      });
    else if (!agentKeys.has(key)) problems.push({ field: at(key), message: 'not an agent key (it configures the model server or the estimator)' });
  }
  return problems;
}

/** Checks a PowerMonitor's name and spec. */
export function powerMonitorProblems(name: string, spec: unknown): Problem[] {
  const problems: Problem[] = [];
  if (name !== POWER_MONITOR_NAME)
    problems.push({
      field: 'metadata.name',
      message: `only one PowerMonitor, named ${POWER_MONITOR_NAME}, is reconciled; got ${JSON.stringify(name)}`,
    });
  const s = (spec ?? {}) as PowerMonitorSpecT;
  // A schema pattern (durations' minimum) is only a necessary condition: where the agent's own rules
  // name a field, say what the agent would say instead of the pattern.
  let agentProblems: Problem[];
  try {
    agentProblems = agentConfigProblems(s);
  } catch {
    agentProblems = []; // a spec too malformed to resolve: the schema errors say why
  }
  const precise = new Set(agentProblems.map((p) => p.field));
  const schemaErrs = schemaProblems(PowerMonitorSpec, s, 'spec').filter((p) => !precise.has(p.field));
  problems.push(...agentProblems);
  if (schemaErrs.length > 0) return [...problems, ...schemaErrs];
  const storage = s.modelServer?.storage;
  if (storage?.type === 'nfs' && (!storage.server || !storage.path))
    problems.push({ field: 'spec.modelServer.storage.server', message: 'storage type nfs needs server and path' });
  if (storage?.type === 'pvc' && !storage.claimName)
    problems.push({ field: 'spec.modelServer.storage.claimName', message: 'storage type pvc needs claimName' });
  if (storage?.type === 'hostPath' && storage.path !== undefined && !storage.path.startsWith('/'))
    problems.push({ field: 'spec.modelServer.storage.path', message: 'hostPath path must be absolute' });
  for (const d of duplicates(s.agent?.meters)) problems.push({ field: 'spec.agent.meters', message: `meter ${d} is listed twice` });
  const mounts = (s.agent?.secrets ?? []).map((x) => x.mountPath.replace(/\/+$/, ''));
  for (const d of duplicates(mounts)) problems.push({ field: 'spec.agent.secrets', message: `mountPath ${d} is used twice` });
  for (const m of mounts) {
    if (
      ['/host/sys', '/host/proc', '/etc/powerplane', '/tmp', NODE_SETTINGS_DIR].some(
        (r) => m === r || m.startsWith(`${r}/`) || r.startsWith(`${m}/`),
      ) ||
      m === ''
    )
      problems.push({ field: 'spec.agent.secrets', message: `mountPath ${m || '/'} overlaps a path the agent needs` });
  }
  for (const d of duplicates(s.export?.levels)) problems.push({ field: 'spec.export.levels', message: `level ${d} is listed twice` });
  if (s.grafana?.namespace !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s.grafana.namespace))
    problems.push({ field: 'spec.grafana.namespace', message: 'must be a namespace name' });
  return problems;
}

/**
 * An endpoint problem of a monitor or predictor, by its registry entry: missing where required, not
 * an http(s) URL where given (a type that reads files, `Model`, also takes `file:` URLs).
 */
function endpointProblem(field: string, type: string, entry: PluginEntry<unknown> | undefined, endpoint: string | undefined): Problem | undefined {
  if (!entry || entry.endpoint === 'unused') return undefined;
  if (!endpoint) return entry.endpoint === 'required' ? { field, message: `${type} needs an endpoint` } : undefined;
  if (entry.file) return undefined;
  try {
    const u = new URL(endpoint.replace(/\{(node|address)\}/g, 'placeholder'));
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return { field, message: `${type} endpoint must be http(s), got ${u.protocol}` };
  } catch {
    return { field, message: `${type} endpoint is not a URL: ${JSON.stringify(endpoint)}` };
  }
  return undefined;
}

/** A refresh interval below the estimator's minimum (the rule of its config file). */
function refreshIntervalProblems(cfg: NodeConfig | undefined, prefix: string): Problem[] {
  const ri: unknown = cfg?.nodeMonitor?.refreshInterval;
  const below = typeof ri === 'string' ? durationBelow(ri, MIN_REFRESH_MS) : undefined;
  return below ? [{ field: `${prefix}.nodeMonitor.refreshInterval`, message: below }] : [];
}

function configsOf(s: EstimatorSpecT): Array<[string, NodeConfig | undefined]> {
  return [
    ['spec.defaultNodeConfig', s.defaultNodeConfig],
    ...Object.entries(s.nodeConfigOverrides ?? {}).map(([n, c]): [string, NodeConfig] => [`spec.nodeConfigOverrides.${n}`, c]),
  ];
}

/** Problems of one NodeConfig (prefix names where it sits). */
export function nodeConfigProblems(cfg: NodeConfig | undefined, prefix: string): Problem[] {
  const out: Problem[] = refreshIntervalProblems(cfg, prefix);
  (cfg?.nodeMonitor?.agents ?? []).forEach((a, i) => {
    const p = endpointProblem(`${prefix}.nodeMonitor.agents[${i}].endpoint`, a.type, monitorEntry(a.type), a.endpoint);
    if (p) out.push(p);
  });
  const pred = cfg?.powerConsumptionPredictor;
  if (pred) {
    const p = endpointProblem(`${prefix}.powerConsumptionPredictor.endpoint`, pred.type, predictorEntry(pred.type), pred.endpoint);
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
  const configs = configsOf(s);
  // The refresh interval's schema pattern is only a necessary condition; say what the estimator would say.
  const refresh = configs.flatMap(([prefix, cfg]) => refreshIntervalProblems(cfg, prefix));
  const precise = new Set(refresh.map((p) => p.field));
  const schemaErrs = estimatorSchemaProblems(s).filter((p) => !precise.has(p.field));
  if (schemaErrs.length > 0 || refresh.length > 0) return [...refresh, ...schemaErrs];
  return configs.flatMap(([prefix, cfg]) => nodeConfigProblems(cfg, prefix));
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

/** Checks a PowerCapPolicy spec: schema, one budget form, 0 < release < act ≤ 1, known kinds, no duplicate targets. */
export function powerCapPolicyProblems(spec: unknown): Problem[] {
  const s = (spec ?? {}) as PowerCapPolicySpecT;
  const schemaErrs = schemaProblems(PowerCapPolicySpec, s, 'spec');
  if (schemaErrs.length > 0) return schemaErrs;
  const problems: Problem[] = [];
  const forms = (['watts', 'percentOfPeak', 'percentOfAverage'] as const).filter((k) => s.budget[k] !== undefined);
  if (forms.length !== 1)
    problems.push({
      field: 'spec.budget',
      message: `exactly one of watts, percentOfPeak, percentOfAverage must be set, got ${forms.length === 0 ? 'none' : forms.join(' and ')}`,
    });
  const act = s.thresholds?.act ?? 0.95;
  const release = s.thresholds?.release ?? 0.8;
  if (!(release > 0 && release < act && act <= 1))
    problems.push({ field: 'spec.thresholds.release', message: `need 0 < release < act ≤ 1, got release ${release} and act ${act}` });
  if ((s.targets ?? []).length === 0 && !s.selector) problems.push({ field: 'spec.targets', message: 'name targets or set spec.selector' });
  const keys = (s.targets ?? []).map((t) => `${t.kind}/${t.name}`);
  for (const d of duplicates(keys)) problems.push({ field: 'spec.targets', message: `target ${d} is listed twice` });
  for (const d of duplicates(s.actions)) problems.push({ field: 'spec.actions', message: `action ${d} is listed twice` });
  for (const [field, url] of [
    ['spec.notify.alertmanagerUrl', s.notify?.alertmanagerUrl],
    ['spec.notify.webhookUrl', s.notify?.webhookUrl],
    ['spec.prometheusUrl', s.prometheusUrl],
  ] as const) {
    if (url === undefined) continue;
    try {
      new URL(url);
    } catch {
      problems.push({ field, message: `not a URL: ${JSON.stringify(url)}` });
    }
  }
  return problems;
}

/** The PowerCapPolicy spec with the schema defaults applied. */
export function defaultedPowerCapPolicySpec(spec: unknown): PowerCapPolicySpecT {
  return Value.Default(PowerCapPolicySpec, structuredClone(spec ?? {})) as PowerCapPolicySpecT;
}
