/**
 * @module fake-apiserver/store
 * The object store and its write semantics: a global resourceVersion, uid and creationTimestamp,
 * generation bumped on spec changes, the status subresource split, optimistic concurrency (409 on a
 * stale resourceVersion), field ownership, finalizers and deletionTimestamp, ownerReference garbage
 * collection (background, foreground, orphan), namespace deletion, and CRDs that register and
 * unregister resources. A write that changes nothing does not bump the resourceVersion.
 */
import { randomUUID } from 'node:crypto';
import { validateBuiltin } from './builtin-validation.js';
import { jsonEqual } from './field-paths.js';
import { listTypeResolver } from './list-types.js';
import { applyConfiguration, conflictMessage, recordUpdate, type WriteContext } from './managed-fields.js';
import { isPlainObject } from './merge-patch.js';
import { Registry, apiVersionOf, builtinResources, resourcesFromCrd } from './registry.js';
import { prepareCustomResource } from './schema.js';
import { ApiError, alreadyExists, invalid, notFound, staleConflict } from './status.js';
import type { ResourceDef, StoredObject } from './types.js';
import { WatchHub } from './watch-hub.js';

/** Who writes and how. */
export interface WriteOptions {
  manager: string;
  subresource?: '' | 'status';
}

/** Options of a delete. */
export interface DeleteRequest {
  propagationPolicy?: string;
  preconditions?: { resourceVersion?: string; uid?: string };
}

type Obj = Record<string, unknown> & { metadata?: Record<string, unknown> };

const START_RV = 1000;

/** Key of a resource: `group/plural`. */
export function resourceKey(def: Pick<ResourceDef, 'group' | 'plural'>): string {
  return `${def.group}/${def.plural}`;
}

function objKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The in-memory state of the fake API server. */
export class Store {
  readonly registry = new Registry(builtinResources());
  readonly hub: WatchHub;
  /** Writes that changed state. */
  changes = 0;
  readonly #objects = new Map<string, Map<string, StoredObject>>();
  readonly #byUid = new Map<string, { resource: string; key: string }>();
  #rv = START_RV;
  #dryRun = false;

  constructor(eventLogSize: number) {
    this.hub = new WatchHub(eventLogSize, START_RV);
    for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      this.create(this.def('v1', 'Namespace'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, { manager: 'kube-apiserver' });
    }
    this.changes = 0;
  }

  /** The latest resourceVersion. */
  get rv(): number {
    return this.#rv;
  }

  /** A served resource by apiVersion/kind (throws 404 when not served). */
  def(apiVersion: string, kind: string): ResourceDef {
    const d = this.registry.byKind(apiVersion, kind);
    if (!d) throw new ApiError(404, 'NotFound', `the server could not find the requested resource (${kind} ${apiVersion})`);
    return d;
  }

  #bucket(def: ResourceDef): Map<string, StoredObject> {
    const key = resourceKey(def);
    let b = this.#objects.get(key);
    if (!b) {
      b = new Map();
      this.#objects.set(key, b);
    }
    return b;
  }

  /** Reads an object (a copy, with the requested version's apiVersion). */
  get(def: ResourceDef, namespace: string | undefined, name: string): StoredObject {
    const o = this.#bucket(def).get(objKey(def.namespaced ? namespace : undefined, name));
    if (!o) throw notFound(def.plural, def.group, name);
    return this.#out(def, o);
  }

  /**
   * Lists objects of a resource (copies), optionally in one namespace and only those `keep`
   * accepts, sorted by namespace/name.
   */
  list(def: ResourceDef, namespace?: string, keep: (o: StoredObject) => boolean = () => true): StoredObject[] {
    const out: StoredObject[] = [];
    for (const o of this.#bucket(def).values()) {
      if (namespace && def.namespaced && o.metadata.namespace !== namespace) continue;
      if (keep(o)) out.push(o);
    }
    out.sort((a, b) => objKey(a.metadata.namespace, a.metadata.name).localeCompare(objKey(b.metadata.namespace, b.metadata.name)));
    return out.map((o) => this.#out(def, o));
  }

  /** Objects in a bucket without copying (read-only use). */
  *raw(def: ResourceDef): Iterable<StoredObject> {
    yield* this.#bucket(def).values();
  }

  #out(def: ResourceDef, o: StoredObject): StoredObject {
    const copy = structuredClone(o);
    copy.apiVersion = apiVersionOf(def);
    return copy;
  }

  /** Number of stored objects. */
  size(): number {
    let n = 0;
    for (const b of this.#objects.values()) n += b.size;
    return n;
  }

  #ctx(def: ResourceDef, opts: WriteOptions): WriteContext {
    return {
      manager: opts.manager,
      subresource: opts.subresource ?? '',
      statusSeparate: def.statusSubresource,
      resolve: listTypeResolver(def),
      apiVersion: apiVersionOf(def),
      now: now(),
    };
  }

  #checkNamespace(def: ResourceDef, namespace: string | undefined, name: string): void {
    if (!def.namespaced) return;
    if (!namespace) throw new ApiError(400, 'BadRequest', `a ${def.kind} needs a namespace`);
    const ns = this.#objects.get('/namespaces')?.get(namespace);
    if (!ns) throw notFound('namespaces', '', namespace);
    if (ns.metadata.deletionTimestamp) {
      throw new ApiError(
        403,
        'Forbidden',
        `${def.plural} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
      );
    }
  }

  /** POST: creates an object. */
  create(def: ResourceDef, input: Obj, opts: WriteOptions, managedFields?: unknown[]): StoredObject {
    const meta = { ...(isPlainObject(input.metadata) ? input.metadata : {}) } as Record<string, unknown>;
    let name = typeof meta.name === 'string' ? meta.name : '';
    if (!name && typeof meta.generateName === 'string' && meta.generateName) name = meta.generateName + randomUUID().slice(0, 5);
    if (!name)
      throw invalid(def.kind, def.group, '', [
        { field: 'metadata.name', message: 'Required value: name or generateName is required', reason: 'FieldValueRequired' },
      ]);
    validateName(def, name);
    const namespace = def.namespaced ? (meta.namespace as string | undefined) : undefined;
    this.#checkNamespace(def, namespace, name);
    if (this.#bucket(def).has(objKey(namespace, name))) throw alreadyExists(def.plural, def.group, name);
    const obj = structuredClone(input) as Obj;
    const m = { ...meta, name } as Record<string, unknown>;
    delete m.generateName;
    if (namespace) m.namespace = namespace;
    else delete m.namespace;
    for (const k of [
      'uid',
      'resourceVersion',
      'creationTimestamp',
      'deletionTimestamp',
      'deletionGracePeriodSeconds',
      'generation',
      'managedFields',
      'selfLink',
    ])
      delete m[k];
    obj.metadata = m;
    obj.apiVersion = apiVersionOf(def);
    obj.kind = def.kind;
    this.#prepareCreate(def, obj);
    if (def.custom) prepareCustomResource(def, obj);
    else this.#validate(def, obj, undefined, name);
    const ctx = this.#ctx(def, opts);
    m.managedFields = managedFields ?? recordUpdate(undefined, obj, { ...ctx, subresource: '' });
    if (!(m.managedFields as unknown[]).length) delete m.managedFields;
    m.uid = randomUUID();
    m.creationTimestamp = ctx.now;
    if (def.generation) m.generation = 1;
    return this.#commit(def, undefined, obj as StoredObject);
  }

  #prepareCreate(def: ResourceDef, obj: Obj): void {
    if (def.statusSubresource && !(def.group === '' && (def.kind === 'Node' || def.kind === 'Namespace'))) delete obj.status;
    if (def.group === '' && def.kind === 'Namespace') obj.status = { phase: 'Active' };
    if (def.group === '' && def.kind === 'Pod') obj.status = { phase: 'Pending' };
    if (def.group === 'apiextensions.k8s.io' && def.kind === 'CustomResourceDefinition') this.#validateCrd(obj);
  }

  /** PUT: replaces an object (or its status). 409 when metadata.resourceVersion is stale. */
  update(def: ResourceDef, namespace: string | undefined, name: string, input: Obj, opts: WriteOptions): StoredObject {
    const old = this.#bucket(def).get(objKey(def.namespaced ? namespace : undefined, name));
    if (!old) throw notFound(def.plural, def.group, name);
    const meta = (isPlainObject(input.metadata) ? input.metadata : {}) as Record<string, unknown>;
    if (meta.name !== undefined && meta.name !== name)
      throw new ApiError(400, 'BadRequest', `the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`);
    const rv = meta.resourceVersion;
    if (rv === undefined || rv === '') {
      if (def.custom) {
        throw invalid(def.kind, def.group, name, [
          { field: 'metadata.resourceVersion', message: 'Invalid value: 0x0: must be specified for an update' },
        ]);
      }
    } else if (String(rv) !== old.metadata.resourceVersion) {
      throw staleConflict(def.plural, def.group, name);
    }
    return this.#replace(def, old, structuredClone(input), opts, undefined);
  }

  /** Replaces `old` by `candidate` (the result of a PUT or a non-apply patch): the common write path. */
  #replace(def: ResourceDef, old: StoredObject, candidate: Obj, opts: WriteOptions, managedFields: unknown[] | undefined): StoredObject {
    const sub = opts.subresource ?? '';
    let next: Obj;
    if (sub === 'status') {
      next = structuredClone(old) as Obj;
      if (candidate.status === undefined) delete next.status;
      else next.status = candidate.status;
    } else {
      next = candidate;
      const inMeta = (isPlainObject(candidate.metadata) ? candidate.metadata : {}) as Record<string, unknown>;
      const meta: Record<string, unknown> = { ...inMeta };
      for (const k of [
        'name',
        'namespace',
        'uid',
        'creationTimestamp',
        'deletionTimestamp',
        'deletionGracePeriodSeconds',
        'generation',
        'resourceVersion',
        'managedFields',
      ]) {
        if (old.metadata[k] === undefined) delete meta[k];
        else meta[k] = old.metadata[k];
      }
      if (Array.isArray(meta.finalizers) && meta.finalizers.length === 0) delete meta.finalizers;
      next.metadata = meta;
      if (def.statusSubresource) {
        if (old.status === undefined) delete next.status;
        else next.status = structuredClone(old.status);
      }
      if (def.custom) prepareCustomResource(def, next);
      else this.#validate(def, next, old, old.metadata.name);
      if (def.group === 'apiextensions.k8s.io' && def.kind === 'CustomResourceDefinition') {
        this.#validateCrd(next);
        next.status = old.status;
      }
    }
    next.apiVersion = apiVersionOf(def);
    next.kind = def.kind;
    const m = next.metadata as Record<string, unknown>;
    if (managedFields) m.managedFields = managedFields;
    else m.managedFields = recordUpdate(old, next, this.#ctx(def, opts));
    if (!(m.managedFields as unknown[]).length) delete m.managedFields;
    if (def.generation && this.#specChanged(def, old, next)) m.generation = (old.metadata.generation ?? 0) + 1;
    m.resourceVersion = old.metadata.resourceVersion;
    if (old.metadata.deletionTimestamp && Array.isArray(m.finalizers)) {
      const added = (m.finalizers as string[]).filter((f) => !(old.metadata.finalizers ?? []).includes(f));
      if (added.length)
        throw new ApiError(
          422,
          'Invalid',
          `${def.kind} "${old.metadata.name}" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`,
        );
    }
    if (jsonEqual(old, next)) return this.#out(def, old);
    if (old.metadata.deletionTimestamp && !(m.finalizers as string[] | undefined)?.length) {
      const removed = this.#remove(def, next as StoredObject);
      this.gc();
      return removed;
    }
    const out = this.#commit(def, old, next as StoredObject);
    if (old.metadata.deletionTimestamp) this.gc();
    return out;
  }

  #validate(def: ResourceDef, obj: Obj, old: Obj | undefined, name: string): void {
    const causes = validateBuiltin(def, obj, old);
    if (causes.length) throw invalid(def.kind, def.group, name, causes);
  }

  #specChanged(def: ResourceDef, a: Obj, b: Obj): boolean {
    const strip = (o: Obj): Record<string, unknown> => {
      const { metadata: _m, status, ...rest } = o;
      return def.statusSubresource ? rest : { ...rest, status };
    };
    return !jsonEqual(strip(a), strip(b));
  }

  /** PATCH with a merge or JSON patch already applied by the caller: `patched` is the whole new object. */
  patch(def: ResourceDef, namespace: string | undefined, name: string, patchFn: (current: Obj) => Obj, opts: WriteOptions): StoredObject {
    const old = this.#bucket(def).get(objKey(def.namespaced ? namespace : undefined, name));
    if (!old) throw notFound(def.plural, def.group, name);
    const patched = patchFn(structuredClone(old) as Obj);
    const meta = (isPlainObject(patched.metadata) ? patched.metadata : {}) as Record<string, unknown>;
    if (meta.resourceVersion !== undefined && String(meta.resourceVersion) !== old.metadata.resourceVersion)
      throw staleConflict(def.plural, def.group, name);
    if (meta.name !== undefined && meta.name !== name) throw new ApiError(400, 'BadRequest', 'metadata.name cannot be changed by a patch');
    return this.#replace(def, old, patched, opts, undefined);
  }

  /** PATCH application/apply-patch+yaml: server-side apply (creates the object when absent). */
  apply(def: ResourceDef, namespace: string | undefined, name: string, applied: Obj, opts: WriteOptions & { force: boolean }): StoredObject {
    const meta = (isPlainObject(applied.metadata) ? applied.metadata : {}) as Record<string, unknown>;
    if (meta.name !== undefined && meta.name !== name)
      throw new ApiError(400, 'BadRequest', `the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`);
    if (meta.managedFields !== undefined) throw new ApiError(400, 'BadRequest', 'metadata.managedFields must be nil');
    if (applied.apiVersion !== apiVersionOf(def) || applied.kind !== def.kind) {
      throw new ApiError(
        400,
        'BadRequest',
        `apiVersion/kind of the applied object (${String(applied.apiVersion)}/${String(applied.kind)}) must be ${apiVersionOf(def)}/${def.kind}`,
      );
    }
    const ns = def.namespaced ? namespace : undefined;
    const old = this.#bucket(def).get(objKey(ns, name));
    if (!old && opts.subresource === 'status') throw notFound(def.plural, def.group, name);
    const cfg: Obj = { ...applied, metadata: { ...meta, name, ...(ns ? { namespace: ns } : {}) } };
    if (old && meta.resourceVersion !== undefined && String(meta.resourceVersion) !== old.metadata.resourceVersion)
      throw staleConflict(def.plural, def.group, name);
    delete (cfg.metadata as Record<string, unknown>).resourceVersion;
    const ctx = this.#ctx(def, opts);
    const outcome = applyConfiguration(old, cfg, opts.force, ctx);
    if (outcome.conflicts) {
      throw new ApiError(409, 'Conflict', conflictMessage(outcome.conflicts), {
        name,
        group: def.group,
        kind: def.plural,
        causes: outcome.conflicts.map((c) => ({
          reason: 'FieldManagerConflict',
          message: `conflict with "${c.manager}" using ${c.apiVersion}`,
          field: c.path
            .split('\u0001')
            .map((e) => (e.startsWith('f:') ? `.${e.slice(2)}` : `[${e.slice(2)}]`))
            .join(''),
        })),
      });
    }
    const result = outcome.object;
    const managed = (result.metadata as Record<string, unknown>).managedFields as unknown[];
    if (!old) {
      // Creation through apply: the applied fields are the whole object.
      return this.create(def, result, opts, managed);
    }
    return this.#replace(def, old, result, opts, managed);
  }

  /** DELETE: removes an object, or marks it with deletionTimestamp while finalizers remain. */
  delete(def: ResourceDef, namespace: string | undefined, name: string, req: DeleteRequest): StoredObject {
    const old = this.#bucket(def).get(objKey(def.namespaced ? namespace : undefined, name));
    if (!old) throw notFound(def.plural, def.group, name);
    const pre = req.preconditions ?? {};
    if (pre.uid && pre.uid !== old.metadata.uid) {
      throw new ApiError(409, 'Conflict', `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`);
    }
    if (pre.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) {
      throw new ApiError(
        409,
        'Conflict',
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`,
      );
    }
    const result = this.#delete(def, old, req.propagationPolicy ?? 'Background');
    this.gc();
    return result;
  }

  #delete(def: ResourceDef, old: StoredObject, policy: string): StoredObject {
    if (old.metadata.deletionTimestamp) return this.#out(def, old);
    if (policy === 'Orphan') this.#orphanDependents(old.metadata.uid);
    const finalizers = [...(old.metadata.finalizers ?? [])];
    if (policy === 'Foreground' && this.#hasDependents(old.metadata.uid)) finalizers.push('foregroundDeletion');
    const isNamespace = def.group === '' && def.kind === 'Namespace';
    if (finalizers.length || isNamespace) {
      const next = structuredClone(old);
      next.metadata.deletionTimestamp = now();
      next.metadata.deletionGracePeriodSeconds = 0;
      if (finalizers.length) next.metadata.finalizers = finalizers;
      if (isNamespace) next.status = { ...(isPlainObject(next.status) ? next.status : {}), phase: 'Terminating' };
      return this.#commit(def, old, next);
    }
    return this.#remove(def, old);
  }

  #remove(def: ResourceDef, obj: StoredObject): StoredObject {
    if (this.#dryRun) return this.#out(def, obj);
    const key = objKey(obj.metadata.namespace, obj.metadata.name);
    const old = this.#bucket(def).get(key);
    this.#bucket(def).delete(key);
    this.#byUid.delete(obj.metadata.uid);
    const gone = structuredClone(obj);
    gone.metadata.resourceVersion = String(++this.#rv);
    this.changes++;
    this.hub.publish({ rv: this.#rv, resource: resourceKey(def), type: 'DELETED', object: gone, old });
    if (def.group === 'apiextensions.k8s.io' && def.kind === 'CustomResourceDefinition') this.#unregisterCrd(obj);
    return this.#out(def, gone);
  }

  #commit(def: ResourceDef, old: StoredObject | undefined, next: StoredObject): StoredObject {
    if (this.#dryRun) return this.#out(def, next);
    next.metadata.resourceVersion = String(++this.#rv);
    const key = objKey(next.metadata.namespace, next.metadata.name);
    this.#bucket(def).set(key, next);
    this.#byUid.set(next.metadata.uid, { resource: resourceKey(def), key });
    this.changes++;
    this.hub.publish({ rv: this.#rv, resource: resourceKey(def), type: old ? 'MODIFIED' : 'ADDED', object: next, old });
    if (def.group === 'apiextensions.k8s.io' && def.kind === 'CustomResourceDefinition') this.#registerCrd(def, next);
    return this.#out(def, next);
  }

  #validateCrd(obj: Obj): void {
    const spec = (obj.spec ?? {}) as { group?: string; names?: { plural?: string; kind?: string }; scope?: string; versions?: unknown[] };
    const name = String((obj.metadata as Record<string, unknown>)?.name ?? '');
    const causes: Array<{ field: string; message: string }> = [];
    if (!spec.group) causes.push({ field: 'spec.group', message: 'Required value' });
    if (!spec.names?.plural) causes.push({ field: 'spec.names.plural', message: 'Required value' });
    if (!spec.names?.kind) causes.push({ field: 'spec.names.kind', message: 'Required value' });
    if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster')
      causes.push({ field: 'spec.scope', message: 'Unsupported value: must be Namespaced or Cluster' });
    if (!Array.isArray(spec.versions) || spec.versions.length === 0) causes.push({ field: 'spec.versions', message: 'Required value' });
    if (spec.group && spec.names?.plural && name !== `${spec.names.plural}.${spec.group}`) {
      causes.push({ field: 'metadata.name', message: `Invalid value: "${name}": must be spec.names.plural+"."+spec.group` });
    }
    if (causes.length) throw invalid('CustomResourceDefinition', 'apiextensions.k8s.io', name, causes);
  }

  #registerCrd(def: ResourceDef, crd: StoredObject): void {
    if (crd.metadata.deletionTimestamp) return;
    const spec = crd.spec as { group: string; names: Record<string, unknown>; versions: Array<{ name: string; storage?: boolean }> };
    for (const r of resourcesFromCrd(crd)) this.registry.add(r);
    const status = {
      conditions: [
        { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: now() },
        {
          type: 'Established',
          status: 'True',
          reason: 'InitialNamesAccepted',
          message: 'the initial names have been accepted',
          lastTransitionTime: now(),
        },
      ],
      acceptedNames: spec.names,
      storedVersions: spec.versions.filter((v) => v.storage).map((v) => v.name),
    };
    const prev = crd.status as { conditions?: unknown[] } | undefined;
    if (!prev?.conditions) {
      const next = structuredClone(crd);
      next.status = status;
      this.#commit(def, crd, next);
    }
  }

  #unregisterCrd(crd: StoredObject): void {
    const spec = crd.spec as { group: string; names: { plural: string } };
    const versions = this.registry.all().filter((d) => d.group === spec.group && d.plural === spec.names.plural);
    const first = versions[0];
    if (first) for (const o of [...this.#bucket(first).values()]) this.#remove(first, o);
    this.registry.removeGroupResource(spec.group, spec.names.plural);
    this.hub.closeResource(`${spec.group}/${spec.names.plural}`);
  }

  #allObjects(): Array<{ def: ResourceDef; obj: StoredObject }> {
    const out: Array<{ def: ResourceDef; obj: StoredObject }> = [];
    const defs = new Map<string, ResourceDef>();
    for (const d of this.registry.all()) if (!defs.has(resourceKey(d))) defs.set(resourceKey(d), d);
    for (const [key, bucket] of this.#objects) {
      const def = defs.get(key);
      if (!def) continue;
      for (const obj of bucket.values()) out.push({ def, obj });
    }
    return out;
  }

  #hasDependents(uid: string): boolean {
    return this.#allObjects().some(({ obj }) => obj.metadata.ownerReferences?.some((r) => r.uid === uid));
  }

  #orphanDependents(uid: string): void {
    for (const { def, obj } of this.#allObjects()) {
      if (!obj.metadata.ownerReferences?.some((r) => r.uid === uid)) continue;
      const next = structuredClone(obj);
      next.metadata.ownerReferences = obj.metadata.ownerReferences.filter((r) => r.uid !== uid);
      if (!next.metadata.ownerReferences.length) delete next.metadata.ownerReferences;
      this.#commit(def, obj, next);
    }
  }

  /**
   * Garbage collection to a fixed point: dependents whose owners are all gone (or being deleted in
   * the foreground) are deleted; foreground-deleted owners lose their finalizer once no dependent is
   * left; terminating namespaces are emptied and then removed.
   */
  gc(): void {
    if (this.#dryRun) return;
    for (let round = 0; round < 100; round++) {
      let changed = false;
      const all = this.#allObjects();
      for (const { def, obj } of all) {
        if (this.#bucket(def).get(objKey(obj.metadata.namespace, obj.metadata.name)) !== obj) continue;
        const refs = obj.metadata.ownerReferences;
        if (refs?.length && !obj.metadata.deletionTimestamp) {
          const ownersLeft = refs.filter((r) => {
            const at = this.#byUid.get(r.uid);
            if (!at) return false;
            const owner = this.#objects.get(at.resource)?.get(at.key);
            return !!owner && !owner.metadata.finalizers?.includes('foregroundDeletion');
          });
          if (ownersLeft.length === 0) {
            const foreground = refs.some((r) => {
              const at = this.#byUid.get(r.uid);
              return at && this.#objects.get(at.resource)?.get(at.key)?.metadata.finalizers?.includes('foregroundDeletion');
            });
            this.#delete(def, obj, foreground ? 'Foreground' : 'Background');
            changed = true;
          }
        }
        if (obj.metadata.deletionTimestamp && obj.metadata.finalizers?.includes('foregroundDeletion') && !this.#hasDependents(obj.metadata.uid)) {
          const current = this.#bucket(def).get(objKey(obj.metadata.namespace, obj.metadata.name));
          if (current) {
            const rest = current.metadata.finalizers!.filter((f) => f !== 'foregroundDeletion');
            if (rest.length) {
              const next = structuredClone(current);
              next.metadata.finalizers = rest;
              this.#commit(def, current, next);
            } else this.#remove(def, current);
            changed = true;
          }
        }
      }
      for (const ns of [...(this.#objects.get('/namespaces')?.values() ?? [])]) {
        if (!ns.metadata.deletionTimestamp) continue;
        const contents = this.#allObjects().filter(({ def, obj }) => def.namespaced && obj.metadata.namespace === ns.metadata.name);
        for (const { def, obj } of contents) {
          if (!obj.metadata.deletionTimestamp) {
            this.#delete(def, obj, 'Background');
            changed = true;
          }
        }
        const remaining = this.#allObjects().some(({ def, obj }) => def.namespaced && obj.metadata.namespace === ns.metadata.name);
        if (!remaining && !ns.metadata.finalizers?.length) {
          this.#remove(this.def('v1', 'Namespace'), ns);
          changed = true;
        }
      }
      if (!changed) return;
    }
  }

  /** Runs a write without committing it: returns the object it would store (for admission and dryRun). */
  preview(write: () => StoredObject): StoredObject {
    this.#dryRun = true;
    try {
      return write();
    } finally {
      this.#dryRun = false;
    }
  }

  /**
   * Commits an object a previewed write produced (possibly changed by mutating webhooks, whose
   * changes are attributed to the writer), provided the stored object is still at `expectedRv`.
   */
  commitCandidate(def: ResourceDef, candidate: StoredObject, admitted: Obj, opts: WriteOptions, expectedRv: string | undefined): StoredObject {
    const name = candidate.metadata.name;
    const ns = def.namespaced ? candidate.metadata.namespace : undefined;
    const old = this.#bucket(def).get(objKey(ns, name));
    if (old?.metadata.resourceVersion !== expectedRv) throw staleConflict(def.plural, def.group, name);
    let managed = candidate.metadata.managedFields as unknown[] | undefined;
    if (!jsonEqual(candidate, admitted)) managed = recordUpdate(candidate, admitted, this.#ctx(def, opts));
    if (!old) return this.create(def, admitted, opts, managed ?? []);
    return this.#replace(def, old, structuredClone(admitted), opts, managed ?? []);
  }

  /** Stores objects directly (seeding): like create/overwrite without HTTP, admission or counters. */
  seed(def: ResourceDef, input: Obj): StoredObject {
    const meta = (input.metadata ?? {}) as Record<string, unknown>;
    const name = String(meta.name);
    const ns = def.namespaced ? String(meta.namespace ?? 'default') : undefined;
    const old = this.#bucket(def).get(objKey(ns, name));
    const obj = structuredClone(input) as StoredObject;
    obj.apiVersion = apiVersionOf(def);
    obj.kind = def.kind;
    obj.metadata = {
      ...obj.metadata,
      name,
      ...(ns ? { namespace: ns } : {}),
      uid: old?.metadata.uid ?? (typeof meta.uid === 'string' ? meta.uid : randomUUID()),
      creationTimestamp: old?.metadata.creationTimestamp ?? now(),
      resourceVersion: '',
      ...(def.generation ? { generation: old?.metadata.generation ?? 1 } : {}),
    };
    if (def.group === '' && def.kind === 'Namespace' && !obj.status) obj.status = { phase: 'Active' };
    return this.#commit(def, old, obj);
  }
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function validateName(def: ResourceDef, name: string): void {
  const label = def.group === '' && (def.kind === 'Namespace' || def.kind === 'Service');
  const ok = label
    ? DNS1123_LABEL.test(name) && name.length <= 63
    : (DNS1123_SUBDOMAIN.test(name) || (def.group === 'rbac.authorization.k8s.io' && !/[/%]/.test(name) && name !== '.' && name !== '..')) &&
      name.length <= 253;
  if (!ok) {
    throw invalid(def.kind, def.group, name, [
      {
        field: 'metadata.name',
        message: `Invalid value: "${name}": a lowercase RFC 1123 ${label ? 'label' : 'subdomain'} must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
      },
    ]);
  }
}
