/**
 * @module operator/capping/admission
 * The Admission plug-in: a mutating webhook for pods created in namespaces labelled
 * `powerplane.io/capping=enabled` (served by the operator's TLS webhook server). For a pod of a
 * policy's target (by owner: ReplicaSet → Deployment, StatefulSet, a ScaledObject's scaleTargetRef,
 * KServe's predictor labels) it
 * - sets requests/limits from the policy's recommendation (Enforce with SetRequests allowed) and
 *   records what it changed in the annotation `powerplane.io/capping-updates`, as VPA does;
 * - adds a preferred node affinity toward the nodes with headroom while the target has pods to
 *   migrate (Enforce with Migrate allowed);
 * - issues alerts (Event, Alertmanager, webhook) when the policy is over budget and cannot act
 *   (DryRun, or no allowed action): the seed's passive actuators; never on a dry-run request.
 * It never denies a pod: every failure admits it unchanged.
 */
import type { KubeClient } from '../../kube/client.js';
import type { Logger } from '../../core/logger.js';
import type { PowerCapPolicy, CapTargetStatus } from '../../api/v1alpha1/powercappolicy.js';
import type { AdmissionRequest, AdmissionReviewResponse } from '../webhook/admission.js';
import { KSERVE_LABELS, TARGET_REFS } from './targets.js';
import type { Notifier } from './notify.js';
import { POWER_CAP_POLICY_REF } from '../../api/v1alpha1/powercappolicy.js';

/** The namespace label that opts a namespace into the pod plug-in. */
export const CAPPING_NAMESPACE_LABEL = 'powerplane.io/capping';
/** The annotation recording what the plug-in changed. */
export const UPDATES_ANNOTATION = 'powerplane.io/capping-updates';

/** The pod as the plug-in reads it. */
export interface PodObject {
  metadata?: {
    name?: string;
    generateName?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{ kind: string; name: string; controller?: boolean }>;
  };
  spec?: {
    containers?: Array<{ name: string; resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }>;
    affinity?: { nodeAffinity?: { preferredDuringSchedulingIgnoredDuringExecution?: unknown[] } };
  };
}

/** One JSON patch operation. */
export interface PatchOp {
  op: 'add' | 'replace';
  path: string;
  value: unknown;
}

const esc = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

/** The patch for a recommendation (requests/limits, preferred nodes) and its one-line summary. Pure. */
export function podPatch(
  pod: PodObject,
  policyKey: string,
  rec: NonNullable<CapTargetStatus['recommendation']>,
  opts: { setRequests: boolean; migrate: boolean },
): { ops: PatchOp[]; summary: string } {
  const ops: PatchOp[] = [];
  const changes: string[] = [];
  const containers = pod.spec?.containers ?? [];
  if (opts.setRequests && (rec.requests || rec.limits)) {
    containers.forEach((c, i) => {
      if (rec.container && rec.container !== c.name) return;
      const parts: string[] = [];
      if (!c.resources) ops.push({ op: 'add', path: `/spec/containers/${i}/resources`, value: {} });
      for (const kind of ['requests', 'limits'] as const) {
        const want = rec[kind];
        if (!want) continue;
        const have = c.resources?.[kind];
        if (!have) ops.push({ op: 'add', path: `/spec/containers/${i}/resources/${kind}`, value: {} });
        for (const [res, q] of Object.entries(want)) {
          if (have?.[res] === q) continue;
          ops.push({ op: have?.[res] === undefined ? 'add' : 'replace', path: `/spec/containers/${i}/resources/${kind}/${esc(res)}`, value: q });
          parts.push(`${res} ${kind === 'requests' ? 'request' : 'limit'}`);
        }
      }
      if (parts.length > 0) changes.push(`container ${i} (${c.name}): ${parts.join(', ')}`);
    });
    // Drop the scaffolding when nothing was set in it.
    if (changes.length === 0) ops.length = 0;
  }
  if (opts.migrate && (rec.preferredNodes ?? []).length > 0) {
    const terms = rec.preferredNodes!.map((n, i) => ({
      weight: Math.max(1, 100 - i * 10),
      preference: { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [n] }] },
    }));
    const aff = pod.spec?.affinity;
    if (!aff) ops.push({ op: 'add', path: '/spec/affinity', value: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: terms } } });
    else if (!aff.nodeAffinity)
      ops.push({ op: 'add', path: '/spec/affinity/nodeAffinity', value: { preferredDuringSchedulingIgnoredDuringExecution: terms } });
    else if (!aff.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution)
      ops.push({ op: 'add', path: '/spec/affinity/nodeAffinity/preferredDuringSchedulingIgnoredDuringExecution', value: terms });
    else
      for (const t of terms) ops.push({ op: 'add', path: '/spec/affinity/nodeAffinity/preferredDuringSchedulingIgnoredDuringExecution/-', value: t });
    changes.push(`preferred nodes ${rec.preferredNodes!.join(', ')}`);
  }
  if (ops.length === 0) return { ops, summary: '' };
  const summary = `Pod updated by PowerCapPolicy ${policyKey}: ${changes.join('; ')}`;
  if (!pod.metadata?.annotations) ops.push({ op: 'add', path: '/metadata/annotations', value: { [UPDATES_ANNOTATION]: summary } });
  else
    ops.push({
      op: pod.metadata.annotations[UPDATES_ANNOTATION] === undefined ? 'add' : 'replace',
      path: `/metadata/annotations/${esc(UPDATES_ANNOTATION)}`,
      value: summary,
    });
  return { ops, summary };
}

/** What the plug-in needs. */
export interface PodAdmissionDeps {
  kube: Pick<KubeClient, 'get' | 'getOrUndefined' | 'list'>;
  notifier: Notifier;
  log: Logger;
  now?: () => Date;
  /** Least time between two passive alerts of one policy (default 2 min). */
  alertEveryMs?: number;
}

/** An admission request for a pod: the fields the plug-in reads, with the object as a Pod. */
export type PodAdmissionRequest = Pick<AdmissionRequest, 'uid' | 'operation' | 'namespace' | 'dryRun'> & { object: PodObject };

/** The `Kind/name` workloads a pod belongs to (its Deployment or StatefulSet, its InferenceService). */
async function podWorkloads(kube: PodAdmissionDeps['kube'], pod: PodObject, namespace: string): Promise<{ workload?: string; isvc?: string }> {
  const owner = pod.metadata?.ownerReferences?.find((o) => o.controller !== false && (o.kind === 'ReplicaSet' || o.kind === 'StatefulSet'));
  let workload: string | undefined;
  if (owner?.kind === 'StatefulSet') workload = `StatefulSet/${owner.name}`;
  else if (owner?.kind === 'ReplicaSet') {
    const rs = await kube.getOrUndefined({ apiVersion: 'apps/v1', kind: 'ReplicaSet' }, owner.name, namespace);
    const dep = rs?.metadata.ownerReferences?.find((o) => o.kind === 'Deployment');
    if (dep) workload = `Deployment/${dep.name}`;
  }
  const labels = pod.metadata?.labels ?? {};
  const isvc = labels[KSERVE_LABELS.component] === 'predictor' ? labels[KSERVE_LABELS.isvc] : undefined;
  return { workload, isvc };
}

/** The pod plug-in. */
export class PodAdmission {
  readonly #d: PodAdmissionDeps;
  readonly #lastAlert = new Map<string, number>();

  constructor(deps: PodAdmissionDeps) {
    this.#d = deps;
  }

  /** Answers one AdmissionReview request for a pod (always allowed). */
  async admit(req: PodAdmissionRequest): Promise<AdmissionReviewResponse> {
    const allow = (extra: Record<string, unknown> = {}): AdmissionReviewResponse => ({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: req.uid, allowed: true, ...extra },
    });
    const namespace = req.namespace ?? req.object.metadata?.namespace;
    if (req.operation !== 'CREATE' || !namespace) return allow();
    try {
      const match = await this.#match(req.object, namespace);
      if (!match) return allow();
      const { policy, target } = match;
      const key = `${namespace}/${policy.metadata.name}`;
      const mode = policy.spec.mode ?? 'DryRun';
      const actions = new Set(policy.spec.actions ?? ['LimitReplicas', 'Alert']);
      const over = policy.status?.conditions?.some((c) => c.type === 'OverBudget' && c.status === 'True') ?? false;
      const canAct = mode === 'Enforce' && ['LimitReplicas', 'Evict', 'Migrate'].some((a) => actions.has(a as never));
      if (over && !canAct && !req.dryRun) await this.#alert(policy, key, target, mode);
      const rec = target.recommendation;
      if (mode !== 'Enforce' || !rec) return allow();
      const { ops, summary } = podPatch(req.object, key, rec, {
        setRequests: actions.has('SetRequests'),
        migrate: actions.has('Migrate') && (rec.migrate ?? []).length > 0,
      });
      if (ops.length === 0) return allow();
      return allow({
        patchType: 'JSONPatch',
        patch: Buffer.from(JSON.stringify(ops)).toString('base64'),
        auditAnnotations: { 'powerplane.io/capping': summary.slice(0, 1000) },
      });
    } catch (err) {
      this.#d.log.warn({ err, namespace }, 'capping admission: pod admitted unchanged');
      return allow({ warnings: ['powerplane capping plug-in could not evaluate this pod; admitted unchanged'] });
    }
  }

  async #match(pod: PodObject, namespace: string): Promise<{ policy: PowerCapPolicy; target: CapTargetStatus } | undefined> {
    const policies = (await this.#d.kube.list<PowerCapPolicy>(POWER_CAP_POLICY_REF, { namespace })).items;
    const live = policies.filter((p) => !p.metadata.deletionTimestamp && (p.spec?.mode ?? 'DryRun') !== 'Off');
    if (live.length === 0) return undefined;
    const { workload, isvc } = await podWorkloads(this.#d.kube, pod, namespace);
    for (const policy of live) {
      for (const t of policy.status?.targets ?? []) {
        if (t.kind === 'InferenceService' && isvc === t.name) return { policy, target: t };
        if ((t.kind === 'Deployment' || t.kind === 'StatefulSet') && workload === `${t.kind}/${t.name}`) return { policy, target: t };
        if (t.kind === 'ScaledObject' && workload) {
          const so = await this.#d.kube.getOrUndefined(TARGET_REFS.ScaledObject, t.name, namespace).catch(() => undefined);
          const ref = (so?.spec as { scaleTargetRef?: { kind?: string; name?: string } } | undefined)?.scaleTargetRef;
          if (ref && `${ref.kind ?? 'Deployment'}/${ref.name}` === workload) return { policy, target: t };
        }
      }
    }
    return undefined;
  }

  async #alert(policy: PowerCapPolicy, key: string, target: CapTargetStatus, mode: string): Promise<void> {
    const now = (this.#d.now?.() ?? new Date()).getTime();
    const last = this.#lastAlert.get(key);
    if (last !== undefined && now - last < (this.#d.alertEveryMs ?? 120_000)) return;
    this.#lastAlert.set(key, now);
    const s = policy.status ?? {};
    const message = `a new pod of ${target.kind}/${target.name} is admitted while ${s.currentWatts ?? '?'} W is over the act line of the ${s.budgetWatts ?? '?'} W budget, and the policy cannot act (${mode === 'Enforce' ? 'no allowed action' : `mode ${mode}`})`;
    const n = {
      policy: key,
      namespace: policy.metadata.namespace ?? '',
      severity: 'warning' as const,
      reason: 'OverBudget',
      message,
      target: `${target.kind}/${target.name}`,
      budgetWatts: s.budgetWatts,
      currentWatts: s.currentWatts,
    };
    await this.#d.notifier.event({ ...policy, apiVersion: POWER_CAP_POLICY_REF.apiVersion, kind: POWER_CAP_POLICY_REF.kind }, n);
    if ((policy.spec.actions ?? ['LimitReplicas', 'Alert']).includes('Alert')) await this.#d.notifier.alert(n, policy.spec.notify ?? {});
  }
}
