/**
 * @module kube/errors
 * Error codes of the kube layer and `KubeError`, the one error type every failed API call becomes.
 * client-node 1.4.0 throws `ApiException` whose `.body` is the raw JSON string of a `Status`;
 * {@link toKubeError} parses it once so callers match on `reason`/`httpStatus`, never on text.
 */
import { PowerplaneError, defineError, type ErrorDefinition } from '../core/errors.js';
import type { KubeStatus } from './types.js';

/** The API server answered with a failure status. */
export const ERR_KUBE_API = defineError('PP_KUBE_API', 502, 1, 'The Kubernetes API server answered with an error');
/** The API server could not be reached (connection refused, reset, DNS, TLS). */
export const ERR_KUBE_UNREACHABLE = defineError('PP_KUBE_UNREACHABLE', 502, 1, 'The Kubernetes API server could not be reached');
/** No kubeconfig / service account could be loaded. */
export const ERR_KUBE_CONFIG = defineError('PP_KUBE_CONFIG', 400, 2, 'No usable Kubernetes configuration (kubeconfig or in-cluster service account)');
/** Discovery does not know the kind (its CRD is not installed). */
export const ERR_KUBE_UNKNOWN_KIND = defineError('PP_KUBE_UNKNOWN_KIND', 404, 1, 'The API server does not serve this kind');

/** A failed Kubernetes API call, normalised: HTTP status, `Status.reason`, message, and the Status. */
export class KubeError extends PowerplaneError {
  /** HTTP status code of the answer (0 when the server was not reached). */
  readonly httpStatus: number;
  /** `Status.reason` (`NotFound`, `AlreadyExists`, `Conflict`, `Gone`, `Invalid`, `Forbidden`, …) or '' */
  readonly reason: string;
  /** The parsed `Status` object, when the server sent one. */
  readonly kubeStatus: KubeStatus | undefined;

  constructor(
    httpStatus: number,
    reason: string,
    message: string,
    kubeStatus?: KubeStatus,
    options?: { cause?: unknown; definition?: ErrorDefinition },
  ) {
    const def = options?.definition ?? (httpStatus === 0 ? ERR_KUBE_UNREACHABLE.definition : ERR_KUBE_API.definition);
    super(def, message, { httpStatus, reason }, { cause: options?.cause });
    this.name = 'KubeError';
    this.httpStatus = httpStatus;
    this.reason = reason;
    this.kubeStatus = kubeStatus;
  }
}

const reasonByStatus: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** Parses a response body (string, Buffer or object) into a `Status` when it is one. */
export function parseStatus(body: unknown): KubeStatus | undefined {
  let value = body;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  } else if (value instanceof Uint8Array) {
    try {
      value = JSON.parse(Buffer.from(value).toString('utf8'));
    } catch {
      return undefined;
    }
  }
  if (value && typeof value === 'object' && (value as { kind?: unknown }).kind === 'Status') return value as KubeStatus;
  return undefined;
}

/** Builds a KubeError from an HTTP status and a response body. */
export function kubeErrorFromResponse(httpStatus: number, body: unknown, what: string): KubeError {
  const status = parseStatus(body);
  const reason = status?.reason || reasonByStatus[httpStatus] || '';
  const text = status?.message || (typeof body === 'string' && body.length < 500 ? body : '') || reason || `HTTP ${httpStatus}`;
  return new KubeError(httpStatus, reason, `${what}: ${text}`, status);
}

/**
 * Normalises anything a client-node call can throw (`ApiException` with a string body, a watch
 * error with `statusCode`, a node-fetch `FetchError`, a KubeError) into a KubeError.
 */
export function toKubeError(err: unknown, what = 'kubernetes request'): KubeError {
  if (err instanceof KubeError) return err;
  const e = err as { code?: unknown; statusCode?: unknown; body?: unknown; message?: unknown } | undefined;
  const httpStatus = typeof e?.code === 'number' ? e.code : typeof e?.statusCode === 'number' ? e.statusCode : 0;
  if (httpStatus > 0) {
    const k = kubeErrorFromResponse(httpStatus, e?.body, what);
    return new KubeError(k.httpStatus, k.reason, k.message, k.kubeStatus, { cause: err });
  }
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return new KubeError(0, '', `${what}: ${message}`, undefined, { cause: err });
}

/** True when the error is a 404 NotFound. */
export function isNotFound(err: unknown): boolean {
  return err instanceof KubeError && err.httpStatus === 404;
}
/** True when the error is a 403 Forbidden. */
export function isForbidden(err: unknown): boolean {
  return err instanceof KubeError && err.httpStatus === 403;
}
/** True when the error is a 409 Conflict (stale resourceVersion or SSA field conflict), not AlreadyExists. */
export function isConflict(err: unknown): boolean {
  return err instanceof KubeError && err.httpStatus === 409 && err.reason !== 'AlreadyExists';
}
/** True when the error is a 409 AlreadyExists. */
export function isAlreadyExists(err: unknown): boolean {
  return err instanceof KubeError && err.httpStatus === 409 && err.reason === 'AlreadyExists';
}
/** True when the error is a 410 Gone (resourceVersion too old / expired). */
export function isGone(err: unknown): boolean {
  return err instanceof KubeError && (err.httpStatus === 410 || err.reason === 'Expired' || err.reason === 'Gone');
}
