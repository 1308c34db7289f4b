/**
 * @module dashboard/routes
 * The dashboard's routes: the page at `/` and its files under `/dashboard/`, the chart history as
 * JSON (`/api/v1/history/node`, `/api/v1/history/workloads`), the live stream (`/api/v1/stream`,
 * server-sent events), `/api/v1/capping` (the Capping tab: PowerCapPolicies of the configured cluster)
 * and `/api/v1/dashboard` (what this server offers the page).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Asset } from './assets.js';
import type { ChartHistory } from './history.js';
import { DASHBOARD_LEVELS } from './history.js';
import type { EventStreamHub } from './event-stream.js';
import type { CappingSource, CappingView } from './capping-source.js';
import type { WorkloadLevel } from '../core/contracts.js';
import { ERR_BAD_REQUEST, ERR_NOT_FOUND } from '../core/errors.js';
import { ERR_DASHBOARD_NO_AGENT, ERR_DASHBOARD_TOO_MANY_STREAMS } from './errors.js';

/** What {@link mountDashboardRoutes} serves. */
export interface DashboardRouteOptions {
  assets: Map<string, Asset>;
  /** Absent where no agent runs in this process (e.g. the estimator with `--ui`). */
  history?: ChartHistory;
  hub?: EventStreamHub;
  /** Agent refresh interval (ms): the page polls at this rate when it has no stream. */
  intervalMs: number;
  historyLength: number;
  /** Workloads per level recorded into the history. */
  topPerLevel: number;
  /** This node's name, once the agent knows it. */
  nodeName?: () => string | undefined;
  /** The Capping tab's data: the cluster's PowerCapPolicies, or a view saying there is no cluster. */
  capping: CappingSource;
}

/** `GET /api/v1/dashboard`. */
export interface DashboardInfo {
  nodeName: string | null;
  intervalMs: number;
  historyLength: number;
  /** True when this server keeps history and streams refreshes (an agent runs in-process). */
  live: boolean;
  /** Workloads per level recorded into the history at each refresh. */
  topPerLevel: number;
  levels: readonly WorkloadLevel[];
}

const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

function sendAsset(reply: FastifyReply, a: Asset, ifNoneMatch: string | undefined): FastifyReply {
  reply.headers({ ...PAGE_HEADERS, 'cache-control': 'no-cache', etag: a.etag });
  if (ifNoneMatch === a.etag) return reply.status(304).send();
  return reply.type(a.contentType).send(a.body);
}

/** Registers the dashboard's routes on `app`. Mountable by any server (`up`, the agent, the estimator). */
export function mountDashboardRoutes(app: FastifyInstance, opts: DashboardRouteOptions): void {
  const index = opts.assets.get('index.html');
  if (!index) throw new Error('dashboard static files are missing index.html');

  app.get('/', async (req, reply) => sendAsset(reply, index, req.headers['if-none-match']));
  // Browsers ask for /favicon.ico whatever the page links; answer with the page's icon rather than a 404.
  const icon = opts.assets.get('favicon.svg');
  if (icon) app.get('/favicon.ico', async (req, reply) => sendAsset(reply, icon, req.headers['if-none-match']));
  app.get<{ Params: { '*': string } }>('/dashboard/*', async (req, reply) => {
    const a = opts.assets.get(req.params['*']);
    if (!a) throw ERR_NOT_FOUND(`no dashboard file ${req.params['*']}`, { field: 'path' });
    return sendAsset(reply, a, req.headers['if-none-match']);
  });

  app.get(
    '/api/v1/dashboard',
    async (): Promise<DashboardInfo> => ({
      nodeName: opts.nodeName?.() ?? null,
      intervalMs: opts.intervalMs,
      historyLength: opts.historyLength,
      live: Boolean(opts.history),
      topPerLevel: opts.topPerLevel,
      levels: DASHBOARD_LEVELS,
    }),
  );

  app.get('/api/v1/capping', async (): Promise<CappingView> => opts.capping.view());

  const needHistory = (): ChartHistory => {
    if (!opts.history) throw ERR_DASHBOARD_NO_AGENT('this server runs no agent, so it keeps no power history');
    return opts.history;
  };
  app.get('/api/v1/history/node', async () => needHistory().node());
  app.get<{ Querystring: Record<string, unknown> }>('/api/v1/history/workloads', async (req) => {
    const { level, id } = workloadsQuery(req.query);
    const h = needHistory();
    if (id !== undefined && !h.hasWorkload(level, id)) throw ERR_NOT_FOUND(`no history for ${level} ${JSON.stringify(id)}`, { field: 'id' });
    return h.workloads(level, id);
  });

  app.get('/api/v1/stream', async (req, reply) => {
    const h = needHistory();
    const hub = opts.hub!;
    if (!hub.hasRoom()) throw ERR_DASHBOARD_TOO_MANY_STREAMS(`at most ${hub.size} live streams may be open; close a tab or poll the JSON routes`);
    reply.hijack();
    hub.add(reply.raw, [{ event: 'hello', data: { intervalMs: opts.intervalMs, points: h.length } }]);
    req.raw.on('close', () => reply.raw.end());
  });
}

/** Longest workload id the history route accepts. */
const MAX_ID_LENGTH = 256;

/**
 * Checks the query of `/api/v1/history/workloads`: `level` one of {@link DASHBOARD_LEVELS}, `id` an
 * optional non-empty string of at most 256 characters, nothing else. Throws PP_BAD_REQUEST naming the field.
 */
export function workloadsQuery(query: Record<string, unknown>): { level: WorkloadLevel; id?: string } {
  for (const key of Object.keys(query))
    if (key !== 'level' && key !== 'id') throw ERR_BAD_REQUEST(`${key}: unknown query parameter (level and id are accepted)`, { field: key });
  const { level, id } = query;
  if (typeof level !== 'string' || !(DASHBOARD_LEVELS as readonly string[]).includes(level))
    throw ERR_BAD_REQUEST(`level: must be one of ${DASHBOARD_LEVELS.join(', ')}`, { field: 'level' });
  if (id !== undefined && (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH))
    throw ERR_BAD_REQUEST(`id: must be one string of 1 to ${MAX_ID_LENGTH} characters`, { field: 'id' });
  return { level: level as WorkloadLevel, id };
}
