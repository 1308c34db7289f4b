/**
 * @module modelserver/auth
 * Bearer-token protection of the model server's write routes. Reads stay open; when a token is
 * configured, writes need `Authorization: Bearer <token>` and get 401 JSON otherwise. Tokens are
 * compared in constant time (over their SHA-256 digests, so lengths do not leak either).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ERR_UNAUTHORIZED } from '../core/errors.js';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** True when the `Authorization` header carries exactly `Bearer <token>`. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m) return false;
  return timingSafeEqual(digest(m[1]), digest(token));
}

/** A fastify preHandler that rejects requests without the token (a no-op when `token` is empty). */
export function requireToken(token: string): (req: FastifyRequest, reply: FastifyReply) => Promise<void> {
  return async (req, reply) => {
    if (token === '') return;
    if (bearerMatches(req.headers.authorization, token)) return;
    reply.header('www-authenticate', 'Bearer realm="powerplane-model-server"');
    throw ERR_UNAUTHORIZED(req.headers.authorization ? 'the bearer token is wrong' : 'this route needs Authorization: Bearer <token>', { field: 'authorization' });
  };
}
