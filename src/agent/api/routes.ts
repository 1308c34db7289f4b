/**
 * @module agent/api/routes
 * The agent's HTTP routes: `GET /metrics` (Prometheus text), `GET /api/v1/node`,
 * `GET /api/v1/workloads?level=&top=` and `GET /api/v1/capabilities`.
 */
import type { FastifyInstance } from 'fastify';
import type { Agent } from '../agent.js';
import { nodeView, workloadsResponse } from './views.js';
import { parseWorkloadsQuery } from './query.js';

/** Prometheus text exposition content type. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Registers the agent's routes. */
export function registerAgentRoutes(app: FastifyInstance, agent: Agent): void {
  app.get('/metrics', async (_req, reply) => {
    const text = await agent.metricsText();
    return reply.header('content-type', PROMETHEUS_CONTENT_TYPE).send(text);
  });
  app.get('/api/v1/node', async () => nodeView(await agent.snapshot()));
  app.get('/api/v1/workloads', async (req) => {
    const { level, top } = parseWorkloadsQuery((req.query ?? {}) as Record<string, unknown>);
    return workloadsResponse(await agent.snapshot(), level, top);
  });
  app.get('/api/v1/capabilities', async () => agent.capabilities());
}
