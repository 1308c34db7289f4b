/**
 * @module core/server
 * The one HTTP server type. It mounts {@link Component}s, answers `GET /healthz` and `GET /readyz`,
 * renders every error as JSON (`{code, message, field?}`; catalog errors keep their code and status),
 * and shuts down cleanly on SIGTERM/SIGINT.
 */
import Fastify, { LogController, type FastifyInstance, type FastifyError } from 'fastify';
import type { Logger } from './logger.js';
import type { Component } from './component.js';
import { PowerplaneError, ERR_BAD_REQUEST, ERR_INVALID_FLAG, ERR_PAYLOAD_TOO_LARGE, ERR_NOT_FOUND } from './errors.js';

/** Options of {@link createServer}. */
export interface ServerOptions {
  log: Logger;
  components: Component[];
  /** Largest request body in bytes (default 1 MiB). Components may set a larger limit per route. */
  bodyLimit?: number;
  /** HTTPS options (the admission webhook). */
  https?: { key: string | Buffer; cert: string | Buffer };
}

/** A started or startable server. */
export interface PowerplaneServer {
  app: FastifyInstance;
  /** Starts components, then listens on `host:port`; resolves with the base URL. */
  listen(address: string): Promise<string>;
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

/** Builds a server with the given components mounted. */
export async function createServer(opts: ServerOptions): Promise<PowerplaneServer> {
  const app = Fastify({
    loggerInstance: opts.log.child({ component: 'http' }),
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: opts.bodyLimit ?? 1 << 20,
    ...(opts.https ? { https: opts.https } : {}),
  }) as unknown as FastifyInstance;

  app.setErrorHandler((err: FastifyError | PowerplaneError, req, reply) => {
    if (err instanceof PowerplaneError) {
      if (err.status >= 500) req.log.error({ err }, err.message);
      return reply.status(err.status).send(err.toJSON());
    }
    if (err.validation) {
      const v = err.validation[0];
      const field = (v?.instancePath || '').replace(/^\//, '').replace(/\//g, '.') || (v?.params as { missingProperty?: string })?.missingProperty || err.validationContext || 'body';
      return reply.status(400).send(ERR_BAD_REQUEST(`${field}: ${v?.message ?? err.message}`, { field }).toJSON());
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.status(413).send(ERR_PAYLOAD_TOO_LARGE(err.message, { field: 'body' }).toJSON());
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.status(err.statusCode).send({ code: err.code ?? ERR_BAD_REQUEST.definition.code, message: err.message, field: 'body' });
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
  return {
    app,
    async listen(address: string) {
      const { host, port } = parseListenAddress(address);
      for (const c of opts.components) {
        await c.start?.();
        started.push(c);
      }
      await app.listen({ host, port });
      const addr = app.server.address();
      const actualPort = typeof addr === 'object' && addr ? addr.port : port;
      const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
      return `${opts.https ? 'https' : 'http'}://${shownHost}:${actualPort}`;
    },
    close() {
      closing ??= (async () => {
        await app.close();
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
