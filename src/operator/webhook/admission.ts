/**
 * @module operator/webhook/admission
 * AdmissionReview (admission.k8s.io/v1) handling, as pure functions: validation of PowerMonitors
 * (singleton name, spec sanity) and Estimators, and defaulting as an RFC 6902 JSON patch computed
 * with fast-json-patch. Objects being deleted are always admitted, so finalizers can be removed.
 */
import jsonPatch from 'fast-json-patch';
import {
  powerMonitorProblems,
  estimatorProblems,
  powerCapPolicyProblems,
  defaultedPowerMonitorSpec,
  defaultedEstimatorSpec,
  type Problem,
} from '../api/validation.js';
import { ERR_OPERATOR_BAD_REVIEW } from '../errors.js';

/** The part of an AdmissionReview request the webhook reads. */
export interface AdmissionRequest {
  uid: string;
  operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  name: string;
  /** The namespace of a namespaced object. */
  namespace?: string;
  /** True for a dry-run request (no side effects). */
  dryRun?: boolean;
  object: { metadata?: { name?: string; deletionTimestamp?: string }; spec?: unknown; [k: string]: unknown };
  userInfo: { username: string; extra: Record<string, string[]> };
}

/** userInfo.extra key carrying the node a bound service-account token belongs to (Kubernetes ≥ 1.30). */
export const NODE_NAME_EXTRA = 'authentication.kubernetes.io/node-name';

/** An AdmissionReview response. */
export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: { code: number; message: string; reason?: string };
  patchType?: 'JSONPatch';
  patch?: string;
  warnings?: string[];
}

/** A full AdmissionReview answer. */
export interface AdmissionReviewResponse {
  apiVersion: 'admission.k8s.io/v1';
  kind: 'AdmissionReview';
  response: AdmissionResponse;
}

/** Extracts the request from an AdmissionReview body; throws PP_OPERATOR_BAD_REVIEW naming the field. */
export function parseAdmissionReview(body: unknown): AdmissionRequest {
  const b = body as { apiVersion?: unknown; kind?: unknown; request?: Record<string, unknown> } | null;
  if (!b || typeof b !== 'object' || b.kind !== 'AdmissionReview') throw ERR_OPERATOR_BAD_REVIEW('body is not an AdmissionReview', { field: 'kind' });
  if (b.apiVersion !== 'admission.k8s.io/v1')
    throw ERR_OPERATOR_BAD_REVIEW(`apiVersion must be admission.k8s.io/v1, got ${JSON.stringify(b.apiVersion)}`, { field: 'apiVersion' });
  const r = b.request;
  if (!r || typeof r !== 'object') throw ERR_OPERATOR_BAD_REVIEW('request is missing', { field: 'request' });
  if (typeof r.uid !== 'string' || r.uid === '') throw ERR_OPERATOR_BAD_REVIEW('request.uid is missing', { field: 'request.uid' });
  if (!['CREATE', 'UPDATE', 'DELETE', 'CONNECT'].includes(r.operation as string))
    throw ERR_OPERATOR_BAD_REVIEW('request.operation is invalid', { field: 'request.operation' });
  const object = (r.object ?? {}) as AdmissionRequest['object'];
  if (typeof object !== 'object') throw ERR_OPERATOR_BAD_REVIEW('request.object is not an object', { field: 'request.object' });
  const ui = (r.userInfo ?? {}) as { username?: unknown; extra?: unknown };
  const extra = ui.extra && typeof ui.extra === 'object' ? (ui.extra as Record<string, string[]>) : {};
  return {
    uid: r.uid,
    operation: r.operation as AdmissionRequest['operation'],
    name: String(r.name ?? object.metadata?.name ?? ''),
    ...(typeof r.namespace === 'string' && r.namespace !== '' ? { namespace: r.namespace } : {}),
    dryRun: r.dryRun === true,
    object,
    userInfo: { username: typeof ui.username === 'string' ? ui.username : '', extra },
  };
}

function envelope(response: AdmissionResponse): AdmissionReviewResponse {
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response };
}

function verdict(req: AdmissionRequest, problems: Problem[]): AdmissionReviewResponse {
  if (problems.length === 0 || req.object.metadata?.deletionTimestamp) return envelope({ uid: req.uid, allowed: true });
  const message = problems.map((p) => `${p.field}: ${p.message}`).join('; ');
  return envelope({ uid: req.uid, allowed: false, status: { code: 422, reason: 'Invalid', message } });
}

/** Validates a PowerMonitor: on CREATE only `powerplane` is admitted; the spec must make sense. */
export function validatePowerMonitor(req: AdmissionRequest): AdmissionReviewResponse {
  let problems = powerMonitorProblems(req.name, req.object.spec);
  // An already existing PowerMonitor with another name (made while the webhook was down) may still be edited or cleaned up.
  if (req.operation !== 'CREATE') problems = problems.filter((p) => p.field !== 'metadata.name');
  return verdict(req, problems);
}

/** Validates a PowerCapPolicy: one budget form, 0 < release < act ≤ 1, known kinds and actions. */
export function validatePowerCapPolicy(req: AdmissionRequest): AdmissionReviewResponse {
  return verdict(req, powerCapPolicyProblems(req.object.spec));
}

/** Validates an Estimator's spec. */
export function validateEstimator(req: AdmissionRequest): AdmissionReviewResponse {
  return verdict(req, estimatorProblems(req.object.spec));
}

/** The spec to default: an object, or nothing; anything else is a 400 naming `request.object.spec` (validation explains it to the user). */
function specToDefault(req: AdmissionRequest): unknown {
  const spec = req.object.spec;
  if (spec !== undefined && spec !== null && (typeof spec !== 'object' || Array.isArray(spec))) {
    throw ERR_OPERATOR_BAD_REVIEW(`request.object.spec must be an object, got ${Array.isArray(spec) ? 'an array' : typeof spec}`, {
      field: 'request.object.spec',
    });
  }
  return spec;
}

function defaulting(req: AdmissionRequest, defaulted: unknown): AdmissionReviewResponse {
  if (req.object.metadata?.deletionTimestamp) return envelope({ uid: req.uid, allowed: true });
  const before = { spec: req.object.spec };
  const ops = jsonPatch.compare(before.spec === undefined ? {} : before, { spec: defaulted });
  if (ops.length === 0) return envelope({ uid: req.uid, allowed: true });
  return envelope({ uid: req.uid, allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(ops)).toString('base64') });
}

/** Fills in the PowerMonitor spec's defaults. */
export function mutatePowerMonitor(req: AdmissionRequest): AdmissionReviewResponse {
  return defaulting(req, defaultedPowerMonitorSpec(specToDefault(req)));
}

/** Fills in WAO's Estimator defaults. */
export function mutateEstimator(req: AdmissionRequest): AdmissionReviewResponse {
  return defaulting(req, defaultedEstimatorSpec(specToDefault(req)));
}

/**
 * Admits a PowerNode write from an agent only for the agent's own node: RBAC cannot tell agents
 * apart (one ServiceAccount, and `create` cannot be limited by name), but a pod-bound token names
 * its node in `userInfo.extra` (Kubernetes ≥ 1.30). Other writers, and tokens without that claim,
 * are admitted (RBAC already limits them).
 */
export function validatePowerNode(req: AdmissionRequest, agentServiceAccountSuffix = ':powerplane-agent'): AdmissionReviewResponse {
  const { username, extra } = req.userInfo;
  const node = extra[NODE_NAME_EXTRA]?.[0];
  if (!username.startsWith('system:serviceaccount:') || !username.endsWith(agentServiceAccountSuffix) || !node || node === req.name)
    return envelope({ uid: req.uid, allowed: true });
  return envelope({
    uid: req.uid,
    allowed: false,
    status: { code: 403, reason: 'Forbidden', message: `metadata.name: the agent on node ${node} may only write PowerNode ${node}, not ${req.name}` },
  });
}
