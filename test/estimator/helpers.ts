/**
 * Loopback HTTP servers for the estimator's integration tests.
 */
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { existsSync, readFileSync, mkdtempSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { tmpdir } from 'node:os';
import { OpensslPki } from '../helpers/tls.js';
import type { AddressInfo } from 'node:net';

/** A running loopback server. */
export interface TestServer {
  url: string;
  requests: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[];
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void | Promise<void>;

async function start(server: Server, scheme: string, requests: TestServer['requests']): Promise<TestServer> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function wrap(handler: Handler, requests: TestServer['requests']) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      Promise.resolve(handler(req, body, res)).catch((err: unknown) => {
        res.statusCode = 500;
        res.end(String(err));
      });
    });
  };
}

/** Starts an HTTP server on 127.0.0.1:0. */
export function serve(handler: Handler): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  return start(createServer(wrap(handler, requests)), 'http', requests);
}

/** Starts an HTTPS server with a fresh self-signed certificate (openssl). */
export function serveHttps(handler: Handler): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'pp-tls-'));
  const pki = new OpensslPki(dir, 1).selfSigned('server', '/CN=127.0.0.1');
  const requests: TestServer['requests'] = [];
  const server = createHttpsServer({ key: pki.pem('server.key'), cert: pki.pem('server.crt') }, wrap(handler, requests));
  return start(server, 'https', requests);
}

/** Sends JSON. */
export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** A handler serving a Redfish mockup directory (`<root>/redfish/v1/.../index.json`), optionally behind basic auth. */
export function redfishMockup(root: string, auth?: { username: string; password: string }): Handler {
  return (req, _body, res) => {
    if (auth) {
      const expected = 'Basic ' + Buffer.from(`${auth.username}:${auth.password}`).toString('base64');
      if (req.headers.authorization !== expected) return json(res, 401, { error: { code: 'Base.1.0.NoValidSession' } });
    }
    const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0])).replace(/\/+$/, '');
    if (path.includes('..')) return json(res, 400, {});
    const file = join(root, path, 'index.json');
    if (!existsSync(file)) return json(res, 404, { error: { code: 'Base.1.0.ResourceMissingAtURI' } });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(readFileSync(file));
  };
}
