/**
 * @module core/server
 * The one HTTP server type. It mounts {@link Component}s, answers `GET /healthz` and `GET /readyz`,
 * renders every error as JSON (`{code, message, field?}`; catalog errors keep their code and status),
 * and shuts down cleanly on SIGTERM/SIGINT. Every server it builds, before reading a body:
 * checks `Host` (DNS rebinding), refuses cross-origin writes and CORS-safelisted content types on
 * writes (cross-site request forgery), and runs the authentication hook; it limits bodies (1 MiB unless
 * a route allows more), JSON nesting depth, the time to send headers and a request, idle keep-alive
 * time and the number of open connections.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
  type ServerOptions as HttpServerOptions,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { SecureContextOptions, TlsOptions } from 'node:tls';
import Fastify, { LogController, type FastifyInstance, type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from './logger.js';
import type { Component } from './component.js';
import type { PowerplaneConfig } from './config-keys.js';
import {
  PowerplaneError,
  ERR_BAD_REQUEST,
  ERR_INVALID_FLAG,
  ERR_PAYLOAD_TOO_LARGE,
  ERR_NOT_FOUND,
  ERR_ADDRESS_IN_USE,
  ERR_FORBIDDEN_ORIGIN,
  ERR_HOST_NOT_ALLOWED,
  ERR_UNSUPPORTED_MEDIA_TYPE,
} from './errors.js';
import { STATE_CHANGING_METHODS, checkWrite, isHostAllowed } from './http-guard.js';
import { MAX_JSON_DEPTH, jsonDepthExceeds } from './json-depth.js';

/** Connection and request limits of a server (see `web.*` in the config key table). */
export interface WebLimits {
  /** Extra Host names served (`web.allowedHosts`). */
  allowedHosts: readonly string[];
  /** Time to receive a whole request, ms. */
  requestTimeoutMs: number;
  /** Time to receive the request headers, ms. */
  headersTimeoutMs: number;
  /** Idle time of a kept-alive connection, ms. */
  keepAliveTimeoutMs: number;
  /** Most open connections; more are closed at once. */
  maxConnections: number;
}

/** Limits used when a command passes none: the config table's defaults. */
export const DEFAULT_WEB_LIMITS: WebLimits = {
  allowedHosts: [],
  requestTimeoutMs: 60_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 512,
};

/** The {@link WebLimits} a command's `web.*` configuration asks for. */
export function webLimitsFromConfig(web: PowerplaneConfig['web']): WebLimits {
  return {
    allowedHosts: web.allowedHosts,
    requestTimeoutMs: web.requestTimeout,
    headersTimeoutMs: web.headersTimeout,
    keepAliveTimeoutMs: web.keepAliveTimeout,
    maxConnections: web.maxConnections,
  };
}

export { WEB_SERVER_KEYS } from './web-keys.js';

/** Authenticates a request in `onRequest`, before its body is read; throws a catalog error (401) to refuse. */
export type RequestAuthenticator = (req: FastifyRequest, reply: FastifyReply) => Promise<void> | void;

/** Options of {@link createServer}. */
export interface ServerOptions {
  log: Logger;
  components: Component[];
  /** Largest request body in bytes (default 1 MiB). Routes that take uploads set a larger limit on the route. */
  bodyLimit?: number;
  /** TLS (the admission webhook, `--web.config-file`): key and certificate, optionally client-certificate settings. */
  https?: SecureContextOptions & Pick<TlsOptions, 'requestCert' | 'rejectUnauthorized'>;
  /** Connection and request limits (default {@link DEFAULT_WEB_LIMITS}). */
  limits?: Partial<WebLimits>;
  /** Headers added to every response (`http_server_config.headers` of a web config file). */
  headers?: Readonly<Record<string, string>>;
  /** Runs for every request but `/healthz` and `/readyz`, after the Host and cross-site checks, before the body is read. */
  authenticate?: RequestAuthenticator;
}

/** Where and how a server listens, for the one-line error when it cannot. */
export interface ListenOptions {
  /** The flag that sets the address (default `--web.listen-address`). */
  flag?: string;
  /** An extra hint appended to the error (e.g. how to pass the flag through `npm start`). */
  hint?: string;
}

/** A started or startable server. */
export interface PowerplaneServer {
  app: FastifyInstance;
  /**
   * Starts components, then listens on `host:port` (or on every address of a list, Kepler's repeated
   * `--web.listen-address`); resolves with the first base URL. A taken address throws
   * PP_ADDRESS_IN_USE naming the flag and the address.
   */
  listen(address: string | readonly string[], opts?: ListenOptions): Promise<string>;
  /** The base URLs listened on, one per address (empty before {@link listen}). */
  urls(): string[];
  /** Replaces the TLS key and certificate on every listening socket (a reloaded web config). */
  setSecureContext(context: SecureContextOptions): void;
  /** Stops listening and stops components in reverse order. Idempotent. */
  close(): Promise<void>;
}

/** Splits `host:port`, `:port` or `[::1]:port` into host and port; throws PP_INVALID_FLAG otherwise. */
export function parseListenAddress(address: string, flag = '--web.listen-address'): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(address.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw ERR_INVALID_FLAG(`${flag} must be host:port, got ${JSON.stringify(address)}`, { flag });
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

/** Turns a listen failure into a one-line catalog error naming the address and the flag that changes it. */
export function listenError(err: unknown, address: string, opts: ListenOptions = {}): unknown {
  const flag = opts.flag ?? '--web.listen-address';
  const code = (err as NodeJS.ErrnoException)?.code;
  const hint = opts.hint ? ` ${opts.hint}` : '';
  if (code === 'EADDRINUSE')
    return ERR_ADDRESS_IN_USE(`${address} is already in use: stop the other process or choose another address with ${flag}=HOST:PORT${hint}`, {
      flag,
      address,
    });
  if (code === 'EACCES')
    return ERR_INVALID_FLAG(
      `${address} may not be bound by this user (ports below 1024 need privileges): choose another address with ${flag}=HOST:PORT${hint}`,
      { flag, address },
    );
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
    return ERR_INVALID_FLAG(`${address} is not an address of this machine: choose another with ${flag}=HOST:PORT${hint}`, { flag, address });
  return err;
}

/** Routes open without authentication, so that probes need no credentials: they reveal nothing. */
const UNAUTHENTICATED_ROUTES: ReadonlySet<string> = new Set(['/healthz', '/readyz']);

/** Headers of a request as the cross-site checks read them. */
type GuardHeaders = IncomingMessage['headers'] & { origin?: string; host?: string };

/**
 * Fastify's schema compiler factories, which refuse: a route given a `schema` fails when the server
 * starts, with this message, instead of loading Ajv for it.
 */
function noRouteSchemas(): never {
  throw new Error('powerplane routes take no fastify schema: check the input in the handler and throw ERR_BAD_REQUEST naming the field');
}

/** Builds a server with the given components mounted. */
export async function createServer(opts: ServerOptions): Promise<PowerplaneServer> {
  const limits: WebLimits = { ...DEFAULT_WEB_LIMITS, ...opts.limits };
  const requestTimeout = limits.requestTimeoutMs;
  const headersTimeout = Math.min(limits.headersTimeoutMs, requestTimeout);
  // Node checks the two timeouts on an interval (30 s by default): check often enough that they hold.
  const timeouts: HttpServerOptions = {
    requestTimeout,
    headersTimeout,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.max(50, Math.min(1000, headersTimeout / 2)),
  };
  const app = Fastify({
    loggerInstance: opts.log.child({ component: 'http' }),
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: opts.bodyLimit ?? 1 << 20,
    requestTimeout,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    ...(opts.https ? { https: { ...opts.https, ...timeouts } } : { http: timeouts }),
    // Handlers check their own input (one error catalog, the field named): fastify's schema compilers
    // (Ajv, fast-json-stringify) are never loaded, which keeps them off every server's start-up.
    schemaController: { compilersFactory: { buildValidator: noRouteSchemas, buildSerializer: noRouteSchemas } },
  }) as unknown as FastifyInstance;
  app.server.maxConnections = limits.maxConnections;
  let listenHosts: string[] = [''];
  /** Servers of the addresses after the first: they hand every request to fastify's. */
  const extraServers: HttpServer[] = [];
  const urls: string[] = [];
  const extraServer = (): HttpServer => {
    const forward = (req: IncomingMessage, res: ServerResponse) => void app.server.emit('request', req, res);
    const s = opts.https ? createHttpsServer({ ...opts.https, ...timeouts }, forward) : createHttpServer(timeouts, forward);
    s.maxConnections = limits.maxConnections;
    return s;
  };

  // Bodies: JSON (depth-limited, prototype poisoning refused) is the only default type; text/plain is not accepted.
  const jsonParser = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (jsonDepthExceeds(body as string, MAX_JSON_DEPTH))
      return done(ERR_BAD_REQUEST(`body: JSON is nested deeper than ${MAX_JSON_DEPTH} levels`, { field: 'body' }), undefined);
    jsonParser(req, body as string, done);
  });

  app.addHook('onRequest', async (req, reply) => {
    const headers = req.headers as GuardHeaders;
    if (!listenHosts.some((listenHost) => isHostAllowed(headers.host, { listenHost, allowedHosts: limits.allowedHosts }))) {
      throw ERR_HOST_NOT_ALLOWED(`Host ${JSON.stringify(headers.host ?? '')} is not a name of this server: add it with --web.allowed-hosts`, {
        field: 'host',
      });
    }
    if (STATE_CHANGING_METHODS.has(req.method)) {
      const refusal = checkWrite(headers);
      if (refusal?.kind === 'origin')
        throw ERR_FORBIDDEN_ORIGIN(`cross-origin ${req.method} refused: Origin ${JSON.stringify(refusal.origin)} is not this server`, {
          field: 'origin',
        });
      if (refusal?.kind === 'content-type') throw unsupportedType(req.method, refusal.mediaType);
    }
    if (opts.authenticate && !UNAUTHENTICATED_ROUTES.has(req.routeOptions.url ?? '')) await opts.authenticate(req, reply);
  });

  const extraHeaders = Object.entries(opts.headers ?? {});
  if (extraHeaders.length > 0) {
    app.addHook('onSend', async (_req, reply, payload) => {
      for (const [k, v] of extraHeaders) reply.header(k, v);
      return payload;
    });
  }

  app.setErrorHandler((err: FastifyError | PowerplaneError, req, reply) => {
    if (err instanceof PowerplaneError) {
      if (err.status >= 500) req.log.error({ err }, err.message);
      return reply.status(err.status).send(err.toJSON());
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.status(413).send(ERR_PAYLOAD_TOO_LARGE(err.message, { field: 'body' }).toJSON());
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      return reply.status(415).send(unsupportedType(req.method, String(req.headers['content-type'] ?? '')).toJSON());
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      // Fastify's own 4xx errors (malformed JSON, empty body, …) answer with the catalog's code; fastify's is kept as `cause`.
      return reply.status(err.statusCode).send(ERR_BAD_REQUEST(err.message, { field: 'body', ...(err.code ? { cause: err.code } : {}) }).toJSON());
    }
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ code: 'PP_INTERNAL', message: 'internal error' });
  });
  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send(ERR_NOT_FOUND(`no route ${req.method} ${req.url.split('?')[0]}`).toJSON());
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const notReady = opts.components.filter((c) => c.isReady && !c.isReady()).map((c) => c.name);
    if (notReady.length > 0) return reply.status(503).send({ status: 'not ready', components: notReady });
    return { status: 'ready', components: opts.components.map((c) => c.name) };
  });
  for (const c of opts.components) await c.routes(app);

  const started: Component[] = [];
  let closing: Promise<void> | undefined;
  const server: PowerplaneServer = {
    app,
    async listen(address: string | readonly string[], listenOpts: ListenOptions = {}) {
      // A repeated address is listened on once; `:0` (any free port) each time it is given.
      const addresses = typeof address === 'string' ? [address] : address.filter((a, i) => a.endsWith(':0') || address.indexOf(a) === i);
      const flag = listenOpts.flag ?? '--web.listen-address';
      if (addresses.length === 0) throw ERR_INVALID_FLAG(`${flag} names no address`, { flag });
      const targets = addresses.map((a) => ({ address: a, ...parseListenAddress(a, listenOpts.flag) }));
      listenHosts = targets.map((t) => t.host);
      for (const c of opts.components) {
        await c.start?.();
        started.push(c);
      }
      let current = targets[0];
      try {
        await app.listen({ host: current.host, port: current.port });
        urls.push(baseUrl(current.host, app.server, Boolean(opts.https)));
        for (current of targets.slice(1)) {
          const s = extraServer();
          extraServers.push(s);
          await new Promise<void>((resolve, reject) => {
            s.once('error', reject);
            s.listen(current.port, current.host, () => {
              s.off('error', reject);
              resolve();
            });
          });
          urls.push(baseUrl(current.host, s, Boolean(opts.https)));
        }
      } catch (err) {
        await server.close();
        throw listenError(err, current.address, listenOpts);
      }
      return urls[0];
    },
    urls: () => [...urls],
    setSecureContext(context) {
      for (const s of [app.server, ...extraServers]) (s as unknown as { setSecureContext(o: SecureContextOptions): void }).setSecureContext(context);
    },
    close() {
      closing ??= (async () => {
        for (const s of extraServers) s.closeAllConnections();
        await Promise.all(extraServers.map((s) => new Promise<void>((resolve) => (s.listening ? s.close(() => resolve()) : resolve()))));
        // the close ends idle keep-alive connections when it starts; one whose last request ends later would
        // stay open (and hold the close) until the client or keepAliveTimeout ends it: end those as they idle
        const reap = setInterval(() => app.server.closeIdleConnections(), 50);
        await app.close().finally(() => clearInterval(reap));
        for (const c of started.reverse()) {
          try {
            await c.stop?.();
          } catch (err) {
            opts.log.warn({ err, component: c.name }, 'component failed to stop cleanly');
          }
        }
      })();
      return closing;
    },
  };
  return server;
}

/** The base URL of a listening socket (a wildcard host is shown as 127.0.0.1). */
function baseUrl(host: string, s: HttpServer, tls: boolean): string {
  const addr = s.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `${tls ? 'https' : 'http'}://${shownHost}:${port}`;
}

/** The 415 of a write whose content type is refused. */
function unsupportedType(method: string, mediaType: string): PowerplaneError {
  const given = mediaType === '' ? 'a body without Content-Type' : `Content-Type ${mediaType}`;
  return ERR_UNSUPPORTED_MEDIA_TYPE(`${method} does not accept ${given}: send application/json (or application/zip for model archives)`, {
    field: 'content-type',
  });
}

/** Closes `server` on the first SIGTERM or SIGINT, then exits 0; a second signal exits at once. */
export function closeOnSignals(server: { close(): Promise<void> }, log: Logger): void {
  let stopping = false;
  const onSignal = (sig: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    log.info({ signal: sig }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (err) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
