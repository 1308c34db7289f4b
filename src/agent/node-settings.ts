/**
 * @module agent/node-settings
 * This node's own settings (its BMC endpoint and credentials for Redfish or ipmi_exporter), from the
 * Secret `powerplane-node-<node>` the operator writes for it (see operator/components/node-settings).
 * The agent gets exactly that Secret by name (its Role allows `get` on those names only, no list),
 * takes the `platform.*` keys of its partial configuration over the config file's, and writes the
 * Redfish password into a memory-backed directory for `platform.redfish.passwordFile`. A node
 * without an entry has no Secret (and no right to read one): it keeps the config file's platform settings.
 */
import { join } from 'node:path';
import { parse } from 'yaml';
import type { KubeObject } from '../kube/types.js';
import { isForbidden } from '../kube/errors.js';
import { writeFileAtomic } from '../core/fs.js';
import { ERR_INVALID_CONFIG } from '../core/errors.js';
import type { PowerplaneConfig } from '../core/config-keys.js';
import type { Logger } from '../core/logger.js';
import { nodeSettingsSecretName, NODE_SETTINGS_CONFIG_KEY, NODE_SETTINGS_PASSWORD_KEY } from '../api/v1alpha1/powermonitor.js';

/** The part of the kube client this needs. */
export interface SecretReader {
  getOrUndefined(ref: { apiVersion: string; kind: string }, name: string, namespace?: string): Promise<KubeObject | undefined>;
}

/** Where this node's settings come from. */
export interface NodeSettingsSource {
  /** Namespace of the per-node Secrets (the operator's). */
  namespace: string;
  nodeName: string;
  /** Directory (memory-backed in a pod) the Redfish password is written to. */
  dir: string;
}

/** This node's settings: the platform keys it sets (dotted key → value). */
export type NodeSettingValues = ReadonlyMap<string, unknown>;

/** The platform keys a node's settings may set. */
const NODE_KEYS = [
  'platform.redfish.endpoint',
  'platform.redfish.username',
  'platform.redfish.insecureSkipVerify',
  'platform.ipmi.exporterUrl',
] as const;
const NODE_KEY_TYPES: Record<(typeof NODE_KEYS)[number], 'string' | 'boolean'> = {
  'platform.redfish.endpoint': 'string',
  'platform.redfish.username': 'string',
  'platform.redfish.insecureSkipVerify': 'boolean',
  'platform.ipmi.exporterUrl': 'string',
};

function flatten(node: unknown, prefix: string, out: Map<string, unknown>): void {
  if (node !== null && typeof node === 'object' && !Array.isArray(node)) {
    for (const [k, v] of Object.entries(node)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else out.set(prefix, node);
}

/** The keys and values of a per-node Secret's configuration; throws PP_INVALID_CONFIG naming the key it refuses. Pure. */
export function nodeSettingValues(yamlText: string, secret: string): Map<string, unknown> {
  const flat = new Map<string, unknown>();
  flatten(parse(yamlText) ?? {}, '', flat);
  for (const [key, value] of flat) {
    const type = NODE_KEY_TYPES[key as (typeof NODE_KEYS)[number]];
    if (!type) throw ERR_INVALID_CONFIG(`node settings Secret ${secret}: key ${key} is not a per-node setting (${NODE_KEYS.join(', ')})`, { key });
    if (typeof value !== type)
      throw ERR_INVALID_CONFIG(`node settings Secret ${secret}: key ${key} must be a ${type}, got ${JSON.stringify(value)}`, { key });
  }
  return flat;
}

/**
 * Reads this node's Secret (by name, nothing else) and returns the keys it sets; the Redfish password
 * is written to `<dir>/redfish-password` (mode 0600) and named by `platform.redfish.passwordFile`.
 * Undefined when the node has no entry: its Secret does not exist, or (as RBAC answers for a name
 * outside the Role's `resourceNames`) it may not be read.
 */
export async function fetchNodeSettings(kube: SecretReader, src: NodeSettingsSource): Promise<NodeSettingValues | undefined> {
  const name = nodeSettingsSecretName(src.nodeName);
  let secret: KubeObject | undefined;
  try {
    secret = await kube.getOrUndefined({ apiVersion: 'v1', kind: 'Secret' }, name, src.namespace);
  } catch (err) {
    if (isForbidden(err)) return undefined;
    throw err;
  }
  if (!secret) return undefined;
  const data = (secret.data ?? {}) as Record<string, string>;
  const text = (key: string) => (data[key] === undefined ? undefined : Buffer.from(data[key], 'base64').toString('utf8'));
  const values = nodeSettingValues(text(NODE_SETTINGS_CONFIG_KEY) ?? '{}', `${src.namespace}/${name}`);
  const password = text(NODE_SETTINGS_PASSWORD_KEY);
  if (password !== undefined) {
    const file = join(src.dir, NODE_SETTINGS_PASSWORD_KEY);
    await writeFileAtomic(file, password, 0o600);
    values.set('platform.redfish.passwordFile', file);
  }
  return values;
}

/** `config` with this node's settings over it (a copy; the input is unchanged). Pure. */
export function withNodeSettings(config: PowerplaneConfig, values: NodeSettingValues | undefined): PowerplaneConfig {
  if (!values || values.size === 0) return config;
  const out = structuredClone(config) as unknown as Record<string, unknown>;
  for (const [key, value] of values) {
    const parts = key.split('.');
    let node = out;
    for (const p of parts.slice(0, -1)) node = node[p] as Record<string, unknown>;
    node[parts[parts.length - 1]] = value;
  }
  return out as unknown as PowerplaneConfig;
}

/**
 * This node's settings when `kube.nodeSettings.namespace` names where they are (the operator sets it
 * with `spec.agent.nodeSettingsSecretRef`), else undefined. Logs what it sets, never the password.
 */
export async function loadNodeSettings(config: PowerplaneConfig, nodeName: string, log: Logger): Promise<NodeSettingValues | undefined> {
  const { namespace, dir } = config.kube.nodeSettings;
  if (namespace === '') return undefined;
  const { loadKubeConfig, KubeClient } = await import('../kube/index.js');
  const { kubeConfig } = loadKubeConfig({ kubeconfig: config.kube.config || undefined });
  const values = await fetchNodeSettings(new KubeClient({ kubeConfig }), { namespace, nodeName, dir });
  const secret = `${namespace}/${nodeSettingsSecretName(nodeName)}`;
  if (values) log.info({ secret, keys: [...values.keys()] }, 'per-node settings applied');
  else log.info({ secret }, 'no per-node settings for this node');
  return values;
}
