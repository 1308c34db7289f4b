/**
 * @module agent/api/query
 * Validation of the agent API's query parameters; errors name the field.
 */
import { WORKLOAD_LEVELS, type WorkloadLevel } from '../../core/contracts.js';
import { ERR_AGENT_BAD_QUERY } from '../errors.js';

/** Largest `top` accepted. */
export const MAX_TOP = 10_000;

/** Parses `level` (default `process`) and `top` (1..10000, optional); throws PP_AGENT_BAD_QUERY naming the field. */
export function parseWorkloadsQuery(q: Record<string, unknown>): { level: WorkloadLevel; top?: number } {
  const rawLevel = q.level ?? 'process';
  if (typeof rawLevel !== 'string' || !(WORKLOAD_LEVELS as readonly string[]).includes(rawLevel)) {
    throw ERR_AGENT_BAD_QUERY(`level must be one of ${WORKLOAD_LEVELS.join(', ')}`, { field: 'level' });
  }
  const level = rawLevel as WorkloadLevel;
  if (q.top === undefined) return { level };
  const top = typeof q.top === 'string' && /^\d{1,6}$/.test(q.top) ? Number(q.top) : NaN;
  if (!Number.isInteger(top) || top < 1 || top > MAX_TOP) throw ERR_AGENT_BAD_QUERY(`top must be an integer from 1 to ${MAX_TOP}`, { field: 'top' });
  return { level, top };
}
