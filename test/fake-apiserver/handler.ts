/**
 * @module fake-apiserver/handler
 * HTTP handling of the Kubernetes REST API over the store: path parsing, discovery, get/list/watch,
 * create, update, patch (merge, strategic-as-merge, JSON patch, apply), delete and deletecollection,
 * status subresource, request counters and test hooks.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import fastJsonPatch from 'fast-json-patch';
import { parse as parseYaml } from 'yaml';
import type { Admission, AdmissionRequest } from './admission.js';
import type { FakeAuth } from './auth.js';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, versionInfo } from './discovery.js';
import { mergePatch, isPlainObject } from './merge-patch.js';
import { apiVersionOf } from './registry.js';
import { matchFields, matchLabels, parseFieldSelector, parseLabelSelector, supportedFields } from './selectors.js';
import { ApiError, badRequest, statusObject } from './status.js';
import { resourceKey, type Store } from './store.js';
import type { FakeRequestInfo, FakeWriteVerb, InjectedFailure, ResourceDef, StoredObject } from './types.js';
import { watcherMatches } from './watch-hub.js';
import { SCALABLE, handleScale, handleEviction } from './subresources.js';
import { errorMessage } from '../../src/core/errors.js';

/** Parsed resource URL. */
export interface ResourcePath {
  group: string;
  version: string;
  namespace?: string;
  plural: string;
  name?: string;
  subresource?: string;
}

/** Splits `/api/v1/...` or `/apis/g/v/...` into its parts; undefined for non-resource paths. Pure. */
export function parseResourcePath(
  pathname: string,
  isNamespaced: (group: string, version: string, plural: string) => boolean,
): ResourcePath | undefined {
  const segs = pathname
    .split('/')
    .filter((s) => s !== '')
    .map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === 'api' && segs.length >= 3) {
    group = '';
    version = segs[1];
    rest = segs.slice(2);
  } else if (segs[0] === 'apis' && segs.length >= 4) {
    group = segs[1];
    version = segs[2];
    rest = segs.slice(3);
  } else return undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && isNamespaced(group, version, rest[2])) {
    return { group, version, namespace: rest[1], plural: rest[2], name: rest[3], subresource: rest[4] };
  }
  return { group, version, plural: rest[0], name: rest[1], subresource: rest[2] };
}

/** Shared mutable state of the server that the handler updates. */
export interface HandlerState {
  store: Store;
  requests: Record<FakeWriteVerb, number>;
  hooks: Set<(req: FakeRequestInfo) => InjectedFailure | undefined>;
  openWatches: Set<() => void>;
  address: () => string;
  maxBodyBytes: number;
  bookmarkIntervalMs: number;
  admission: Admission;
  auth: FakeAuth;
}

const JSON_HEADERS = { 'Content-Type': 'application/json' };

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { ...JSON_HEADERS, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new ApiError(413, 'RequestEntityTooLarge', `the request body is larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(text: string, yamlAllowed: boolean): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    if (!yamlAllowed) throw badRequest('the body of the request was in an unknown format - accepted media types are application/json');
    try {
      return parseYaml(text);
    } catch (err) {
      throw badRequest(`error decoding YAML: ${errorMessage(err)}`);
    }
  }
}

function managerOf(query: URLSearchParams, req: IncomingMessage): string {
  const m = query.get('fieldManager');
  if (m) return m;
  const ua = req.headers['user-agent'] ?? '';
  return ua.split('/')[0] || 'unknown';
}

/** Serves one request. */
export async function handleRequest(state: HandlerState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    await route(state, req, res);
  } catch (err) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (err instanceof ApiError) send(res, err.code, err.toStatus());
    else send(res, 500, statusObject(500, 'InternalError', `Internal error occurred: ${errorMessage(err)}`));
  }
}

async function route(state: HandlerState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const { store } = state;
  const p = url.pathname.replace(/\/+$/, '') || '/';
  const user = state.auth.authenticate(req, p);
  if (req.method === 'GET') {
    if (p === '/version') return send(res, 200, versionInfo());
    if (p === '/healthz' || p === '/readyz' || p === '/livez') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      return void res.end('ok');
    }
    if (p === '/api') return send(res, 200, apiVersions(state.address()));
    if (p === '/apis') return send(res, 200, apiGroupList(store.registry));
    const g = p.match(/^\/apis\/([^/]+)$/);
    if (g) {
      const doc = apiGroup(store.registry, g[1]);
      return doc ? send(res, 200, doc) : send(res, 404, statusObject(404, 'NotFound', 'the server could not find the requested resource'));
    }
    const gv = p.match(/^\/api\/(v1)$/) ?? p.match(/^\/apis\/([^/]+)\/([^/]+)$/);
    if (gv) {
      const doc = p.startsWith('/api/') ? apiResourceList(store.registry, '', gv[1]) : apiResourceList(store.registry, gv[1], gv[2]);
      return doc ? send(res, 200, doc) : send(res, 404, statusObject(404, 'NotFound', 'the server could not find the requested resource'));
    }
  }
  const rp = parseResourcePath(p, (group, version, plural) => store.registry.byPath(group, version, plural)?.namespaced === true);
  const def = rp && store.registry.byPath(rp.group, rp.version, rp.plural);
  if (!rp || !def) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  if (rp.subresource === 'scale' && rp.name && SCALABLE.has(`${def.group}/${def.plural}`)) {
    const text = req.method === 'GET' ? '' : await readBody(req, state.maxBodyBytes);
    return send(
      res,
      200,
      handleScale(
        store,
        def,
        rp.namespace,
        rp.name,
        req.method ?? 'GET',
        req.headers['content-type'] ?? '',
        parseBody(text, false),
        managerOf(url.searchParams, req),
      ),
    );
  }
  if (rp.subresource === 'eviction' && rp.name && rp.namespace && def.group === '' && def.plural === 'pods' && req.method === 'POST') {
    return send(res, 201, handleEviction(store, def, rp.namespace, rp.name, parseBody(await readBody(req, state.maxBodyBytes), false)));
  }
  if (rp.subresource && (rp.subresource !== 'status' || !def.statusSubresource))
    throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  if (!def.namespaced && rp.namespace) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  const q = url.searchParams;
  const verb = verbOf(req.method ?? 'GET', rp, q, req.headers['content-type']);
  if (!verb) throw new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
  if (def.namespaced && !rp.namespace && verb !== 'list' && verb !== 'watch') {
    if (verb === 'create' || verb === 'deletecollection')
      throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  }
  const info: FakeRequestInfo = {
    verb,
    group: rp.group,
    version: rp.version,
    plural: rp.plural,
    namespace: rp.namespace,
    name: rp.name,
    subresource: rp.subresource,
    query: q,
    user,
  };
  state.auth.authorize(info);
  if (verb !== 'get' && verb !== 'list' && verb !== 'watch') state.requests[verb]++;
  for (const hook of state.hooks) {
    const failure = hook(info);
    if (failure) throw new ApiError(failure.code, failure.reason, failure.message ?? failure.reason);
  }
  const dryRun = q.get('dryRun') === 'All';
  if (q.get('dryRun') !== null && !dryRun) throw badRequest(`dryRun: Unsupported value: "${q.get('dryRun')}": supported values: "All"`);
  const sub = rp.subresource === 'status' ? 'status' : '';
  const manager = managerOf(q, req);
  switch (verb) {
    case 'get':
      return send(res, 200, store.get(def, rp.namespace, rp.name!));
    case 'list':
      return send(res, 200, list(store, def, rp.namespace, q));
    case 'watch':
      return watch(state, def, rp.namespace, q, req, res);
    case 'create': {
      const body = await objectBody(state, req, false);
      const meta = (isPlainObject(body.metadata) ? body.metadata : {}) as Record<string, unknown>;
      if (def.namespaced) {
        if (meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== rp.namespace) {
          throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
        }
        body.metadata = { ...meta, namespace: rp.namespace };
      }
      checkKind(def, body);
      const opts = { manager };
      return send(res, 201, await admitted(state, def, rp, sub, dryRun, opts, () => store.create(def, body, opts)));
    }
    case 'update': {
      const body = await objectBody(state, req, false);
      checkKind(def, body);
      checkNamespace(def, body, rp.namespace);
      const opts = { manager, subresource: sub } as const;
      return send(res, 200, await admitted(state, def, rp, sub, dryRun, opts, () => store.update(def, rp.namespace, rp.name!, body, opts)));
    }
    case 'patch':
    case 'apply':
      return patch(state, def, rp, verb, q, req, res, sub, dryRun);
    case 'delete': {
      const text = await readBody(req, state.maxBodyBytes);
      const opts = (parseBody(text, false) ?? {}) as {
        propagationPolicy?: string;
        preconditions?: { resourceVersion?: string; uid?: string };
        orphanDependents?: boolean;
      };
      const policy = opts.propagationPolicy ?? q.get('propagationPolicy') ?? (opts.orphanDependents ? 'Orphan' : undefined);
      if (policy !== undefined && !['Background', 'Foreground', 'Orphan'].includes(policy)) {
        throw new ApiError(
          422,
          'Invalid',
          `propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`,
        );
      }
      if (state.admission.active()) {
        const current = store.get(def, rp.namespace, rp.name!);
        await state.admission.validate({ ...admissionBase(state, def, rp, sub, dryRun), operation: 'DELETE', oldObject: current });
      }
      if (dryRun) return send(res, 200, store.get(def, rp.namespace, rp.name!));
      const result = store.delete(def, rp.namespace, rp.name!, { propagationPolicy: policy, preconditions: opts.preconditions });
      const gone = (() => {
        try {
          store.get(def, rp.namespace, rp.name!);
          return false;
        } catch {
          return true;
        }
      })();
      return send(res, gone ? 200 : 202, result);
    }
    case 'deletecollection': {
      const items = selectObjects(store, def, rp.namespace, q);
      const deleted = items.map((o) => store.delete(def, o.metadata.namespace, o.metadata.name, {}));
      return send(res, 200, { kind: def.listKind, apiVersion: apiVersionOf(def), metadata: { resourceVersion: String(store.rv) }, items: deleted });
    }
  }
}

function verbOf(method: string, rp: ResourcePath, q: URLSearchParams, contentType: string | undefined): FakeRequestInfo['verb'] | undefined {
  const isWatch = q.get('watch') === 'true' || q.get('watch') === '1';
  switch (method) {
    case 'GET':
      return rp.name === undefined ? (isWatch ? 'watch' : 'list') : 'get';
    case 'POST':
      return rp.name === undefined ? 'create' : undefined;
    case 'PUT':
      return rp.name === undefined ? undefined : 'update';
    case 'PATCH':
      return rp.name === undefined ? undefined : (contentType ?? '').startsWith('application/apply-patch') ? 'apply' : 'patch';
    case 'DELETE':
      return rp.name === undefined ? 'deletecollection' : 'delete';
    default:
      return undefined;
  }
}

async function objectBody(state: HandlerState, req: IncomingMessage, yaml: boolean): Promise<Record<string, unknown>> {
  const body = parseBody(await readBody(req, state.maxBodyBytes), yaml);
  if (!isPlainObject(body)) throw badRequest('the request body must be a JSON object');
  return body;
}

function checkKind(def: ResourceDef, body: Record<string, unknown>): void {
  if (body.kind !== undefined && body.kind !== def.kind)
    throw badRequest(`the kind of the object (${String(body.kind)}) does not match the resource (${def.kind})`);
  if (body.apiVersion !== undefined && body.apiVersion !== apiVersionOf(def)) {
    throw badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${apiVersionOf(def)})`);
  }
}

function checkNamespace(def: ResourceDef, body: Record<string, unknown>, namespace: string | undefined): void {
  const meta = isPlainObject(body.metadata) ? body.metadata : {};
  if (def.namespaced && meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
}

function admissionBase(state: HandlerState, def: ResourceDef, rp: ResourcePath, sub: string, dryRun: boolean): Omit<AdmissionRequest, 'operation'> {
  let namespaceLabels: Record<string, string> | undefined;
  if (def.namespaced && rp.namespace) {
    try {
      namespaceLabels = state.store.get(state.store.def('v1', 'Namespace'), undefined, rp.namespace).metadata.labels;
    } catch {
      namespaceLabels = undefined;
    }
  }
  return { def, subresource: sub, name: rp.name ?? '', namespace: rp.namespace, dryRun, namespaceLabels };
}

/**
 * Runs a create/update/patch/apply: directly when no webhook is registered and it is not a dry run;
 * otherwise previews the result, passes it through mutating and validating webhooks, and commits the
 * admitted object only if the stored object did not change meanwhile (409 otherwise).
 */
async function admitted(
  state: HandlerState,
  def: ResourceDef,
  rp: ResourcePath,
  sub: '' | 'status',
  dryRun: boolean,
  opts: { manager: string; subresource?: '' | 'status' },
  write: () => StoredObject,
): Promise<StoredObject> {
  const { store, admission } = state;
  if (!admission.active() && !dryRun) return write();
  const candidate = store.preview(write);
  const name = candidate.metadata.name;
  let old: StoredObject | undefined;
  try {
    old = store.get(def, candidate.metadata.namespace, name);
  } catch {
    old = undefined;
  }
  const base = { ...admissionBase(state, def, rp, sub, dryRun), name };
  const operation = old ? ('UPDATE' as const) : ('CREATE' as const);
  let object: Record<string, unknown> = candidate;
  if (admission.active()) {
    object = (await admission.mutate({ ...base, operation, object: candidate, oldObject: old })) ?? candidate;
    await admission.validate({ ...base, operation, object, oldObject: old });
  }
  if (dryRun) return object as StoredObject;
  return store.commitCandidate(def, candidate, object, opts, old?.metadata.resourceVersion);
}

async function patch(
  state: HandlerState,
  def: ResourceDef,
  rp: ResourcePath,
  verb: 'patch' | 'apply',
  q: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
  sub: '' | 'status',
  dryRun: boolean,
): Promise<void> {
  const ct = (req.headers['content-type'] ?? '').split(';')[0].trim();
  const manager = q.get('fieldManager');
  const force = q.get('force');
  const { store } = state;
  if (verb === 'apply') {
    if (!manager)
      throw new ApiError(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    const body = await objectBody(state, req, true);
    const existed = (() => {
      try {
        store.get(def, rp.namespace, rp.name!);
        return true;
      } catch {
        return false;
      }
    })();
    const opts = { manager, subresource: sub, force: force === 'true' };
    const out = await admitted(state, def, rp, sub, dryRun, opts, () => store.apply(def, rp.namespace, rp.name!, body, opts));
    return send(res, existed ? 200 : 201, out);
  }
  if (force !== null)
    throw new ApiError(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch');
  const body = parseBody(await readBody(req, state.maxBodyBytes), false);
  const opts = { manager: managerOf(q, req), subresource: sub };
  if (ct === 'application/json-patch+json') {
    if (!Array.isArray(body)) throw badRequest('a JSON patch must be an array of operations');
    return send(
      res,
      200,
      await admitted(state, def, rp, sub, dryRun, opts, () =>
        store.patch(def, rp.namespace, rp.name!, (current) => applyJsonPatch(current, body), opts),
      ),
    );
  }
  if (ct === 'application/merge-patch+json' || ct === 'application/strategic-merge-patch+json') {
    if (!isPlainObject(body)) throw badRequest('a merge patch must be a JSON object');
    return send(
      res,
      200,
      await admitted(state, def, rp, sub, dryRun, opts, () =>
        store.patch(def, rp.namespace, rp.name!, (current) => mergePatch(current, body) as Record<string, unknown>, opts),
      ),
    );
  }
  throw new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`,
  );
}

function applyJsonPatch(doc: Record<string, unknown>, ops: unknown[]): Record<string, unknown> {
  try {
    const err = fastJsonPatch.validate(ops as fastJsonPatch.Operation[], doc);
    if (err) throw err;
    return fastJsonPatch.applyPatch(doc, ops as fastJsonPatch.Operation[], false, false).newDocument;
  } catch (err) {
    const e = err as { name?: string; message?: string };
    if (e.name === 'TEST_OPERATION_FAILED')
      throw new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request: testing value failed');
    throw new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: ${e.message ?? String(err)}`);
  }
}

function selectObjects(store: Store, def: ResourceDef, namespace: string | undefined, q: URLSearchParams): StoredObject[] {
  const labels = parseLabelSelector(q.get('labelSelector') ?? '');
  const fields = parseFieldSelector(q.get('fieldSelector') ?? '', supportedFields(def.kind));
  return store.list(def, namespace, (o) => matchLabels(labels, o.metadata.labels) && matchFields(fields, o));
}

interface ContinueToken {
  rv: number;
  after: string;
}

function list(store: Store, def: ResourceDef, namespace: string | undefined, q: URLSearchParams): Record<string, unknown> {
  let items = selectObjects(store, def, namespace, q);
  let rv = store.rv;
  const cont = q.get('continue');
  if (cont) {
    let token: ContinueToken;
    try {
      token = JSON.parse(Buffer.from(cont, 'base64url').toString('utf8')) as ContinueToken;
    } catch {
      throw badRequest('continue key is not valid');
    }
    if (token.rv < store.hub.compactedRv)
      throw new ApiError(
        410,
        'Expired',
        'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
      );
    rv = token.rv;
    items = items.filter((o) => keyOf(o) > token.after);
  }
  const limit = Number(q.get('limit') ?? 0);
  const metadata: Record<string, unknown> = { resourceVersion: String(rv) };
  if (limit > 0 && items.length > limit) {
    const rest = items.length - limit;
    items = items.slice(0, limit);
    metadata.continue = Buffer.from(JSON.stringify({ rv, after: keyOf(items[items.length - 1]) })).toString('base64url');
    metadata.remainingItemCount = rest;
  }
  const out = def.custom ? items : items.map(({ apiVersion: _a, kind: _k, ...rest }) => rest);
  return { kind: def.listKind, apiVersion: apiVersionOf(def), metadata, items: out };
}

function keyOf(o: StoredObject): string {
  return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name;
}

function watch(
  state: HandlerState,
  def: ResourceDef,
  namespace: string | undefined,
  q: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const { store } = state;
  const labels = parseLabelSelector(q.get('labelSelector') ?? '');
  const fields = parseFieldSelector(q.get('fieldSelector') ?? '', supportedFields(def.kind));
  const rvParam = q.get('resourceVersion') ?? '';
  const apiVersion = apiVersionOf(def);
  const scope = { namespace: def.namespaced ? namespace : undefined, labels, fields };
  res.writeHead(200, { ...JSON_HEADERS, 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  const write = (type: string, object: unknown): void => {
    if (!res.writableEnded) res.write(JSON.stringify({ type, object }) + '\n');
  };
  const out = (o: StoredObject): StoredObject => ({ ...o, apiVersion });
  let closed = false;
  let unregister = (): void => {};
  let timeout: NodeJS.Timeout | undefined;
  let bookmarks: NodeJS.Timeout | undefined;
  const close = (): void => {
    if (closed) return;
    closed = true;
    unregister();
    state.openWatches.delete(close);
    if (timeout) clearTimeout(timeout);
    if (bookmarks) clearInterval(bookmarks);
    if (!res.writableEnded) res.end();
  };
  state.openWatches.add(close);
  req.on('close', close);
  res.on('close', close);
  if (rvParam === '' || rvParam === '0') {
    for (const o of store.list(def, scope.namespace, (x) => watcherMatches(scope, x))) write('ADDED', out(o));
  } else {
    const rv = Number(rvParam);
    if (!Number.isInteger(rv) || rv < 0) {
      write('ERROR', statusObject(400, 'BadRequest', `invalid resource version: ${rvParam}`));
      return close();
    }
    const events = store.hub.since(resourceKey(def), rv);
    if (!events) {
      write('ERROR', statusObject(410, 'Expired', `too old resource version: ${rv} (${store.hub.compactedRv + 1})`));
      return close();
    }
    for (const ev of events) {
      const w = { ...scope };
      const nowMatches = watcherMatches(w, ev.object);
      const before = ev.old !== undefined && watcherMatches(w, ev.old);
      if (ev.type === 'ADDED' && nowMatches) write('ADDED', out(ev.object));
      else if (ev.type === 'DELETED' && nowMatches) write('DELETED', out(ev.object));
      else if (ev.type === 'MODIFIED') {
        if (before && nowMatches) write('MODIFIED', out(ev.object));
        else if (nowMatches) write('ADDED', out(ev.object));
        else if (before) write('DELETED', out(ev.object));
      }
    }
  }
  unregister = store.hub.add({
    resource: resourceKey(def),
    ...scope,
    send: (type, object) => write(type, structuredClone(out(object))),
    close,
  });
  const seconds = Number(q.get('timeoutSeconds') ?? 0);
  if (seconds > 0) {
    timeout = setTimeout(close, seconds * 1000);
    timeout.unref();
  }
  if (q.get('allowWatchBookmarks') === 'true') {
    bookmarks = setInterval(
      () => write('BOOKMARK', { kind: def.kind, apiVersion, metadata: { resourceVersion: String(store.rv) } }),
      state.bookmarkIntervalMs,
    );
    bookmarks.unref();
  }
}
