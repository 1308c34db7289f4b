/**
 * @module core/http-guard
 * The request checks every powerplane server makes before it reads a body, as pure functions:
 * - `Host` must name this server (DNS rebinding): IP literals, `localhost`, the listen host and the
 *   configured `web.allowedHosts` names pass;
 * - state-changing requests (POST, PUT, PATCH, DELETE) from a browser page of another origin are refused
 *   (cross-site request forgery), judged by the `Origin` header a browser always sends on them;
 * - state-changing requests never accept a CORS-safelisted ("simple") content type, which a page
 *   could send without a preflight.
 */
import { isIP } from 'node:net';

/** Methods that change state; the Origin and content-type rules apply to them. */
export const STATE_CHANGING_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Content types a browser sends cross-site without a CORS preflight; never accepted on a write. */
export const CORS_SAFELISTED_TYPES: readonly string[] = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data'];

/** The media type of a `Content-Type` header: lower case, without parameters (`''` when absent). */
export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/** The host name of a `Host` header (`name:port`, `[v6]:port`, `name`): lower case, no port, brackets or trailing dot. */
export function hostnameOf(hostHeader: string | undefined): string | undefined {
  const h = (hostHeader ?? '').trim().toLowerCase();
  const m = /^(?:\[([0-9a-f:.]+)\]|([^:[\]/@\s]+))(?::\d{1,5})?$/.exec(h);
  if (!m) return undefined;
  return (m[1] ?? m[2]).replace(/\.$/, '');
}

/** What {@link isHostAllowed} checks against. */
export interface HostPolicy {
  /** The host part of the listen address (`0.0.0.0`, `127.0.0.1`, a name). */
  listenHost: string;
  /**
   * Extra names this server answers to. An entry starting with `.` matches that domain and its
   * subdomains (`.example.com`); `*` turns the check off.
   */
  allowedHosts: readonly string[];
}

/**
 * True when a request with this `Host` header may be served. A rebinding attack needs a DNS name the
 * attacker controls, so IP literals pass, as do `localhost` (and `*.localhost`), the listen host
 * and the configured names; anything else is refused.
 */
export function isHostAllowed(hostHeader: string | undefined, policy: HostPolicy): boolean {
  if (policy.allowedHosts.includes('*')) return true;
  const host = hostnameOf(hostHeader);
  if (host === undefined) return false;
  if (isIP(host) !== 0) return true;
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === policy.listenHost.toLowerCase().replace(/\.$/, '')) return true;
  return policy.allowedHosts.some((entry) => {
    const e = entry.trim().toLowerCase().replace(/\.$/, '');
    return e.startsWith('.') ? host === e.slice(1) || host.endsWith(e) : host === e;
  });
}

/**
 * True when `origin` (a request's `Origin` header) is another origin than the server the request was
 * sent to (its `Host`). An absent Origin is not cross-origin (non-browser clients send none); the
 * opaque origin `null` always is.
 */
export function isCrossOrigin(origin: string | undefined, hostHeader: string | undefined): boolean {
  if (origin === undefined) return false;
  let o: URL;
  try {
    o = new URL(origin);
  } catch {
    return true;
  }
  if ((o.protocol !== 'http:' && o.protocol !== 'https:') || !hostHeader) return true;
  let requested: URL;
  try {
    requested = new URL(`${o.protocol}//${hostHeader.trim()}`);
  } catch {
    return true;
  }
  return requested.host.toLowerCase() !== o.host.toLowerCase();
}

/** Why a write was refused by {@link checkWrite}, or undefined when it may proceed. */
export type WriteRefusal = { kind: 'origin'; origin: string } | { kind: 'content-type'; mediaType: string };

/**
 * The cross-site rules of a state-changing request: a cross-origin `Origin` is refused; a body
 * must come with a content type that is not CORS-safelisted (the route's parsers decide which
 * ones it accepts).
 */
export function checkWrite(headers: {
  origin?: string;
  host?: string;
  'content-type'?: string;
  'content-length'?: string;
  'transfer-encoding'?: string;
}): WriteRefusal | undefined {
  if (isCrossOrigin(headers.origin, headers.host)) return { kind: 'origin', origin: headers.origin ?? '' };
  const type = mediaTypeOf(headers['content-type']);
  const hasBody = headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0');
  if (CORS_SAFELISTED_TYPES.includes(type) || (type === '' && hasBody)) return { kind: 'content-type', mediaType: type };
  return undefined;
}
