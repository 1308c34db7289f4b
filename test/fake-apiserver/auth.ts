/**
 * @module fake-apiserver/auth
 * Authentication and (rule-based) authorization of the fake API server, as the real one answers:
 * a client certificate signed by the server's CA (user = CN, groups = O) or a known bearer token
 * authenticates; anything else is 401 `Unauthorized` (health and version paths allow anonymous
 * access). A `system:masters` user may impersonate (`Impersonate-User`, `Impersonate-Group`; a
 * service account user gets its groups as on a real server). Forbid rules answer 403 `Forbidden`
 * with the real server's message. RBAC objects are not evaluated: tests say what is forbidden.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { ApiError } from './status.js';
import type { FakeForbidRule, FakeRequestInfo, FakeUser } from './types.js';

/** Paths served to anyone, as with the API server's `system:public-info-viewer` role. */
const PUBLIC_PATHS = new Set(['/healthz', '/readyz', '/livez', '/version']);

function header(req: IncomingMessage, name: string): string[] {
  const v = req.headers[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** Users known by token, and forbid rules. */
export class FakeAuth {
  readonly tokens = new Map<string, FakeUser>();
  readonly rules = new Set<FakeForbidRule>();

  /**
   * The user a request is made as (after impersonation), or undefined for an anonymous request to a
   * public path. Throws 401 for missing or unknown credentials, 403 for impersonation by a non-admin.
   */
  authenticate(req: IncomingMessage, path: string): FakeUser | undefined {
    const user = this.#credentials(req);
    if (!user) {
      if (PUBLIC_PATHS.has(path)) return undefined;
      throw new ApiError(401, 'Unauthorized', 'Unauthorized');
    }
    const as = header(req, 'impersonate-user')[0];
    if (as === undefined) return user;
    if (!user.groups.includes('system:masters')) {
      throw new ApiError(
        403,
        'Forbidden',
        `users "${as}" is forbidden: User "${user.name}" cannot impersonate resource "users" in API group "" at the cluster scope`,
      );
    }
    const sa = /^system:serviceaccount:([^:]+):[^:]+$/.exec(as);
    const groups = header(req, 'impersonate-group');
    return {
      name: as,
      groups: [...(groups.length > 0 ? groups : sa ? ['system:serviceaccounts', `system:serviceaccounts:${sa[1]}`] : []), 'system:authenticated'],
    };
  }

  #credentials(req: IncomingMessage): FakeUser | undefined {
    const auth = header(req, 'authorization')[0];
    if (auth !== undefined) {
      const m = /^Bearer\s+(\S+)$/i.exec(auth);
      const user = m ? this.tokens.get(m[1]) : undefined;
      if (!user) throw new ApiError(401, 'Unauthorized', 'Unauthorized');
      return user;
    }
    const socket = req.socket as TLSSocket;
    const peer = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : undefined;
    if (!peer || !peer.subject) return undefined;
    if (!socket.authorized) throw new ApiError(401, 'Unauthorized', 'Unauthorized');
    const o = peer.subject.O;
    return { name: String(peer.subject.CN ?? ''), groups: [...(o === undefined ? [] : Array.isArray(o) ? o : [o]), 'system:authenticated'] };
  }

  /** Throws 403 when a forbid rule matches the request. */
  authorize(info: FakeRequestInfo): void {
    const user = info.user;
    if (!user) return;
    const verb = info.verb === 'apply' ? 'patch' : info.verb;
    const resource = info.subresource ? `${info.plural}/${info.subresource}` : info.plural;
    for (const r of this.rules) {
      if (r.user !== undefined && r.user !== user.name) continue;
      if (r.verb !== undefined && r.verb !== verb) continue;
      if (r.group !== undefined && r.group !== info.group) continue;
      if (r.resource !== undefined && r.resource !== resource) continue;
      if (r.namespace !== undefined && r.namespace !== info.namespace) continue;
      const what = info.name ? `${qualified(info.plural, info.group)} "${info.name}"` : qualified(info.plural, info.group);
      const where = info.namespace ? `in the namespace "${info.namespace}"` : 'at the cluster scope';
      const sub = info.subresource ? ` subresource "${info.subresource}"` : '';
      throw new ApiError(
        403,
        'Forbidden',
        `${what} is forbidden: User "${user.name}" cannot ${verb} resource "${info.plural}"${sub} in API group "${info.group}" ${where}`,
        { name: info.name ?? '', group: info.group, kind: info.plural },
      );
    }
  }
}

function qualified(plural: string, group: string): string {
  return group ? `${plural}.${group}` : plural;
}
