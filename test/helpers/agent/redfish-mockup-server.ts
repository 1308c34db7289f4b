/**
 * @module test/helpers/agent/redfish-mockup-server
 * Test helper: serves a DMTF Redfish mockup directory (`<dir>/redfish/v1/<X>/index.json` is the body
 * of `GET /redfish/v1/<X>`) on a loopback port, with optional basic auth and hidden resources.
 */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';

/** Options of {@link serveRedfishMockup}. */
export interface MockupServerOptions {
  /** Required basic-auth credentials. */
  auth?: { username: string; password: string };
  /** Paths (prefixes) answered with 404, to exercise fallbacks. */
  hide?: string[];
}

/** A running mockup server. */
export interface MockupServer {
  url: string;
  /** Paths requested so far. */
  requests: string[];
  close(): Promise<void>;
}

/** Serves `dir` on 127.0.0.1 at a free port. */
export async function serveRedfishMockup(dir: string, opts: MockupServerOptions = {}): Promise<MockupServer> {
  const root = normalize(dir);
  const requests: string[] = [];
  const expected = opts.auth ? `Basic ${Buffer.from(`${opts.auth.username}:${opts.auth.password}`).toString('base64')}` : undefined;
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/\/+$/, '');
    requests.push(path);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (expected && req.headers.authorization !== expected) return send(401, { error: 'unauthorized' });
    if (opts.hide?.some((h) => path === h || path.startsWith(`${h}/`))) return send(404, { error: 'not found' });
    const file = normalize(join(root, path, 'index.json'));
    if (!file.startsWith(root + sep)) return send(404, { error: 'not found' });
    readFile(file, 'utf8').then(
      (body) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(body);
      },
      () => send(404, { error: 'not found' }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
