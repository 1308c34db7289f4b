/**
 * @module estimator/http-client
 * A small HTTP(S) client for monitors and predictors: one timeout per request, an abort signal, basic
 * auth, optional TLS verification skip (BMCs with self-signed certificates), and a cap on the answer's
 * size so a misbehaving endpoint cannot exhaust memory.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { BasicAuth } from './types.js';

/** Options of {@link fetchText}. */
export interface FetchOptions {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  basicAuth?: BasicAuth;
  insecureSkipVerify?: boolean;
  /** Largest accepted answer in bytes (default 4 MiB). */
  maxBytes?: number;
}

/** An HTTP answer. */
export interface FetchResult {
  status: number;
  body: string;
}

/** Sends one request and resolves with status and body text; rejects on network errors, timeout, abort or an oversized answer. */
export function fetchText(url: string, opts: FetchOptions): Promise<FetchResult> {
  return new Promise((resolve, reject) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      reject(new Error(`invalid URL ${JSON.stringify(url)}`));
      return;
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      reject(new Error(`unsupported URL scheme ${u.protocol} in ${url}`));
      return;
    }
    const headers: Record<string, string> = { accept: 'application/json, text/plain;q=0.9, */*;q=0.5', ...opts.headers };
    if (opts.basicAuth) headers.authorization = 'Basic ' + Buffer.from(`${opts.basicAuth.username}:${opts.basicAuth.password}`).toString('base64');
    if (opts.body !== undefined) headers['content-length'] = String(Buffer.byteLength(opts.body));
    const maxBytes = opts.maxBytes ?? 4 << 20;
    const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(u, {
      method: opts.method ?? 'GET',
      headers,
      timeout: opts.timeoutMs,
      signal: opts.signal,
      ...(u.protocol === 'https:' ? { rejectUnauthorized: !opts.insecureSkipVerify } : {}),
    });
    req.on('timeout', () => req.destroy(new Error(`timed out after ${opts.timeoutMs} ms: ${u.origin}${u.pathname}`)));
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBytes) {
          req.destroy(new Error(`answer from ${u.origin}${u.pathname} exceeds ${maxBytes} bytes`));
          return;
        }
        chunks.push(c);
      });
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.end(opts.body);
  });
}

/** Sends a request and parses a 2xx JSON answer; rejects with the status and a snippet otherwise. */
export async function fetchJson(url: string, opts: FetchOptions): Promise<unknown> {
  const res = await fetchText(url, opts);
  if (res.status < 200 || res.status >= 300) throw new Error(`${url} answered ${res.status}: ${res.body.slice(0, 200)}`);
  try {
    return JSON.parse(res.body) as unknown;
  } catch {
    throw new Error(`${url} answered with invalid JSON`);
  }
}

/** Replaces `{node}` and `{address}` in an endpoint template. */
export function expandEndpoint(template: string, node: { name: string; address?: string }): string {
  return template.replaceAll('{node}', encodeURIComponent(node.name)).replaceAll('{address}', node.address ?? '');
}

/** Reads a number from a value that may be a number or a numeric string; undefined otherwise. */
export function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}
