/**
 * @module dashboard/errors
 * Error codes of the dashboard and `powerplane top`.
 */
import { defineError } from '../core/errors.js';

/** History or the live stream was asked for on a server that runs no agent in-process. */
export const ERR_DASHBOARD_NO_AGENT = defineError('PP_DASHBOARD_NO_AGENT', 404, 1, 'This server runs no agent, so it keeps no power history');
/** Too many browsers hold a live stream open at once. */
export const ERR_DASHBOARD_TOO_MANY_STREAMS = defineError('PP_DASHBOARD_TOO_MANY_STREAMS', 503, 1, 'Too many live streams are open');
/** `powerplane top` could not read the agent's JSON API. */
export const ERR_DASHBOARD_AGENT_UNREACHABLE = defineError('PP_DASHBOARD_AGENT_UNREACHABLE', 502, 1, 'The agent API could not be read');
/** The Capping tab could not list PowerCapPolicies from the configured cluster. */
export const ERR_DASHBOARD_CLUSTER_UNREACHABLE = defineError(
  'PP_DASHBOARD_CLUSTER_UNREACHABLE',
  502,
  1,
  'PowerCapPolicies could not be read from the cluster',
);
