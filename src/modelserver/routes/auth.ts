/**
 * @module modelserver/routes/auth
 * Bearer-token protection of the model server's write routes. Reads stay open; when a token is
 * configured, writes need `Authorization: Bearer <token>` and get 401 JSON otherwise, checked in
 * `onRequest`, before the body is read. Tokens are compared in constant time (over their SHA-256
 * digests, so lengths do not leak either). Without a token the model server listens on loopback only,
 * unless `--web.insecure-no-auth` says otherwise.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PowerplaneConfig } from '../../core/config-keys.js';
import { ERR_FILE_UNREADABLE, ERR_INVALID_CONFIG, ERR_INVALID_FLAG, ERR_UNAUTHORIZED, errorMessage } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { parseListenAddress } from '../../core/server.js';
import { isLoopbackHost } from '../../core/loopback.js';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** True when the `Authorization` header carries exactly `Bearer <token>`. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m) return false;
  return timingSafeEqual(digest(m[1]), digest(token));
}

/** A fastify onRequest hook that rejects requests without the token (a no-op when `token` is empty). */
export function requireToken(token: string): (req: FastifyRequest, reply: FastifyReply) => Promise<void> {
  return async (req, reply) => {
    if (token === '') return;
    if (bearerMatches(req.headers.authorization, token)) return;
    reply.header('www-authenticate', 'Bearer realm="powerplane-model-server"');
    throw ERR_UNAUTHORIZED(req.headers.authorization ? 'the bearer token is wrong' : 'this route needs Authorization: Bearer <token>', {
      field: 'authorization',
    });
  };
}

/** The model server token: the content of `modelServer.tokenFile` (trimmed) when set, else `modelServer.token`. */
export function resolveModelServerToken(config: PowerplaneConfig): string {
  const file = config.modelServer.tokenFile;
  if (file === '') return config.modelServer.token;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw ERR_FILE_UNREADABLE(`cannot read the model server token file ${file}: ${(e as NodeJS.ErrnoException).code ?? errorMessage(e)}`, {
      path: file,
      flag: '--model-server.token-file',
    });
  }
  const token = text.trim();
  if (token === '' || /\s/.test(token))
    throw ERR_INVALID_CONFIG(`the model server token file ${file} must hold one token without spaces`, { path: file, key: 'modelServer.tokenFile' });
  return token;
}

/**
 * Refuses to serve the model server's write routes open on a non-loopback address: without a token,
 * `web.listenAddress` must be loopback, or `web.insecureNoAuth` must say so (then a warning is logged).
 * No listen address (a test that binds the server itself) is not checked.
 */
export function assertModelServerAuth(config: PowerplaneConfig, token: string, log: Logger): void {
  if (token !== '') return;
  const open = config.web.listenAddress.filter((a) => !isLoopbackHost(parseListenAddress(a).host));
  if (open.length === 0) return;
  if (!config.web.insecureNoAuth) {
    throw ERR_INVALID_FLAG(
      `the model server would listen on ${open.join(', ')} with no token, so anyone who can connect could replace or delete models: set --model-server.token-file (or --model-server.token), listen on 127.0.0.1, or pass --web.insecure-no-auth to run it open`,
      { flag: '--web.listen-address' },
    );
  }
  log.warn(
    { addresses: open },
    'INSECURE: the model server runs without a token on a non-loopback address (--web.insecure-no-auth): anyone who can connect can replace or delete models',
  );
}
