/**
 * @module kube/transport
 * Raw JSON requests to the API server through client-node's own HTTP stack (its KubeConfig
 * authentication: bearer/exec/token-file auth, client certificates, CA, skipTLSVerify), without
 * client-node's model (de)serialisation, which turns timestamps into Date objects and drops fields of
 * kinds it does not know. Failures become {@link KubeError}s.
 */
import { createHash } from 'node:crypto';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { HttpMethod, RequestContext, ServerConfiguration, createConfiguration, type HttpLibrary, type KubeConfig } from '@kubernetes/client-node';
import type { ApiConnectivity } from './connectivity.js';
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
  #agentKey = '';

  readonly #timeoutMs: number;
  readonly #connectivity: ApiConnectivity | undefined;

  /**
   * `timeoutMs` bounds each request (default 30 s): a hung API server fails the call instead of
   * blocking it forever. `connectivity` learns of every request that did or did not reach the server.
   */
  constructor(kc: KubeConfig, timeoutMs = 30_000, connectivity?: ApiConnectivity) {
    this.#timeoutMs = timeoutMs;
    this.#connectivity = connectivity;
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw ERR_KUBE_CONFIG('the Kubernetes configuration has no current cluster');
    this.#kc = kc;
    this.#server = cluster.server.replace(/\/+$/, '');
    this.#http = createConfiguration({ baseServer: new ServerConfiguration(this.#server, {}), authMethods: { default: kc } }).httpApi;
  }

  /**
   * client-node 1.4.0 builds a new Agent (without keep-alive) for every request, with freshly read
   * Buffers for the CA, client certificate and key, so every call would open a new TCP and TLS
   * connection. Keep one keep-alive agent per set of TLS settings instead, compared by content
   * ({@link agentFingerprint}); when they change (a rotated client certificate or CA), the old agent
   * is retired gracefully ({@link retireAgent}): requests in flight on it finish, its idle
   * connections close.
   */
  #reuseConnections(ctx: RequestContext): void {
    const fresh = ctx.getAgent();
    if (!fresh || (fresh.constructor !== HttpAgent && fresh.constructor !== HttpsAgent)) return;
    const o = (fresh as HttpAgent & { options?: Record<string, unknown> }).options ?? {};
    const key = agentFingerprint(fresh.constructor.name, o);
    if (!this.#agent || key !== this.#agentKey) {
      if (this.#agent) retireAgent(this.#agent);
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
      const failure =
        (err as Error)?.name === 'AbortError' || (err as Error)?.name === 'TimeoutError'
          ? new KubeError(0, 'Timeout', `${what}: no answer within ${this.#timeoutMs} ms`, undefined, { cause: err })
          : toKubeError(err, what);
      if (failure.httpStatus === 0) this.#connectivity?.unreachable(failure.message);
      throw failure;
    }
    this.#connectivity?.answered();
    if (text.length > MAX_RESPONSE_CHARS)
      throw new KubeError(status, 'RequestEntityTooLarge', `${what}: answer larger than ${MAX_RESPONSE_CHARS} bytes`);
    if (status < 200 || status > 299) throw kubeErrorFromResponse(status, text, what);
    if (text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new KubeError(status, 'InternalError', `${what}: answer is not JSON`, undefined, { cause: err });
    }
  }
}

/** The agent options that decide which connections may be shared. */
const TLS_OPTION_KEYS = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'] as const;

/**
 * A digest of an agent's connection-relevant options by content (CA, client certificate and key
 * bytes, passphrase, verification, server name): two agents with equal fingerprints may share
 * connections. Pure.
 */
export function agentFingerprint(agentType: string, options: Record<string, unknown>): string {
  const h = createHash('sha256').update(agentType);
  for (const k of TLS_OPTION_KEYS) {
    const v = options[k];
    const parts = Array.isArray(v) ? v : [v];
    h.update(`\0${k}:${parts.length}`);
    for (const p of parts) {
      if (p === undefined || p === null) h.update('\0u');
      else if (typeof p === 'string' || p instanceof Uint8Array) h.update('\0b').update(p);
      else h.update(`\0j${JSON.stringify(p)}`);
    }
  }
  return h.digest('hex');
}

/**
 * Stops an agent from being used for new connections without cutting the requests in flight on
 * it: its idle keep-alive sockets close now, busy ones close when their request ends (node's
 * agent destroys a freed socket instead of pooling it when `keepAlive` is off).
 */
export function retireAgent(agent: HttpAgent): void {
  (agent as HttpAgent & { keepAlive: boolean }).keepAlive = false;
  for (const sockets of Object.values(agent.freeSockets)) for (const s of sockets ?? []) s.destroy();
}
