/**
 * @module agent/platform/http-get
 * A small HTTP(S) GET for BMCs and exporters: timeout, response size limit, optional basic auth and
 * TLS verification that can be turned off for self-signed BMC certificates (never by default).
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** Options of {@link httpGet}. */
export interface HttpGetOptions {
  /** Basic auth credentials. */
  auth?: { username: string; password: string };
  /** Skip TLS certificate verification (BMCs with self-signed certificates). */
  insecureSkipVerify?: boolean;
  timeoutMs?: number;
  /** Largest accepted body. */
  maxBytes?: number;
  accept?: string;
}

/** The answer of a GET. */
export interface HttpGetResult {
  status: number;
  body: string;
}

/** GETs `url`; rejects on network errors, timeouts and bodies over the limit (not on HTTP error statuses). */
export function httpGet(url: URL, opts: HttpGetOptions = {}): Promise<HttpGetResult> {
  const maxBytes = opts.maxBytes ?? 1 << 20;
  const headers: Record<string, string> = { accept: opts.accept ?? 'application/json' };
  if (opts.auth) headers.authorization = `Basic ${Buffer.from(`${opts.auth.username}:${opts.auth.password}`).toString('base64')}`;
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers, timeout: opts.timeoutMs ?? 5000, rejectUnauthorized: !opts.insecureSkipVerify }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBytes) {
          req.destroy(new Error(`response from ${url.origin}${url.pathname} is larger than ${maxBytes} bytes`));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url.origin}${url.pathname} timed out after ${opts.timeoutMs ?? 5000} ms`)));
    req.on('error', reject);
    req.end();
  });
}
