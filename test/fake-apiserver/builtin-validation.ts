/**
 * @module fake-apiserver/builtin-validation
 * The validation rules of built-in kinds that an operator's manifests commonly break, checked as the
 * real API server does (422 Invalid with a cause per field): workload selectors must be present,
 * match the pod template's labels and never change; pod templates need uniquely named containers with
 * images; ConfigMap/Secret keys must be valid; a binding's roleRef cannot change; a webhook's
 * clientConfig names exactly one of url or service. Pure.
 */
import { selectorMatches } from './admission.js';
import { isPlainObject } from './merge-patch.js';
import type { StatusCause } from './status.js';
import type { ResourceDef } from './types.js';

type Obj = Record<string, unknown>;

const KEY = /^[-._a-zA-Z0-9]+$/;

function get(o: unknown, path: string): unknown {
  let cur = o;
  for (const p of path.split('.')) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

function podSpecCauses(spec: unknown, prefix: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const containers = get(spec, 'containers');
  if (!Array.isArray(containers) || containers.length === 0) {
    causes.push({ field: `${prefix}.containers`, message: 'Required value', reason: 'FieldValueRequired' });
    return causes;
  }
  const seen = new Set<string>();
  for (const [list, items] of [
    ['containers', containers],
    ['initContainers', get(spec, 'initContainers')],
  ] as const) {
    if (!Array.isArray(items)) continue;
    items.forEach((c, i) => {
      const name = get(c, 'name');
      if (typeof name !== 'string' || name === '')
        causes.push({ field: `${prefix}.${list}[${i}].name`, message: 'Required value', reason: 'FieldValueRequired' });
      else if (seen.has(name))
        causes.push({ field: `${prefix}.${list}[${i}].name`, message: `Duplicate value: "${name}"`, reason: 'FieldValueDuplicate' });
      else seen.add(name);
      if (typeof get(c, 'image') !== 'string' || get(c, 'image') === '')
        causes.push({ field: `${prefix}.${list}[${i}].image`, message: 'Required value', reason: 'FieldValueRequired' });
    });
  }
  return causes;
}

/** Validation failures of a built-in object about to be stored (`old` set on updates). */
export function validateBuiltin(def: ResourceDef, obj: Obj, old: Obj | undefined): StatusCause[] {
  const causes: StatusCause[] = [];
  const workload = def.group === 'apps' && ['Deployment', 'DaemonSet', 'StatefulSet'].includes(def.kind);
  if (workload) {
    const selector = get(obj, 'spec.selector') as
      | { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> }
      | undefined;
    const empty = !selector || (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0);
    if (empty) causes.push({ field: 'spec.selector', message: 'Required value', reason: 'FieldValueRequired' });
    else if (!selectorMatches(selector, get(obj, 'spec.template.metadata.labels') as Record<string, string> | undefined)) {
      causes.push({
        field: 'spec.template.metadata.labels',
        message: `Invalid value: ${JSON.stringify(get(obj, 'spec.template.metadata.labels') ?? {})}: \`selector\` does not match template \`labels\``,
      });
    }
    if (old && JSON.stringify(get(old, 'spec.selector')) !== JSON.stringify(selector)) {
      causes.push({ field: 'spec.selector', message: `Invalid value: ${JSON.stringify(selector)}: field is immutable` });
    }
    causes.push(...podSpecCauses(get(obj, 'spec.template.spec'), 'spec.template.spec'));
  }
  if (def.group === '' && def.kind === 'Pod') causes.push(...podSpecCauses(get(obj, 'spec'), 'spec'));
  if (def.group === '' && (def.kind === 'ConfigMap' || def.kind === 'Secret')) {
    for (const field of ['data', 'binaryData', 'stringData']) {
      const data = get(obj, field);
      if (!isPlainObject(data)) continue;
      for (const key of Object.keys(data)) {
        if (!KEY.test(key) || key.length > 253)
          causes.push({
            field: `${field}[${key}]`,
            message: `Invalid value: "${key}": a valid config key must consist of alphanumeric characters, '-', '_' or '.'`,
          });
      }
    }
  }
  if (def.group === 'rbac.authorization.k8s.io' && (def.kind === 'RoleBinding' || def.kind === 'ClusterRoleBinding')) {
    if (!isPlainObject(get(obj, 'roleRef'))) causes.push({ field: 'roleRef', message: 'Required value', reason: 'FieldValueRequired' });
    else if (old && JSON.stringify(get(old, 'roleRef')) !== JSON.stringify(get(obj, 'roleRef'))) {
      causes.push({ field: 'roleRef', message: `Invalid value: ${JSON.stringify(get(obj, 'roleRef'))}: cannot change roleRef` });
    }
  }
  if (
    def.group === 'admissionregistration.k8s.io' &&
    (def.kind === 'ValidatingWebhookConfiguration' || def.kind === 'MutatingWebhookConfiguration')
  ) {
    const hooks = get(obj, 'webhooks');
    if (Array.isArray(hooks)) {
      hooks.forEach((h, i) => {
        const cc = get(h, 'clientConfig');
        const n = (isPlainObject(cc) && cc.url !== undefined ? 1 : 0) + (isPlainObject(cc) && cc.service !== undefined ? 1 : 0);
        if (n !== 1)
          causes.push({
            field: `webhooks[${i}].clientConfig`,
            message: 'Required value: exactly one of url or service is required',
            reason: 'FieldValueRequired',
          });
      });
    }
  }
  return causes;
}
