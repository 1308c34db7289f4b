/**
 * @module agent/errors
 * Error codes of the node agent core (`PP_AGENT_*`).
 */
import { defineError } from '../core/errors.js';

/** A query parameter of the agent's JSON API is invalid; details name the `field`. */
export const ERR_AGENT_BAD_QUERY = defineError('PP_AGENT_BAD_QUERY', 400, 2, 'A query parameter of the agent API is invalid');
/** The procfs root cannot be read (wrong `--host.procfs`, or no `stat` file). */
export const ERR_AGENT_PROCFS = defineError('PP_AGENT_PROCFS', 400, 2, 'The procfs root cannot be read');
/** The agent has no snapshot yet (the first refresh has not finished). */
export const ERR_AGENT_NOT_READY = defineError('PP_AGENT_NOT_READY', 503, 1, 'The agent has not finished its first refresh');
/** The Kubernetes pod source failed (kubelet or API server unreachable, token unreadable). */
export const ERR_AGENT_PODS = defineError('PP_AGENT_PODS', 502, 1, 'The pod source failed');
/** A state-changing agent route was sent a body that is not JSON. */
export const ERR_AGENT_CONTENT_TYPE = defineError('PP_AGENT_CONTENT_TYPE', 415, 2, 'The agent route accepts JSON bodies only');
