/**
 * @module operator/controller/powermonitor
 * The PowerMonitor controller. An install reconcile runs ordered steps: singleton check, deletion
 * (finalizer-driven cleanup of everything it made, cluster-scoped objects included), spec check,
 * finalizer, optional-CRD discovery, apply of every desired object (skipped when unchanged), prune
 * of objects no longer desired, status. A status reconcile (PowerNode or DaemonSet changes) only
 * recomputes the status. Status is written only when it changed. What it does and fails to do is
 * also recorded as Kubernetes Events on the PowerMonitor (Installed, Deleted, InvalidSpec,
 * SecretNotFound, IntegrationUnavailable, ReconcileError, Ignored).
 */
import type { Logger } from '../../core/logger.js';
import type { EventRecorder, EventType } from '../../kube/event-recorder.js';
import type { KubeObject } from '../../kube/types.js';
import { API_VERSION } from '../../api/v1alpha1/common.js';
import {
  POWER_MONITOR_KIND,
  POWER_MONITOR_NAME,
  POWER_MONITOR_REF,
  type PowerMonitor,
  type PowerMonitorStatus,
} from '../../api/v1alpha1/powermonitor.js';
import type { PowerNode } from '../../api/v1alpha1/powernode.js';
import { powerMonitorProblems } from '../api/validation.js';
import { resolveSpec } from '../components/spec.js';
import { buildDesiredState, type DesiredState, type OptionalCrds } from '../components/desired.js';
import type { DashboardFile } from '../components/dashboards.js';
import { FIELD_MANAGER, MANAGED_BY, NAMES } from '../components/labels.js';
import { deleteModelServerToken, ensureModelServerToken } from '../components/model-server-token.js';
import { parseNodeSettings, NODE_SETTINGS_LABEL, NODE_SETTINGS_ROLE, type NodeSettings } from '../components/node-settings.js';
import { stableJson } from '../../core/hash.js';
import { runSteps } from '../reconciler/runner.js';
import { applyIfChanged, deleteObject, AppliedMemo } from '../reconciler/apply.js';
import { rvNewer } from '../reconciler/compare.js';
import { ensureFinalizer, removeFinalizer, hasFinalizer } from '../reconciler/finalizer.js';
import { CONTINUE, type OperatorKube, type ObjectReader, type Step } from '../reconciler/types.js';
import { setCondition, availableCondition, daemonSetCounts, mergeAgentDaemonSets, aggregatePowerNodes, type ConditionInput } from './status.js';
import { OWNED_KINDS, objectRefKey } from './owned-kinds.js';
import type { QueueResult } from './queue.js';

/** What the controller needs. */
export interface PowerMonitorControllerDeps {
  kube: OperatorKube;
  /** Reads live objects (cache first) and lists managed ones. */
  reader: ObjectReader & { listManaged(ref: KubeObject | { apiVersion: string; kind: string }): Promise<KubeObject[]> };
  /** The PowerNodes known now (from the PowerNode informer). */
  powerNodes: () => PowerNode[];
  image: string;
  dashboards: readonly DashboardFile[];
  log: Logger;
  /** The operator's namespace: the per-node settings Secrets (spec.agent.nodeSettingsSecretRef) live there. */
  namespace: string;
  /** Records Events on the PowerMonitor (none when absent). */
  events?: EventRecorder;
  now?: () => Date;
  /** Delay between checks while a deletion waits for objects to go (default 1 s). */
  cleanupPollMs?: number;
}

/** Counters of the last install reconcile (benchmarks, logs). */
export interface ReconcileStats {
  applied: number;
  unchanged: number;
  deleted: number;
}

interface Ctx {
  pm: PowerMonitor;
  desired?: DesiredState;
  reconciled?: ConditionInput;
  stats: ReconcileStats;
}

/** The PowerMonitor controller (install and status reconciles). */
export class PowerMonitorController {
  readonly #d: PowerMonitorControllerDeps;
  /** Stats of the last install reconcile. */
  lastStats: ReconcileStats = { applied: 0, unchanged: 0, deleted: 0 };
  /** What was applied last per object; the manager forgets objects its informers see deleted. */
  readonly memo = new AppliedMemo();
  readonly #lastStatus = new Map<string, { json: string; rv?: string }>();
  #version: Promise<string> | undefined;

  constructor(deps: PowerMonitorControllerDeps) {
    this.#d = deps;
  }

  async #event(pm: PowerMonitor, type: EventType, reason: string, action: string, note: string): Promise<void> {
    await this.#d.events?.record({ apiVersion: API_VERSION, kind: POWER_MONITOR_KIND, metadata: pm.metadata }, type, reason, action, note);
  }

  #now(): string {
    return (this.#d.now?.() ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  /** Install reconcile of the PowerMonitor `name`. */
  async reconcile(name: string): Promise<QueueResult> {
    const pm = (await this.#d.reader.get(POWER_MONITOR_REF, name)) as PowerMonitor | undefined;
    if (!pm) return;
    const ctx: Ctx = { pm, stats: { applied: 0, unchanged: 0, deleted: 0 } };
    const outcome = await runSteps(this.#steps(), ctx);
    this.lastStats = ctx.stats;
    const r = outcome.result;
    if (r.action === 'requeue') {
      this.#d.log.debug({ powermonitor: name, step: outcome.step, reason: r.reason }, 'requeue');
      // A conflict backs off (exponentially, in the queue); a planned requeue waits as asked.
      return r.conflict ? { failed: true } : { requeueAfterMs: r.afterMs };
    }
    if (r.action === 'stop' && r.error !== undefined) {
      this.#d.log.warn({ powermonitor: name, step: outcome.step, err: r.error }, 'reconcile failed');
      const message = r.error instanceof Error ? r.error.message : String(r.error);
      await this.#event(pm, 'Warning', 'ReconcileError', outcome.step, `${outcome.step}: ${message}`);
      await this.#writeStatus(pm, {
        reconciled: { type: 'Reconciled', status: 'False', reason: 'ReconcileError', message: `${outcome.step}: ${message}`.slice(0, 32768) },
      }).catch(() => undefined);
      return { failed: true };
    }
    return undefined;
  }

  /** Status-only reconcile: agent DaemonSet counts, PowerNode aggregation, Available. */
  async reconcileStatus(name: string): Promise<QueueResult> {
    const pm = (await this.#d.reader.get(POWER_MONITOR_REF, name)) as PowerMonitor | undefined;
    if (!pm || name !== POWER_MONITOR_NAME || pm.metadata.deletionTimestamp || !hasFinalizer(pm)) return;
    await this.#writeStatus(pm, {});
  }

  #steps(): Step<Ctx>[] {
    const d = this.#d;
    return [
      {
        name: 'singleton',
        run: async (ctx) => {
          if (ctx.pm.metadata.name === POWER_MONITOR_NAME) return CONTINUE;
          const ignored = `ignored: only the PowerMonitor named ${POWER_MONITOR_NAME} is reconciled`;
          await this.#writeStatus(ctx.pm, {
            reconciled: { type: 'Reconciled', status: 'False', reason: 'Ignored', message: ignored },
            available: { type: 'Available', status: 'Unknown', reason: 'Ignored', message: ignored },
            ignored: true,
          });
          await this.#event(ctx.pm, 'Warning', 'Ignored', 'Reconcile', ignored);
          return { action: 'stop' };
        },
      },
      {
        name: 'cleanup',
        run: async (ctx) => {
          if (!ctx.pm.metadata.deletionTimestamp) return CONTINUE;
          if (!hasFinalizer(ctx.pm)) return { action: 'stop' };
          // Objects already terminating are left to their own finalizers (a Namespace waits for the
          // namespace controller, which an API server without controllers never runs).
          const left = [...(await this.#ownedObjects(ctx.pm)), ...(await this.#nodeSettingsObjects(ctx.pm))].filter(
            (o) => !o.metadata.deletionTimestamp,
          );
          for (const o of left) if (await deleteObject(d.kube, o)) ctx.stats.deleted++;
          if (await deleteModelServerToken(d.kube, resolveSpec(ctx.pm.spec).namespace, ctx.pm.metadata.uid ?? '')) ctx.stats.deleted++;
          if (left.length > 0)
            return { action: 'requeue', afterMs: d.cleanupPollMs ?? 1000, reason: `waiting for ${left.length} objects to be deleted` };
          await removeFinalizer(d.kube, ctx.pm);
          d.log.info({ powermonitor: ctx.pm.metadata.name }, 'everything the PowerMonitor installed is deleted; finalizer removed');
          await this.#event(
            ctx.pm,
            'Normal',
            'Deleted',
            'Cleanup',
            `deleted ${ctx.stats.deleted} objects the PowerMonitor installed; finalizer removed`,
          );
          return { action: 'stop' };
        },
      },
      {
        name: 'validate',
        run: async (ctx) => {
          const problems = powerMonitorProblems(ctx.pm.metadata.name, ctx.pm.spec);
          if (problems.length === 0) return CONTINUE;
          const message = problems.map((p) => `${p.field}: ${p.message}`).join('; ');
          await this.#writeStatus(ctx.pm, { reconciled: { type: 'Reconciled', status: 'False', reason: 'InvalidSpec', message } });
          await this.#event(ctx.pm, 'Warning', 'InvalidSpec', 'Validate', message);
          return { action: 'stop' };
        },
      },
      {
        name: 'finalizer',
        run: async (ctx) => {
          const updated = await ensureFinalizer(d.kube, ctx.pm);
          if (updated) ctx.pm = updated;
          return CONTINUE;
        },
      },
      {
        name: 'desired',
        run: async (ctx) => {
          const crds = await this.#optionalCrds();
          const owner = { apiVersion: API_VERSION, kind: POWER_MONITOR_KIND, name: ctx.pm.metadata.name, uid: ctx.pm.metadata.uid ?? '' };
          const spec = resolveSpec(ctx.pm.spec);
          const secretVersions: Record<string, string> = {};
          const refs = [
            ...(spec.agent.secrets ?? []).map((r) => ({ field: 'spec.agent.secrets', name: r.name })),
            ...(spec.agent.nodeSettingsSecretRef ? [{ field: 'spec.agent.nodeSettingsSecretRef', name: spec.agent.nodeSettingsSecretRef.name }] : []),
          ];
          const secrets = new Map<string, KubeObject>();
          for (const ref of refs) {
            const secret = await d.kube.getOrUndefined({ apiVersion: 'v1', kind: 'Secret' }, ref.name, spec.namespace);
            if (!secret) return this.#stopInstall(ctx.pm, 'SecretNotFound', `${ref.field}: Secret ${spec.namespace}/${ref.name} does not exist`);
            secrets.set(ref.name, secret);
            secretVersions[ref.name] = secret.metadata.resourceVersion ?? '';
          }
          let nodeSettings: Map<string, NodeSettings> | undefined;
          const nsRef = spec.agent.nodeSettingsSecretRef;
          if (nsRef) {
            const at = `spec.agent.nodeSettingsSecretRef: Secret ${spec.namespace}/${nsRef.name} key ${nsRef.key}`;
            const raw = (secrets.get(nsRef.name)!.data as Record<string, string> | undefined)?.[nsRef.key];
            if (raw === undefined) return this.#stopInstall(ctx.pm, 'InvalidNodeSettings', `${at}: no such key`);
            const parsed = parseNodeSettings(Buffer.from(raw, 'base64').toString('utf8'));
            if (parsed.problems.length > 0)
              return this.#stopInstall(ctx.pm, 'InvalidNodeSettings', `${at}: ${parsed.problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
            nodeSettings = parsed.nodes;
          }
          const kubeVersion = spec.scheduler.enabled && !spec.scheduler.image ? await this.#kubeVersion() : undefined;
          const desired = buildDesiredState(spec, owner, {
            image: d.image,
            crds,
            dashboards: d.dashboards,
            secretVersions,
            kubeVersion,
            ...(nodeSettings ? { nodeSettings: { nodes: nodeSettings, namespace: d.namespace } } : {}),
          });
          // A namespace that exists and is not the operator's (e.g. the operator's own, or `monitoring`)
          // is used as it is: never labelled, owned, or deleted with the PowerMonitor.
          const ns = await d.kube.getOrUndefined({ apiVersion: 'v1', kind: 'Namespace' }, spec.namespace); // not from the cache: it holds only the operator's namespaces
          if (ns && ns.metadata.labels?.['app.kubernetes.io/managed-by'] !== MANAGED_BY) {
            desired.objects = desired.objects.filter((o) => !(o.kind === 'Namespace' && o.metadata.name === spec.namespace));
          }
          ctx.desired = desired;
          return CONTINUE;
        },
      },
      {
        name: 'apply',
        run: async (ctx) => {
          for (const obj of ctx.desired!.objects) {
            if ((await applyIfChanged(d.kube, d.reader, obj, this.memo)) === 'applied') ctx.stats.applied++;
            else ctx.stats.unchanged++;
          }
          return CONTINUE;
        },
      },
      {
        name: 'model-server-token',
        // After apply: the namespace exists now. The model server's pods wait for the Secret to mount.
        run: async (ctx) => {
          const spec = resolveSpec(ctx.pm.spec);
          if (!spec.modelServer.enabled) return CONTINUE;
          const owner = { apiVersion: API_VERSION, kind: POWER_MONITOR_KIND, name: ctx.pm.metadata.name, uid: ctx.pm.metadata.uid ?? '' };
          if ((await ensureModelServerToken(d.kube, spec.namespace, owner)) === 'created') {
            ctx.stats.applied++;
            d.log.info({ namespace: spec.namespace, secret: NAMES.modelServerToken }, 'model server token created');
          }
          return CONTINUE;
        },
      },
      {
        name: 'prune',
        run: async (ctx) => {
          const wanted = new Set(ctx.desired!.objects.map(objectRefKey));
          for (const o of [...(await this.#ownedObjects(ctx.pm)), ...(await this.#nodeSettingsObjects(ctx.pm))]) {
            if (wanted.has(objectRefKey(o)) || o.metadata.deletionTimestamp) continue;
            if (await deleteObject(d.kube, o)) ctx.stats.deleted++;
          }
          return CONTINUE;
        },
      },
      {
        name: 'status',
        run: async (ctx) => {
          const desired = ctx.desired!;
          const skipped = Object.entries(desired.integrations)
            .filter(([, s]) => s === 'CRDMissing')
            .map(([k]) => k);
          const reconciled: ConditionInput =
            desired.missing.length > 0
              ? {
                  type: 'Reconciled',
                  status: 'False',
                  reason: 'IntegrationUnavailable',
                  message: `installed without ${desired.missing.join(', ')}: the CRD is not served`,
                }
              : {
                  type: 'Reconciled',
                  status: 'True',
                  reason: 'ReconcileSuccess',
                  message: `${desired.objects.length} objects installed${skipped.length ? `; skipped (CRD not served): ${skipped.join(', ')}` : ''}`,
                };
          await this.#writeStatus(ctx.pm, { reconciled, integrations: desired.integrations });
          if (ctx.stats.applied > 0 || ctx.stats.deleted > 0) {
            await this.#event(
              ctx.pm,
              'Normal',
              'Installed',
              'Install',
              `applied ${ctx.stats.applied} objects, deleted ${ctx.stats.deleted}, ${ctx.stats.unchanged} unchanged`,
            );
          }
          if (desired.missing.length > 0) await this.#event(ctx.pm, 'Warning', 'IntegrationUnavailable', 'Install', reconciled.message);
          return CONTINUE;
        },
      },
    ];
  }

  /** The cluster's version (`/version` gitVersion), read once; the default kube-scheduler image follows it. */
  async #kubeVersion(): Promise<string> {
    this.#version ??= this.#d.kube.transport
      .request<{ gitVersion?: string }>({ method: 'GET', path: '/version' })
      .then((v: { gitVersion?: string }) => v.gitVersion ?? '')
      .catch((err: unknown) => {
        this.#version = undefined;
        throw err;
      });
    return this.#version;
  }

  async #optionalCrds(): Promise<OptionalCrds> {
    const exists = async (kind: string) => {
      const k = OWNED_KINDS.find((o) => o.ref.kind === kind)!;
      return this.#d.kube.crdExists(k.crd!.group, k.crd!.plural);
    };
    const [serviceMonitor, prometheusRule, scc, machineConfig] = await Promise.all([
      exists('ServiceMonitor'),
      exists('PrometheusRule'),
      exists('SecurityContextConstraints'),
      exists('MachineConfig'),
    ]);
    return { serviceMonitor, prometheusRule, scc, machineConfig };
  }

  /** Stops an install with Reconciled=False (`reason`, `message`) and a Warning Event; retried in 30 s (Secrets are not watched). */
  async #stopInstall(pm: PowerMonitor, reason: string, message: string): Promise<{ action: 'requeue'; afterMs: number; reason: string }> {
    await this.#writeStatus(pm, { reconciled: { type: 'Reconciled', status: 'False', reason, message: message.slice(0, 32768) } });
    await this.#event(pm, 'Warning', reason, 'Install', message);
    return { action: 'requeue', afterMs: 30_000, reason };
  }

  /**
   * The per-node settings objects of this PowerMonitor in the operator's namespace (Secrets by label,
   * the Role and RoleBinding by name), for prune and cleanup: they are not among the cached kinds.
   */
  async #nodeSettingsObjects(pm: PowerMonitor): Promise<KubeObject[]> {
    const ns = this.#d.namespace;
    const owned = (o: KubeObject) => (o.metadata.ownerReferences ?? []).some((r) => r.uid === pm.metadata.uid);
    const secretRef = { apiVersion: 'v1', kind: 'Secret' };
    const secrets = (await this.#d.kube.list(secretRef, { namespace: ns, labelSelector: { [NODE_SETTINGS_LABEL]: 'true' } })).items;
    const out = secrets.filter(owned).map((o) => ({ ...o, ...secretRef }));
    for (const kind of ['RoleBinding', 'Role']) {
      const ref = { apiVersion: 'rbac.authorization.k8s.io/v1', kind };
      const o = await this.#d.kube.getOrUndefined(ref, NODE_SETTINGS_ROLE, ns);
      if (o && owned(o)) out.push({ ...o, ...ref });
    }
    return out;
  }

  /** Every object labelled as the operator's and owned by this PowerMonitor, in deletion order. */
  async #ownedObjects(pm: PowerMonitor): Promise<KubeObject[]> {
    const out: KubeObject[] = [];
    const crds = await this.#optionalCrds();
    for (const k of OWNED_KINDS) {
      if (k.crd) {
        const present = {
          servicemonitors: crds.serviceMonitor,
          prometheusrules: crds.prometheusRule,
          securitycontextconstraints: crds.scc,
          machineconfigs: crds.machineConfig,
        }[k.crd.plural];
        if (!present) continue;
      }
      const items = await this.#d.reader.listManaged(k.ref);
      for (const o of items) {
        if ((o.metadata.ownerReferences ?? []).some((r) => r.uid === pm.metadata.uid))
          out.push({ ...o, apiVersion: k.ref.apiVersion, kind: k.ref.kind });
      }
    }
    return out;
  }

  async #writeStatus(
    pm: PowerMonitor,
    upd: { reconciled?: ConditionInput; available?: ConditionInput; integrations?: PowerMonitorStatus['integrations']; ignored?: boolean },
  ): Promise<void> {
    const now = this.#now();
    const gen = pm.metadata.generation;
    const old = pm.status ?? {};
    let conditions = old.conditions;
    const reconciled = upd.reconciled ?? old.conditions?.find((c) => c.type === 'Reconciled');
    if (reconciled)
      conditions = setCondition(
        conditions,
        { type: 'Reconciled', status: reconciled.status, reason: reconciled.reason, message: reconciled.message },
        gen,
        now,
      );
    let status: PowerMonitorStatus;
    if (upd.ignored) {
      conditions = setCondition(conditions, upd.available!, gen, now);
      status = { conditions };
    } else {
      const ns = pm.spec?.namespace ?? resolveSpec(pm.spec).namespace;
      const dsType = { apiVersion: 'apps/v1', kind: 'DaemonSet' };
      const ds = mergeAgentDaemonSets(await this.#d.reader.get(dsType, NAMES.agent, ns), await this.#d.reader.get(dsType, NAMES.agentGpu, ns));
      conditions = setCondition(conditions, upd.available ?? availableCondition(ds), gen, now);
      const agg = aggregatePowerNodes(this.#d.powerNodes());
      status = { conditions, agent: daemonSetCounts(ds), ...agg, integrations: upd.integrations ?? old.integrations };
    }
    const json = stableJson(status);
    if (json === stableJson(old)) return;
    const last = this.#lastStatus.get(pm.metadata.name);
    if (last && last.json === json && !rvNewer(pm.metadata.resourceVersion, last.rv)) return; // the cache is behind our own write
    const written = await this.#d.kube.applyStatus<PowerMonitor>(
      { apiVersion: API_VERSION, kind: POWER_MONITOR_KIND, metadata: { name: pm.metadata.name }, status },
      { fieldManager: FIELD_MANAGER, force: true },
    );
    this.#lastStatus.set(pm.metadata.name, { json, rv: written?.metadata?.resourceVersion });
  }
}
