/**
 * @module fake-apiserver/admission
 * Calls registered admission webhooks like the real API server: for each
 * Mutating/ValidatingWebhookConfiguration webhook whose rules, namespaceSelector and objectSelector
 * match a request, POST an `admission.k8s.io/v1` AdmissionReview over HTTPS (trusting the webhook's
 * `caBundle`), apply returned JSON patches (mutating), and reject denied requests. Call failures and
 * timeouts follow `failurePolicy` (default Fail). Mutating webhooks run before validating ones.
 */
import { randomUUID } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import fastJsonPatch from 'fast-json-patch';
import { isPlainObject } from './merge-patch.js';
import { ApiError } from './status.js';
import type { ResourceDef, StoredObject } from './types.js';
import { errorMessage } from '../../src/core/errors.js';

type Obj = Record<string, unknown>;

/** One request as admission sees it. */
export interface AdmissionRequest {
  operation: 'CREATE' | 'UPDATE' | 'DELETE';
  def: ResourceDef;
  subresource: string;
  name: string;
  namespace?: string;
  object?: Obj;
  oldObject?: Obj;
  dryRun: boolean;
  /** Labels of the request's namespace (for namespaceSelector). */
  namespaceLabels?: Record<string, string>;
}

interface Rule {
  operations?: string[];
  apiGroups?: string[];
  apiVersions?: string[];
  resources?: string[];
  scope?: string;
}
interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}
interface Webhook {
  name: string;
  clientConfig?: { url?: string; caBundle?: string; service?: { namespace: string; name: string; path?: string; port?: number } };
  rules?: Rule[];
  failurePolicy?: 'Fail' | 'Ignore';
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
  timeoutSeconds?: number;
}

/** Maps a webhook's service reference to a base URL (`https://127.0.0.1:PORT`), or undefined. */
export type ServiceResolver = (service: { namespace: string; name: string; port: number }) => string | undefined;

/** True when a LabelSelector (matchLabels + matchExpressions) selects the labels. Empty selects all. Pure. */
export function selectorMatches(sel: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel?.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of sel?.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    const ok =
      e.operator === 'In'
        ? has && (e.values ?? []).includes(l[e.key])
        : e.operator === 'NotIn'
          ? !has || !(e.values ?? []).includes(l[e.key])
          : e.operator === 'Exists'
            ? has
            : e.operator === 'DoesNotExist'
              ? !has
              : false;
    if (!ok) return false;
  }
  return true;
}

function matchesAny(list: string[] | undefined, value: string): boolean {
  return (list ?? []).some((x) => x === '*' || x === value);
}

/** True when one of the rules covers the request. Pure. */
export function rulesMatch(rules: Rule[] | undefined, req: Pick<AdmissionRequest, 'operation' | 'def' | 'subresource'>): boolean {
  const resource = req.subresource ? `${req.def.plural}/${req.subresource}` : req.def.plural;
  return (rules ?? []).some((r) => {
    if (!matchesAny(r.operations, req.operation)) return false;
    if (!matchesAny(r.apiGroups, req.def.group) || !matchesAny(r.apiVersions, req.def.version)) return false;
    const scope = r.scope ?? '*';
    if (scope !== '*' && scope !== (req.def.namespaced ? 'Namespaced' : 'Cluster')) return false;
    return (r.resources ?? []).some(
      (x) => x === resource || x === '*/*' || (x === '*' && !req.subresource) || (x === `${req.def.plural}/*` && !!req.subresource),
    );
  });
}

function post(url: URL, body: string, ca: Buffer | undefined, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    if (url.protocol !== 'https:') return reject(new Error(`webhook URL ${url.href} must use https`));
    const req = httpsRequest(
      url,
      {
        method: 'POST',
        ca,
        timeout: timeoutMs,
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Content-Length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 0) >= 300) reject(new Error(`webhook answered HTTP ${res.statusCode}: ${text.slice(0, 200)}`));
          else resolve(text);
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`context deadline exceeded (timeout ${timeoutMs / 1000}s)`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs the webhooks of the given configurations against one request. */
export class Admission {
  readonly #configs: () => { mutating: StoredObject[]; validating: StoredObject[] };
  readonly #resolve: () => ServiceResolver | undefined;

  constructor(configs: () => { mutating: StoredObject[]; validating: StoredObject[] }, resolve: () => ServiceResolver | undefined) {
    this.#configs = configs;
    this.#resolve = resolve;
  }

  /** True when any webhook configuration exists (admission can be skipped otherwise). */
  active(): boolean {
    const c = this.#configs();
    return c.mutating.length > 0 || c.validating.length > 0;
  }

  /** Runs mutating webhooks on `req.object` (CREATE/UPDATE); returns the possibly patched object. */
  async mutate(req: AdmissionRequest): Promise<Obj | undefined> {
    let object = req.object;
    if (req.operation === 'DELETE') return object;
    for (const hook of this.#matching(this.#configs().mutating, req)) {
      const response = await this.#call(hook, { ...req, object });
      if (!response) continue;
      if (response.patch !== undefined) {
        if (response.patchType !== 'JSONPatch')
          throw new ApiError(
            500,
            'InternalError',
            `Internal error occurred: webhook "${hook.name}" returned an unsupported patchType ${String(response.patchType)}`,
          );
        const ops = JSON.parse(Buffer.from(String(response.patch), 'base64').toString('utf8')) as fastJsonPatch.Operation[];
        try {
          object = fastJsonPatch.applyPatch(structuredClone(object), ops, true, false).newDocument as Obj;
        } catch (err) {
          throw new ApiError(500, 'InternalError', `Internal error occurred: JSON patch from webhook "${hook.name}" failed: ${errorMessage(err)}`);
        }
      }
    }
    return object;
  }

  /** Runs validating webhooks; throws the denial. */
  async validate(req: AdmissionRequest): Promise<void> {
    for (const hook of this.#matching(this.#configs().validating, req)) await this.#call(hook, req);
  }

  #matching(configs: StoredObject[], req: AdmissionRequest): Webhook[] {
    const out: Webhook[] = [];
    const labels =
      (req.object ?? req.oldObject) && isPlainObject((req.object ?? req.oldObject)!.metadata)
        ? ((req.object ?? req.oldObject)!.metadata as { labels?: Record<string, string> }).labels
        : undefined;
    const oldLabels =
      req.oldObject && isPlainObject(req.oldObject.metadata) ? (req.oldObject.metadata as { labels?: Record<string, string> }).labels : undefined;
    const nsLabels = req.def.group === '' && req.def.kind === 'Namespace' ? labels : req.namespaceLabels;
    for (const cfg of configs) {
      for (const hook of (Array.isArray(cfg.webhooks) ? cfg.webhooks : []) as Webhook[]) {
        if (!rulesMatch(hook.rules, req)) continue;
        if ((req.def.namespaced || req.def.kind === 'Namespace') && !selectorMatches(hook.namespaceSelector, nsLabels)) continue;
        if (!selectorMatches(hook.objectSelector, labels) && !selectorMatches(hook.objectSelector, oldLabels)) continue;
        out.push(hook);
      }
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  async #call(hook: Webhook, req: AdmissionRequest): Promise<Record<string, unknown> | undefined> {
    const uid = randomUUID();
    const gvk = { group: req.def.group, version: req.def.version, kind: req.def.kind };
    const gvr = { group: req.def.group, version: req.def.version, resource: req.def.plural };
    const review = {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: {
        uid,
        kind: gvk,
        resource: gvr,
        requestKind: gvk,
        requestResource: gvr,
        ...(req.subresource ? { subResource: req.subresource } : {}),
        name: req.name,
        ...(req.namespace ? { namespace: req.namespace } : {}),
        operation: req.operation,
        userInfo: { username: 'fake-admin', groups: ['system:masters', 'system:authenticated'] },
        object: req.object ?? null,
        oldObject: req.oldObject ?? null,
        dryRun: req.dryRun,
        options: {
          apiVersion: 'meta.k8s.io/v1',
          kind: req.operation === 'CREATE' ? 'CreateOptions' : req.operation === 'UPDATE' ? 'UpdateOptions' : 'DeleteOptions',
        },
      },
    };
    let response: Record<string, unknown>;
    try {
      const url = this.#url(hook);
      const ca = hook.clientConfig?.caBundle ? Buffer.from(hook.clientConfig.caBundle, 'base64') : undefined;
      const text = await post(url, JSON.stringify(review), ca, (hook.timeoutSeconds ?? 10) * 1000);
      const parsed = JSON.parse(text) as { response?: Record<string, unknown> };
      if (!parsed.response) throw new Error('the AdmissionReview has no response');
      if (parsed.response.uid !== uid) throw new Error(`expected response.uid="${uid}", got "${String(parsed.response.uid)}"`);
      response = parsed.response;
    } catch (err) {
      if (hook.failurePolicy === 'Ignore') return undefined;
      throw new ApiError(500, 'InternalError', `Internal error occurred: failed calling webhook "${hook.name}": ${errorMessage(err)}`);
    }
    if (response.allowed !== true) {
      const status = (isPlainObject(response.status) ? response.status : {}) as { code?: number; message?: string; reason?: string };
      const code = status.code && status.code >= 400 ? status.code : 400;
      throw new ApiError(
        code,
        status.reason ?? '',
        `admission webhook "${hook.name}" denied the request${status.message ? `: ${status.message}` : ' without explanation'}`,
      );
    }
    return response;
  }

  #url(hook: Webhook): URL {
    const cc = hook.clientConfig ?? {};
    if (cc.url) return new URL(cc.url);
    if (cc.service) {
      const base = this.#resolve()?.({ namespace: cc.service.namespace, name: cc.service.name, port: cc.service.port ?? 443 });
      if (!base)
        throw new Error(
          `service "${cc.service.namespace}/${cc.service.name}" cannot be reached from the fake API server (register hooks.resolveService)`,
        );
      return new URL((cc.service.path ?? '/').replace(/^\/?/, '/'), base);
    }
    throw new Error('webhook clientConfig has neither url nor service');
  }
}
