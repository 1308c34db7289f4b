/**
 * @module kube/transport
 * Raw JSON requests to the API server through client-node's own HTTP stack (its KubeConfig
 * authentication: bearer/exec/token-file auth, client certificates, CA, skipTLSVerify), without
 * client-node's model (de)serialisation, which turns timestamps into Date objects and drops fields of
 * kinds it does not know. Failures become {@link KubeError}s.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { HttpMethod, RequestContext, ServerConfiguration, createConfiguration, type HttpLibrary, type KubeConfig } from '@kubernetes/client-node';
import { ERR_KUBE_CONFIG, KubeError, kubeErrorFromResponse, toKubeError } from './errors.js';

/** One request: method, absolute path (starting with `/`), query, JSON body and its content type. */
export interface KubeRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
}

/** Sends API requests; the seam the client is built on. */
export interface KubeTransport {
  /** Sends the request and returns the parsed JSON answer; throws KubeError on a non-2xx answer. */
  request<T>(req: KubeRequest): Promise<T>;
}

/** Largest answer accepted (64 MiB): a bound against runaway lists. */
const MAX_RESPONSE_CHARS = 64 * 1024 * 1024;

/** The transport over a client-node KubeConfig. */
export class ClientNodeTransport implements KubeTransport {
  readonly #kc: KubeConfig;
  readonly #server: string;
  readonly #http: HttpLibrary;
  #agent: HttpAgent | undefined;
  #agentKey: unknown[] = [];

  readonly #timeoutMs: number;

  /** `timeoutMs` bounds each request (default 30 s): a hung API server fails the call instead of blocking it forever. */
  constructor(kc: KubeConfig, timeoutMs = 30_000) {
    this.#timeoutMs = timeoutMs;
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw ERR_KUBE_CONFIG('the Kubernetes configuration has no current cluster');
    this.#kc = kc;
    this.#server = cluster.server.replace(/\/+$/, '');
    this.#http = createConfiguration({ baseServer: new ServerConfiguration(this.#server, {}), authMethods: { default: kc } }).httpApi;
  }

  /**
   * client-node 1.4.0 builds a new Agent (without keep-alive) for every request, so every call
   * opens a new TCP and TLS connection. Keep one keep-alive agent per set of TLS settings instead
   * (a rotated client certificate gives a new agent).
   */
  #reuseConnections(ctx: RequestContext): void {
    const fresh = ctx.getAgent();
    if (!fresh || (fresh.constructor !== HttpAgent && fresh.constructor !== HttpsAgent)) return;
    const o = (fresh as HttpAgent & { options?: Record<string, unknown> }).options ?? {};
    const key = [fresh.constructor, o.ca, o.cert, o.key, o.pfx, o.passphrase, o.rejectUnauthorized, o.servername];
    if (!this.#agent || key.some((v, i) => v !== this.#agentKey[i])) {
      this.#agent?.destroy();
      const Ctor = fresh.constructor as typeof HttpAgent;
      this.#agent = new Ctor({ ...o, keepAlive: true });
      this.#agentKey = key;
    }
    ctx.setAgent(this.#agent);
  }

  async request<T>(req: KubeRequest): Promise<T> {
    const url = new URL(this.#server + req.path);
    for (const [k, v] of Object.entries(req.query ?? {})) {
      if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
    }
    const ctx = new RequestContext(url.toString(), req.method as HttpMethod);
    ctx.setHeaderParam('Accept', 'application/json');
    if (req.body !== undefined) {
      ctx.setHeaderParam('Content-Type', req.contentType ?? 'application/json');
      ctx.setBody(JSON.stringify(req.body));
    }
    const what = `${req.method} ${req.path}`;
    ctx.setSignal(AbortSignal.timeout(this.#timeoutMs));
    let status: number;
    let text: string;
    try {
      await this.#kc.applySecurityAuthentication(ctx);
      this.#reuseConnections(ctx);
      const response = await this.#http.send(ctx).toPromise();
      status = response.httpStatusCode;
      text = await response.body.text();
    } catch (err) {
      if ((err as Error)?.name === 'AbortError' || (err as Error)?.name === 'TimeoutError') {
        throw new KubeError(0, 'Timeout', `${what}: no answer within ${this.#timeoutMs} ms`, undefined, { cause: err });
      }
      throw toKubeError(err, what);
    }
    if (text.length > MAX_RESPONSE_CHARS) throw new KubeError(status, 'RequestEntityTooLarge', `${what}: answer larger than ${MAX_RESPONSE_CHARS} bytes`);
    if (status < 200 || status > 299) throw kubeErrorFromResponse(status, text, what);
    if (text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new KubeError(status, 'InternalError', `${what}: answer is not JSON`, undefined, { cause: err });
    }
  }
}
