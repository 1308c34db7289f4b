/**
 * @module agent/pods/kubelet
 * Pods from the kubelet's `/pods` endpoint (`kube.podInformer.mode: kubelet`, the default): the node's
 * address and kubelet port come from the Node object; `/pods` is polled, and a container id that is not
 * in the map triggers an immediate refresh (coalesced, at most one every 2 s). The bearer token is
 * re-read from its file on every request, so rotated service-account tokens keep working. The kubelet
 * serves a self-signed certificate on most clusters, so its certificate is not verified (as Kepler
 * does); the token only goes to the node's own address taken from the API server.
 */
import { request } from 'node:https';
import { readFile } from 'node:fs/promises';
import type { Logger } from '../../core/logger.js';
import type { PodRef, PodResolver } from './types.js';
import { indexPods, type PodLike } from './pod-index.js';
import { ERR_AGENT_PODS } from '../errors.js';

/** Where pod lists come from (the kubelet over HTTPS; a fake in tests). */
export interface PodListSource {
  list(): Promise<PodLike[]>;
}

/** Polls a {@link PodListSource} and answers container-id lookups from the last list. */
export class PolledPodResolver implements PodResolver {
  readonly source: string;
  private map = new Map<string, PodRef>();
  private inflight: Promise<void> | undefined;
  private lastMissRefresh = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    source: string,
    private readonly list: PodListSource,
    private readonly pollMs: number,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
    private readonly missIntervalMs = 2000,
  ) {
    this.source = source;
  }

  lookup(containerId: string): PodRef | undefined {
    const p = this.map.get(containerId);
    if (!p && this.now() - this.lastMissRefresh >= this.missIntervalMs) {
      this.lastMissRefresh = this.now();
      void this.refresh();
    }
    return p;
  }

  /** Fetches the pod list now (shared by concurrent callers); failures are logged and keep the old map. */
  refresh(): Promise<void> {
    this.inflight ??= this.list
      .list()
      .then((pods) => {
        this.map = indexPods(pods);
      })
      .catch((err: unknown) => this.log.warn({ err }, `pod list from ${this.source} failed`))
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.pollMs);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.inflight;
  }
}

/** Largest `/pods` body accepted. */
export const MAX_PODS_BODY = 64 << 20;

/**
 * What a failed kubelet answer means: 401 is an authentication failure (the kubelet does not accept
 * the service-account token: its webhook token authentication is off, or no token was sent), 403 an
 * authorization one (the agent's ClusterRole needs `get` on `nodes/proxy`). Pure.
 */
export function kubeletHint(status: number): string {
  if (status === 401)
    return ' (authentication failed: the kubelet does not accept the service-account token; enable its webhook token authentication (--authentication-token-webhook) or use pod source apiserver)';
  if (status === 403) return " (forbidden: RBAC needs get on nodes/proxy for the agent's service account)";
  return '';
}

/** The kubelet `/pods` endpoint over HTTPS with a bearer token file. */
export class KubeletPodList implements PodListSource {
  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly tokenFile: string | undefined,
    private readonly timeoutMs = 10_000,
  ) {}

  async list(): Promise<PodLike[]> {
    const token = this.tokenFile ? (await readFile(this.tokenFile, 'utf8')).trim() : undefined;
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(
        {
          host: this.host,
          port: this.port,
          path: '/pods',
          method: 'GET',
          rejectUnauthorized: false,
          timeout: this.timeoutMs,
          headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_PODS_BODY) req.destroy(new Error(`kubelet /pods body larger than ${MAX_PODS_BODY} bytes`));
            else chunks.push(c);
          });
          res.on('end', () => {
            if ((res.statusCode ?? 0) >= 300)
              reject(ERR_AGENT_PODS(`kubelet ${this.host}:${this.port}/pods answered ${res.statusCode}${kubeletHint(res.statusCode ?? 0)}`));
            else resolve(Buffer.concat(chunks).toString('utf8'));
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('kubelet /pods timed out')));
      req.on('error', reject);
      req.end();
    });
    const parsed = JSON.parse(body) as { items?: PodLike[] };
    return parsed.items ?? [];
  }
}

/** The node's InternalIP (else first address) and kubelet port from a Node object. */
export function kubeletAddress(
  node: { status?: { addresses?: Array<{ type?: string; address?: string }>; daemonEndpoints?: { kubeletEndpoint?: { Port?: number } } } },
  defaultPort: number,
): { host: string; port: number } | undefined {
  const addrs = node.status?.addresses ?? [];
  const host = (addrs.find((a) => a.type === 'InternalIP') ?? addrs.find((a) => a.address))?.address;
  if (!host) return undefined;
  return { host, port: node.status?.daemonEndpoints?.kubeletEndpoint?.Port || defaultPort };
}
