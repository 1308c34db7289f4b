/**
 * @module estimator/scheduler/wire
 * kube-scheduler's HTTP extender wire format (`k8s.io/kube-scheduler/extender/v1`), checked by hand (pure).
 * The Go types carry no JSON tags, so the field names on the wire are the Go field names:
 * `ExtenderArgs {Pod, Nodes, NodeNames}`, `ExtenderFilterResult {Nodes, NodeNames, FailedNodes,
 * FailedAndUnresolvableNodes, Error}`, `HostPriority {Host, Score}`. The scheduler fills `NodeNames`
 * when the extender is `nodeCacheCapable` and `Nodes` (a v1 NodeList) otherwise; the other is `null`.
 * Go's decoder matches field names case-insensitively, so this parser does too; answers use the exact
 * Go names.
 */
import { ErrEstimatorInvalidRequest } from '../errors.js';

/** `MaxExtenderPriority`: the best score an extender gives. */
export const MAX_EXTENDER_PRIORITY = 10;
/** `MinExtenderPriority`. */
export const MIN_EXTENDER_PRIORITY = 0;

/** A JSON object as received. */
export type JsonObject = Record<string, unknown>;

/** `ExtenderArgs`, decoded. */
export interface ExtenderArgs {
  /** The pod being scheduled (a v1 Pod object). */
  pod: JsonObject;
  /** Candidate node names, in the order received. */
  nodeNames: string[];
  /** `names`: the nodeCacheCapable form (`NodeNames`); `nodes`: the full `Nodes` NodeList form. */
  form: 'names' | 'nodes';
  /** With the `nodes` form: the NodeList as received (echoed back, filtered, by the filter verb). */
  nodeList?: JsonObject;
  /** With the `nodes` form: the Node objects, in the order of `nodeNames`. */
  nodes?: JsonObject[];
}

/** `ExtenderFilterResult` as sent. */
export interface ExtenderFilterResult {
  Nodes: JsonObject | null;
  NodeNames: string[] | null;
  FailedNodes: Record<string, string>;
  FailedAndUnresolvableNodes: Record<string, string>;
  Error: string;
}

/** One `HostPriority` as sent. */
export interface HostPriority {
  Host: string;
  Score: number;
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The value of `name` in `obj`, matched as Go's encoding/json does (exact name first, then case-insensitively). */
export function goField(obj: JsonObject, name: string): unknown {
  if (Object.hasOwn(obj, name)) return obj[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return obj[k];
  return undefined;
}

const bad = (message: string, field: string) => ErrEstimatorInvalidRequest(message, { field });

/** Decodes and checks `ExtenderArgs`; ErrEstimatorInvalidRequest (400) naming the field otherwise. */
export function parseExtenderArgs(body: unknown): ExtenderArgs {
  if (!isObject(body)) throw bad('the body must be a JSON object ExtenderArgs {Pod, Nodes, NodeNames}', 'body');
  const pod = goField(body, 'Pod');
  if (!isObject(pod)) throw bad('Pod must be a v1 Pod object', 'Pod');
  const meta = pod.metadata;
  if (meta !== undefined && !isObject(meta)) throw bad('Pod.metadata must be an object', 'Pod.metadata');
  const spec = pod.spec;
  if (spec !== undefined && !isObject(spec)) throw bad('Pod.spec must be an object', 'Pod.spec');
  const names = goField(body, 'NodeNames');
  const list = goField(body, 'Nodes');
  if (names !== undefined && names !== null) {
    if (!Array.isArray(names)) throw bad('NodeNames must be an array of node names', 'NodeNames');
    names.forEach((n, i) => {
      if (typeof n !== 'string' || n === '') throw bad(`NodeNames[${i}] must be a non-empty string`, `NodeNames[${i}]`);
    });
    return { pod, nodeNames: names as string[], form: 'names' };
  }
  if (list !== undefined && list !== null) {
    if (!isObject(list)) throw bad('Nodes must be a v1 NodeList object', 'Nodes');
    const items = goField(list, 'items');
    if (items !== undefined && items !== null && !Array.isArray(items)) throw bad('Nodes.items must be an array of Node objects', 'Nodes.items');
    const nodes = (items ?? []) as unknown[];
    const nodeNames = nodes.map((n, i) => {
      const name = isObject(n) && isObject(n.metadata) ? n.metadata.name : undefined;
      if (typeof name !== 'string' || name === '')
        throw bad(`Nodes.items[${i}].metadata.name must be a non-empty string`, `Nodes.items[${i}].metadata.name`);
      return name;
    });
    return { pod, nodeNames, form: 'nodes', nodeList: list, nodes: nodes as JsonObject[] };
  }
  throw bad('one of NodeNames (nodeCacheCapable) or Nodes must be set', 'NodeNames');
}

/** The filter answer in the form of the request: the passing nodes (`pass[k]` for `nodeNames[k]`), and the failed ones with reasons. */
export function filterResult(
  args: ExtenderArgs,
  pass: readonly boolean[],
  failed: Record<string, string>,
  unresolvable: Record<string, string>,
): ExtenderFilterResult {
  if (args.form === 'names') {
    const names: string[] = [];
    for (let k = 0; k < args.nodeNames.length; k++) if (pass[k]) names.push(args.nodeNames[k]);
    return { Nodes: null, NodeNames: names, FailedNodes: failed, FailedAndUnresolvableNodes: unresolvable, Error: '' };
  }
  const items = (args.nodes ?? []).filter((_n, k) => pass[k]);
  return { Nodes: { ...(args.nodeList ?? {}), items }, NodeNames: null, FailedNodes: failed, FailedAndUnresolvableNodes: unresolvable, Error: '' };
}

/**
 * A HostPriorityList as JSON text, from the candidate names and their scores. `plainNames`: the names
 * need no escaping (they came from a JSON text without a backslash, so none holds `"`, `\\` or a
 * control character) and are copied as they are; otherwise each is escaped by JSON.stringify.
 */
export function hostPriorityJson(names: readonly string[], scores: Uint8Array, plainNames: boolean): string {
  let out = '[';
  for (let k = 0; k < names.length; k++) {
    const host = plainNames ? `"${names[k]}"` : JSON.stringify(names[k]);
    out += `${k === 0 ? '' : ','}{"Host":${host},"Score":${scores[k]}}`;
  }
  return `${out}]`;
}
