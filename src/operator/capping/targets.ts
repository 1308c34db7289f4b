/**
 * @module operator/capping/targets
 * Resolves a policy's targets (spec.targets and spec.selector) to what runs and what can be limited:
 * the target object, its pods (by owner references: Pod → ReplicaSet → Deployment, Pod →
 * StatefulSet; a KEDA ScaledObject → its `scaleTargetRef`; an InferenceService → its predictor pods
 * by KServe's labels), replicas now, the user's maximum, and the limit the capper set (from the
 * annotations it writes on the target). KEDA's and KServe's CRDs are optional: without them those
 * targets are `TargetUnsupported`.
 */
import type { KindRef, KubeObject } from '../../kube/types.js';
import type { KubeClient } from '../../kube/client.js';
import type { CapSelector, CapTarget, TargetKind } from '../../api/v1alpha1/powercappolicy.js';
import { TARGET_KINDS } from '../../api/v1alpha1/powercappolicy.js';

/** Kind references of the target kinds. */
export const TARGET_REFS: Record<TargetKind, KindRef> = {
  ScaledObject: { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject' },
  Deployment: { apiVersion: 'apps/v1', kind: 'Deployment' },
  StatefulSet: { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  InferenceService: { apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService' },
};

/** CRDs the optional kinds need. */
export const OPTIONAL_CRDS: Partial<Record<TargetKind, { group: string; plural: string }>> = {
  ScaledObject: { group: 'keda.sh', plural: 'scaledobjects' },
  InferenceService: { group: 'serving.kserve.io', plural: 'inferenceservices' },
};

/** Annotations the capper writes on a target it limits. */
export const ANNOTATIONS = {
  /** `namespace/name` of the policy that set the limit. */
  policy: 'powerplane.io/capped-by',
  /** The user's value before the first limit, as JSON (`null`: the field was unset). */
  original: 'powerplane.io/capper-original',
  /** The limit the capper wrote last (a different value means another writer changed it). */
  limit: 'powerplane.io/capper-limit',
} as const;

/** KEDA's default maxReplicaCount. */
export const KEDA_DEFAULT_MAX = 100;
/** KServe's labels on predictor pods. */
export const KSERVE_LABELS = { isvc: 'serving.kserve.io/inferenceservice', component: 'component' } as const;

/** One running pod of a target. */
export interface TargetPod {
  name: string;
  node?: string;
  ready: boolean;
  labels: Record<string, string>;
}

/** A resolved target. */
export interface ResolvedTarget {
  kind: TargetKind;
  name: string;
  namespace: string;
  /** `Kind/namespace/name`. */
  id: string;
  minReplicas: number;
  priority: number;
  state: 'Ok' | 'TargetUnsupported' | 'NotFound';
  reason: string;
  object?: KubeObject;
  /** The Deployment or StatefulSet that runs the pods. */
  workload?: { kind: 'Deployment' | 'StatefulSet'; name: string; object?: KubeObject };
  pods: TargetPod[];
  /** Replicas the workload asks for now (spec.replicas). */
  desiredReplicas?: number;
  /** The user's own maximum (what the capper restores). */
  userMax: number;
  /** The limit the capper set, when it set one. */
  currentLimit?: number;
  /** The limited field's live value (KEDA's default 100 when maxReplicaCount is unset). */
  live?: number;
  /** The field the capper limits: spec.maxReplicaCount, spec.predictor.maxReplicas, or scale. */
  field: string;
  /** The namespace/name of the policy holding the limit, from the annotation. */
  cappedBy?: string;
  /** Seconds before the workload's new replica serves (minReadySeconds, else 30). */
  readySeconds: number;
}

/** Reads what target resolution needs (KubeClient satisfies it). */
export type TargetKube = Pick<KubeClient, 'get' | 'getOrUndefined' | 'list' | 'crdExists'>;

function annotations(o: KubeObject | undefined): Record<string, string> {
  return o?.metadata.annotations ?? {};
}

function isReady(pod: KubeObject): boolean {
  const conds = (pod.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? [];
  return conds.some((c) => c.type === 'Ready' && c.status === 'True');
}

function live(pod: KubeObject): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  return !pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed';
}

function toPod(p: KubeObject): TargetPod {
  return {
    name: p.metadata.name ?? '',
    node: (p.spec as { nodeName?: string } | undefined)?.nodeName,
    ready: isReady(p),
    labels: p.metadata.labels ?? {},
  };
}

/** Matches labels against a policy selector. Pure. */
export function selectorMatches(sel: CapSelector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    const vals = e.values ?? [];
    if (e.operator === 'In' && !(has && vals.includes(l[e.key]))) return false;
    if (e.operator === 'NotIn' && has && vals.includes(l[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** Pods of one namespace indexed by their controlling workload (`Deployment/name`, `StatefulSet/name`). Pure. */
export function podsByWorkload(pods: readonly KubeObject[], replicaSets: readonly KubeObject[]): Map<string, TargetPod[]> {
  const rsOwner = new Map<string, string>();
  for (const rs of replicaSets) {
    const o = rs.metadata.ownerReferences?.find((r) => r.controller !== false && r.kind === 'Deployment');
    if (o) rsOwner.set(rs.metadata.name ?? '', o.name);
  }
  const out = new Map<string, TargetPod[]>();
  for (const p of pods) {
    if (!live(p)) continue;
    const o = p.metadata.ownerReferences?.find((r) => r.controller !== false && (r.kind === 'ReplicaSet' || r.kind === 'StatefulSet'));
    if (!o) continue;
    const key = o.kind === 'StatefulSet' ? `StatefulSet/${o.name}` : rsOwner.has(o.name) ? `Deployment/${rsOwner.get(o.name)}` : undefined;
    if (!key) continue;
    const list = out.get(key) ?? [];
    list.push(toPod(p));
    out.set(key, list);
  }
  return out;
}

/** The spec.targets entries plus the objects spec.selector picks (explicit entries win). */
export async function listTargetSpecs(
  kube: TargetKube,
  namespace: string,
  targets: readonly CapTarget[],
  selector: CapSelector | undefined,
  available: ReadonlySet<TargetKind>,
): Promise<CapTarget[]> {
  const out = [...targets];
  if (!selector) return out;
  const seen = new Set(out.map((t) => `${t.kind}/${t.name}`));
  for (const kind of TARGET_KINDS) {
    if (!available.has(kind)) continue;
    const items = (await kube.list(TARGET_REFS[kind], { namespace })).items;
    for (const o of items) {
      const name = o.metadata.name ?? '';
      if (!seen.has(`${kind}/${name}`) && selectorMatches(selector, o.metadata.labels)) {
        out.push({ kind, name, minReplicas: 1 });
        seen.add(`${kind}/${name}`);
      }
    }
  }
  return out;
}

/** The target kinds the cluster serves (KEDA/KServe only when their CRDs exist). */
export async function availableKinds(kube: TargetKube): Promise<Set<TargetKind>> {
  const out = new Set<TargetKind>();
  for (const kind of TARGET_KINDS) {
    const crd = OPTIONAL_CRDS[kind];
    if (!crd || (await kube.crdExists(crd.group, crd.plural))) out.add(kind);
  }
  return out;
}

function currentLimitOf(o: KubeObject): number | undefined {
  const v = annotations(o)[ANNOTATIONS.limit];
  const n = v === undefined ? NaN : Number(v);
  return Number.isInteger(n) ? n : undefined;
}

/** The user's value remembered in the annotation: a number, null (unset), or undefined (no annotation). */
export function originalOf(o: KubeObject | undefined): number | null | undefined {
  const v = annotations(o)[ANNOTATIONS.original];
  if (v === undefined) return undefined;
  try {
    const parsed = JSON.parse(v) as unknown;
    return typeof parsed === 'number' ? parsed : null;
  } catch {
    return undefined;
  }
}

/** Resolves every target of a policy. */
export async function resolveTargets(
  kube: TargetKube,
  namespace: string,
  specs: readonly CapTarget[],
  available: ReadonlySet<TargetKind>,
): Promise<ResolvedTarget[]> {
  const pods = (await kube.list({ apiVersion: 'v1', kind: 'Pod' }, { namespace })).items;
  const replicaSets = (await kube.list({ apiVersion: 'apps/v1', kind: 'ReplicaSet' }, { namespace })).items;
  const byWorkload = podsByWorkload(pods, replicaSets);
  const out: ResolvedTarget[] = [];
  for (const t of specs) {
    const base = {
      kind: t.kind,
      name: t.name,
      namespace,
      id: `${t.kind}/${namespace}/${t.name}`,
      minReplicas: t.minReplicas ?? 1,
      priority: t.priority ?? 0,
      pods: [] as TargetPod[],
      userMax: 0,
      field: '',
      readySeconds: 30,
    };
    if (!available.has(t.kind)) {
      const crd = OPTIONAL_CRDS[t.kind]!;
      out.push({ ...base, state: 'TargetUnsupported', reason: `the ${crd.plural}.${crd.group} CRD is not installed` });
      continue;
    }
    const obj = await kube.getOrUndefined(TARGET_REFS[t.kind], t.name, namespace);
    if (!obj) {
      out.push({ ...base, state: 'NotFound', reason: `${t.kind} ${namespace}/${t.name} does not exist` });
      continue;
    }
    const spec = (obj.spec ?? {}) as Record<string, unknown>;
    const original = originalOf(obj);
    const common = { ...base, object: obj, currentLimit: currentLimitOf(obj), cappedBy: annotations(obj)[ANNOTATIONS.policy] };
    if (t.kind === 'ScaledObject') {
      const ref = (spec.scaleTargetRef ?? {}) as { kind?: string; name?: string };
      const wkind = (ref.kind ?? 'Deployment') as 'Deployment' | 'StatefulSet';
      if (wkind !== 'Deployment' && wkind !== 'StatefulSet') {
        out.push({
          ...common,
          state: 'TargetUnsupported',
          reason: `scaleTargetRef kind ${wkind} is not supported (Deployment or StatefulSet)`,
          field: 'spec.maxReplicaCount',
        });
        continue;
      }
      const wobj = ref.name ? await kube.getOrUndefined(TARGET_REFS[wkind], ref.name, namespace) : undefined;
      const live = typeof spec.maxReplicaCount === 'number' ? spec.maxReplicaCount : KEDA_DEFAULT_MAX;
      out.push({
        ...common,
        state: 'Ok',
        reason: '',
        field: 'spec.maxReplicaCount',
        workload: { kind: wkind, name: ref.name ?? '', object: wobj },
        pods: byWorkload.get(`${wkind}/${ref.name}`) ?? [],
        desiredReplicas: (wobj?.spec as { replicas?: number } | undefined)?.replicas,
        userMax: original === undefined ? live : (original ?? KEDA_DEFAULT_MAX),
        live,
        readySeconds: readySecondsOf(wobj),
      });
      continue;
    }
    if (t.kind === 'InferenceService') {
      const predictor = (spec.predictor ?? {}) as { maxReplicas?: number; minReplicas?: number };
      const isvcPods = pods
        .filter((p) => live(p) && p.metadata.labels?.[KSERVE_LABELS.isvc] === t.name && p.metadata.labels?.[KSERVE_LABELS.component] === 'predictor')
        .map(toPod);
      const live0 = predictor.maxReplicas ?? 0;
      // KServe treats maxReplicas 0 (or unset) as "no maximum": the user's maximum is then the replicas running now.
      const userMax = original === undefined ? live0 : (original ?? 0);
      out.push({
        ...common,
        state: 'Ok',
        reason: '',
        field: 'spec.predictor.maxReplicas',
        pods: isvcPods,
        userMax: userMax > 0 ? userMax : Math.max(isvcPods.length, predictor.minReplicas ?? 1),
        live: predictor.maxReplicas,
      });
      continue;
    }
    const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
    out.push({
      ...common,
      state: 'Ok',
      reason: '',
      field: 'scale',
      workload: { kind: t.kind, name: t.name, object: obj },
      pods: byWorkload.get(`${t.kind}/${t.name}`) ?? [],
      desiredReplicas: replicas,
      userMax: typeof original === 'number' ? original : replicas,
      live: replicas,
      readySeconds: readySecondsOf(obj),
    });
  }
  return out;
}

function readySecondsOf(o: KubeObject | undefined): number {
  const v = (o?.spec as { minReadySeconds?: number } | undefined)?.minReadySeconds;
  return typeof v === 'number' && v > 0 ? v : 30;
}
