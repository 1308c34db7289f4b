/**
 * @module operator/components/node-settings
 * Per-node settings (a BMC endpoint and credentials per node, for Redfish or ipmi_exporter) from the
 * Secret named by `spec.agent.nodeSettingsSecretRef`, delivered so that each node's agent gets its
 * own entry and no other.
 *
 * The file in that Secret has Kepler's Redfish BMC format, so a Kepler user's file works unchanged:
 *
 * ```yaml
 * nodes:            # node name -> BMC id
 *   worker-1: bmc-1
 * bmcs:             # BMC id -> endpoint and credentials
 *   bmc-1: {endpoint: https://10.0.0.11, username: admin, password: s3cret, insecure: true}
 * ```
 * plus one powerplane field per BMC, `ipmiExporterUrl` (an ipmi_exporter `/ipmi?target=…` URL).
 *
 * A DaemonSet cannot template per node, and a Secret mounted into it would put every node's
 * credentials on every node. So the operator splits the file: one Secret per node
 * (`powerplane-node-<node>`, in the operator's namespace) holding that node's entry as a partial
 * agent configuration (`platform.redfish.*`, `platform.ipmi.exporterUrl`) and its password. The
 * agent gets (`get`, no `list`/`watch`) exactly its `$NODE_NAME`'s Secret through a Role whose
 * `resourceNames` are those Secrets; its password goes to a memory-backed directory. Everything
 * here is pure: parsing with problems naming the field, and the objects to apply.
 */
import { isIP } from 'node:net';
import { parseDocument, LineCounter, stringify } from 'yaml';
import type { V1Secret } from '@kubernetes/client-node';
import type { KubeObject } from '../../kube/types.js';
import { nodeSettingsSecretName, NODE_SETTINGS_CONFIG_KEY, NODE_SETTINGS_PASSWORD_KEY } from '../../api/v1alpha1/powermonitor.js';
import type { Problem } from '../api/validation.js';
import { buildRole, buildRoleBinding } from './rbac.js';
import { componentLabels, NAMES } from './labels.js';

/** One BMC of the file (Kepler's fields plus `ipmiExporterUrl`). */
export interface Bmc {
  endpoint?: string;
  username?: string;
  password?: string;
  insecure?: boolean;
  ipmiExporterUrl?: string;
}

/** What one node's agent receives: a partial agent configuration and the Redfish password. */
export interface NodeSettings {
  config: { platform: { redfish?: { endpoint: string; username?: string; insecureSkipVerify?: boolean }; ipmi?: { exporterUrl: string } } };
  redfishPassword?: string;
}

/** Label on every per-node settings Secret (the operator lists them by it to prune). */
export const NODE_SETTINGS_LABEL = 'powerplane.io/node-settings';
/** Annotation naming the node a per-node settings Secret belongs to. */
export const NODE_ANNOTATION = 'powerplane.io/node';
/** Name of the Role and RoleBinding that let the agent read the per-node Secrets. */
export const NODE_SETTINGS_ROLE = 'powerplane-agent-node-settings';

const NODE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const BMC_FIELDS = new Set(['endpoint', 'username', 'password', 'insecure', 'ipmiExporterUrl']);

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function urlProblem(field: string, value: unknown, credentials: boolean): Problem | undefined {
  if (typeof value !== 'string') return { field, message: `must be a URL string, got ${JSON.stringify(value)}` };
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return { field, message: `not a URL: ${JSON.stringify(value)}` };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return { field, message: `must be http or https, got ${u.protocol}` };
  if (u.username || u.password) return { field, message: 'put credentials in username and password, not in the URL' };
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || (isIP(host) === 4 && host.startsWith('127.')) || host === '::1';
  if (credentials && u.protocol === 'http:' && !loopback)
    return {
      field,
      message: `refusing to send credentials over plain http to ${u.host}; use https (with insecure: true for a self-signed BMC certificate)`,
    };
  return undefined;
}

function bmcProblems(id: string, bmc: unknown): Problem[] {
  const at = `bmcs.${id}`;
  if (!isMap(bmc)) return [{ field: at, message: 'must be a mapping of endpoint, username, password, insecure, ipmiExporterUrl' }];
  const out: Problem[] = [];
  for (const k of Object.keys(bmc))
    if (!BMC_FIELDS.has(k)) out.push({ field: `${at}.${k}`, message: `unknown field; known: ${[...BMC_FIELDS].join(', ')}` });
  for (const k of ['username', 'password'] as const)
    if (bmc[k] !== undefined && typeof bmc[k] !== 'string') out.push({ field: `${at}.${k}`, message: 'must be a string' });
  if (bmc.insecure !== undefined && typeof bmc.insecure !== 'boolean') out.push({ field: `${at}.insecure`, message: 'must be true or false' });
  if (bmc.endpoint === undefined && bmc.ipmiExporterUrl === undefined)
    out.push({ field: at, message: 'needs endpoint (Redfish) or ipmiExporterUrl' });
  const credentials = typeof bmc.username === 'string' && bmc.username !== '';
  if (credentials && (typeof bmc.password !== 'string' || bmc.password === ''))
    out.push({ field: `${at}.password`, message: 'username is set but password is empty' });
  if (bmc.endpoint !== undefined) {
    const p = urlProblem(`${at}.endpoint`, bmc.endpoint, credentials);
    if (p) out.push(p);
  }
  if (bmc.ipmiExporterUrl !== undefined) {
    const p = urlProblem(`${at}.ipmiExporterUrl`, bmc.ipmiExporterUrl, false);
    if (p) out.push(p);
  }
  return out;
}

/** What one BMC gives its node. Pure. */
export function nodeSettingsOf(bmc: Bmc): NodeSettings {
  const platform: NodeSettings['config']['platform'] = {};
  if (bmc.endpoint !== undefined) {
    platform.redfish = {
      endpoint: bmc.endpoint,
      ...(bmc.username ? { username: bmc.username } : {}),
      ...(bmc.insecure !== undefined ? { insecureSkipVerify: bmc.insecure } : {}),
    };
  }
  if (bmc.ipmiExporterUrl !== undefined) platform.ipmi = { exporterUrl: bmc.ipmiExporterUrl };
  return { config: { platform }, ...(bmc.username && bmc.password ? { redfishPassword: bmc.password } : {}) };
}

/**
 * Parses a node settings file (Kepler's Redfish BMC format) into each node's settings. Problems name
 * the field (`nodes.worker-1`, `bmcs.bmc-1.endpoint`, or `line N` for YAML syntax); with any problem
 * no node gets anything, so a typo never half-applies. Pure.
 */
export function parseNodeSettings(text: string): { nodes: Map<string, NodeSettings>; problems: Problem[] } {
  const nodes = new Map<string, NodeSettings>();
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    return { nodes, problems: [{ field: `line ${e.linePos?.[0].line ?? 1}`, message: e.message.split('\n')[0] }] };
  }
  const root: unknown = doc.toJS() ?? {};
  if (!isMap(root)) return { nodes, problems: [{ field: '.', message: 'must be a mapping with nodes and bmcs' }] };
  const problems: Problem[] = [];
  for (const k of Object.keys(root)) if (k !== 'nodes' && k !== 'bmcs') problems.push({ field: k, message: 'unknown field; known: nodes, bmcs' });
  const nodeMap = root.nodes ?? {};
  const bmcs = root.bmcs ?? {};
  if (!isMap(nodeMap)) problems.push({ field: 'nodes', message: 'must map node names to BMC ids' });
  if (!isMap(bmcs)) problems.push({ field: 'bmcs', message: 'must map BMC ids to endpoint and credentials' });
  if (problems.length > 0) return { nodes, problems };
  const bmcMap = bmcs as Record<string, unknown>;
  for (const [id, bmc] of Object.entries(bmcMap)) problems.push(...bmcProblems(id, bmc));
  for (const [node, id] of Object.entries(nodeMap as Record<string, unknown>)) {
    if (!NODE_NAME.test(node) || node.length > 253) problems.push({ field: `nodes.${node}`, message: 'not a node name (a DNS subdomain)' });
    else if (typeof id !== 'string' || !(id in bmcMap))
      problems.push({ field: `nodes.${node}`, message: `names BMC ${JSON.stringify(id)}, which bmcs does not define` });
  }
  if (problems.length > 0) return { nodes, problems };
  for (const [node, id] of Object.entries(nodeMap as Record<string, string>)) nodes.set(node, nodeSettingsOf(bmcMap[id] as Bmc));
  return { nodes, problems };
}

/** Where the per-node objects go and whom they serve. */
export interface NodeSettingsTarget {
  /** The operator's namespace (where the per-node Secrets, Role and RoleBinding live). */
  namespace: string;
  /** The operand namespace (of the agent's ServiceAccount). */
  agentNamespace: string;
}

/** The Secret of one node: its partial agent configuration and, when it has one, its Redfish password. Pure. */
export function buildNodeSettingsSecret(node: string, settings: NodeSettings, namespace: string): KubeObject<V1Secret> {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const name = nodeSettingsSecretName(node);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name,
      namespace,
      labels: { ...componentLabels('agent', name), [NODE_SETTINGS_LABEL]: 'true' },
      annotations: { [NODE_ANNOTATION]: node },
    },
    type: 'Opaque',
    data: {
      [NODE_SETTINGS_CONFIG_KEY]: b64(stringify(settings.config)),
      ...(settings.redfishPassword !== undefined ? { [NODE_SETTINGS_PASSWORD_KEY]: b64(settings.redfishPassword) } : {}),
    },
  };
}

/**
 * Every per-node object: one Secret per node, and a Role (with exactly those Secrets as
 * `resourceNames`, verb `get`) bound to the agent's ServiceAccount. Empty for no nodes. Pure.
 */
export function buildNodeSettingsObjects(nodes: ReadonlyMap<string, NodeSettings>, target: NodeSettingsTarget): KubeObject[] {
  if (nodes.size === 0) return [];
  const names = [...nodes.keys()].sort();
  const secrets = names.map((n) => buildNodeSettingsSecret(n, nodes.get(n)!, target.namespace));
  return [
    ...secrets,
    buildRole(NODE_SETTINGS_ROLE, target.namespace, 'agent', [
      { apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: secrets.map((s) => s.metadata.name!) },
    ]),
    buildRoleBinding(NODE_SETTINGS_ROLE, target.namespace, 'agent', { name: NAMES.agent, namespace: target.agentNamespace }),
  ];
}
