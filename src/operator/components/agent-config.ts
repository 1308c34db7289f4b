/**
 * @module operator/components/agent-config
 * The agent's configuration as the operator writes it into the ConfigMap `powerplane-agent-config`:
 * a typed `DeepPartial<PowerplaneConfig>` (core/config-keys), built in this order, later wins:
 *
 * 1. the structured fields: each of {@link AGENT_FIELD_KEYS} (`spec.agent.interval` →
 *    `monitor.interval`, `spec.export.levels` → `metrics`, …) with its default applied;
 * 2. `spec.agent.config`: any agent key, in config-file form (`monitor: {staleness: 1s}`), over them;
 * 3. the keys the agent pod depends on (`OPERATOR_KEYS` in api/v1alpha1/powermonitor: host paths of the mounts, the listen
 *    address of `spec.agent.port`, the per-node settings namespace); the webhook refuses them in
 *    `spec.agent.config`.
 *
 * The pod-template hash is taken over the built keys whose reload class (core/config-keys) is
 * `restart`, the same classification the agent's hot reload uses: a change of a `hot` key reaches the
 * agents through the ConfigMap, a `restart` key rolls the pods.
 */
import { stringify } from 'yaml';
import { configFileValues, keySpec, keysByReload, type DeepPartial, type PowerplaneConfig } from '../../core/config-keys.js';
import { coerce } from '../../core/config.js';
import { parseDuration } from '../../core/duration.js';
import { AGENT_FIELD_KEYS } from '../../api/v1alpha1/powermonitor.js';
import type { ResolvedSpec } from './spec.js';
import { contentHash } from '../../core/hash.js';

/** The agent's configuration as the operator builds it. */
export type AgentConfig = DeepPartial<PowerplaneConfig>;

/** Where the agent sees the host's sysfs and procfs (the DaemonSet's read-only mounts). */
export const HOST_SYSFS = '/host/sys';
/** Where the agent sees the host's procfs. */
export const HOST_PROCFS = '/host/proc';

/** Memory-backed directory where the agent puts its node's Redfish password (with `spec.agent.nodeSettingsSecretRef`). */
export const NODE_SETTINGS_DIR = '/run/powerplane';

/** What the builder needs besides the spec. */
export interface AgentConfigContext {
  /** The operator's namespace, where the per-node settings Secrets are (with `spec.agent.nodeSettingsSecretRef`). */
  nodeSettingsNamespace?: string;
}

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let node = target;
  for (const p of parts.slice(0, -1)) {
    if (!isMap(node[p])) node[p] = {};
    node = node[p] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = value;
}

function getKey(source: unknown, key: string): unknown {
  let v = source;
  for (const p of key.split('.')) v = isMap(v) ? v[p] : undefined;
  return v;
}

/** The leaves of nested file-form input, by dotted config key (a leaf is a key of the schema). */
function inputLeaves(node: Record<string, unknown>, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  for (const [k, v] of Object.entries(node)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (keySpec(key) || !isMap(v)) out.set(key, v);
    else inputLeaves(v, key, out);
  }
  return out;
}

/**
 * `spec.agent.config` (file form) as typed values (durations in ms). Throws on a key or value the
 * agent would refuse; admission reports those first, naming the field.
 */
export function configOverlay(input: Record<string, unknown> | undefined): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, raw] of inputLeaves(input ?? {})) {
    const spec = keySpec(key);
    if (!spec) throw new RangeError(`spec.agent.config.${key}: unknown key`);
    out.set(key, coerce(spec, raw));
  }
  return out;
}

/** The agent's configuration for `spec` (see the module comment for the order). Pure. */
export function agentConfig(spec: ResolvedSpec, ctx: AgentConfigContext = {}): AgentConfig {
  const cfg: AgentConfig = {};
  const target = cfg as Record<string, unknown>;
  for (const [field, key] of Object.entries(AGENT_FIELD_KEYS)) {
    const value = getKey(spec, field);
    if (value !== undefined) setKey(target, key, keySpec(key)?.type === 'duration' ? parseDuration(String(value)) : structuredClone(value));
  }
  for (const [key, value] of configOverlay(spec.agent.config)) setKey(target, key, value);
  setKey(target, 'host.sysfs', HOST_SYSFS);
  setKey(target, 'host.procfs', HOST_PROCFS);
  setKey(target, 'web.listenAddress', [`0.0.0.0:${spec.agent.port}`]);
  if (spec.agent.nodeSettingsSecretRef && ctx.nodeSettingsNamespace) {
    setKey(target, 'kube.nodeSettings.namespace', ctx.nodeSettingsNamespace);
    setKey(target, 'kube.nodeSettings.dir', NODE_SETTINGS_DIR);
  }
  return cfg;
}

/** The ConfigMap's `config.yaml`: the configuration in file form (durations as `5s`). Pure. */
export function agentConfigYaml(cfg: AgentConfig): string {
  return stringify(configFileValues(cfg));
}

/** The built keys whose reload class is `restart`, with their values (what the pod-template hash covers). Pure. */
export function restartSettings(cfg: AgentConfig): Array<[string, unknown]> {
  return keysByReload('restart').flatMap((key): Array<[string, unknown]> => {
    const v = getKey(cfg, key);
    return v === undefined ? [] : [[key, v]];
  });
}

/** The pod-template hash of the agent configuration: its `restart` keys. Pure. */
export function restartHash(cfg: AgentConfig, extra?: unknown): string {
  return contentHash(extra === undefined ? restartSettings(cfg) : [restartSettings(cfg), extra]);
}
