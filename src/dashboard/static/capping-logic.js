// @ts-check
// Pure helpers of the Capping tab (no DOM), tested in Node.
import { watts } from './format.js';

/**
 * A policy as `GET /api/v1/capping` returns it (the summary `powerplane cap status -o json` prints).
 * @typedef {object} PolicySummary
 * @property {string} namespace
 * @property {string} name
 * @property {string} mode
 * @property {number} [budgetWatts]
 * @property {number} [currentWatts]
 * @property {number} [forecastWatts]
 * @property {boolean} [overBudget]
 * @property {Record<string, { status: string, reason: string, message: string }>} conditions
 * @property {Array<{ kind: string, name: string, state: string, replicas?: number, maxReplicas?: number, watts?: number, wattsPerReplica?: { p50: number, p90: number }, recommendation?: { maxReplicas?: number, evict?: string[], migrate?: string[] }, reason: string }>} targets
 * @property {Array<{ time: string, target: string, action: string, change: string, reason: string, dryRun?: boolean }>} lastActions
 * @property {string} [lastEvaluation]
 */

/**
 * `{cluster, reason, policies, readAt}` of `GET /api/v1/capping`.
 * @typedef {object} CappingView
 * @property {boolean} cluster
 * @property {string} [reason]
 * @property {PolicySummary[]} policies
 * @property {string} readAt
 */

/**
 * Budget vs current in one line: "1.20 kW of 400 W (300 %), forecast 1.25 kW", or why there is no figure.
 * @param {PolicySummary} p
 * @returns {string}
 */
export function budgetLine(p) {
  if (p.budgetWatts === undefined) return 'no budget resolved yet (the operator has not evaluated this policy)';
  if (p.currentWatts === undefined) return `budget ${watts(p.budgetWatts)}; no power data for the targets`;
  const share = p.budgetWatts > 0 ? ` (${Math.round((100 * p.currentWatts) / p.budgetWatts)} %)` : '';
  return `${watts(p.currentWatts)} of ${watts(p.budgetWatts)}${share}${p.forecastWatts !== undefined ? `, forecast ${watts(p.forecastWatts)}` : ''}`;
}

/**
 * Width of the current-power bar as a fraction of the track, where the track spans 0 to the larger of
 * the budget and the current power (so an overshoot shows past the budget mark); and the budget mark.
 * @param {PolicySummary} p
 * @returns {{ current: number, budget: number } | null} null when either figure is missing
 */
export function meterFractions(p) {
  if (p.budgetWatts === undefined || p.currentWatts === undefined) return null;
  const span = Math.max(p.budgetWatts, p.currentWatts, p.forecastWatts ?? 0);
  if (!(span > 0)) return { current: 0, budget: 1 };
  return { current: p.currentWatts / span, budget: p.budgetWatts / span };
}

/**
 * A target's recommendation in words: "max 2 replicas", "evict p1", "move p2", or "none".
 * @param {PolicySummary['targets'][number]} t
 * @returns {string}
 */
export function recommendationText(t) {
  const r = t.recommendation;
  if (!r) return 'none';
  const parts = [];
  if (r.maxReplicas !== undefined) parts.push(`max ${r.maxReplicas} replica${r.maxReplicas === 1 ? '' : 's'}`);
  if (r.evict?.length) parts.push(`evict ${r.evict.join(', ')}`);
  if (r.migrate?.length) parts.push(`move ${r.migrate.join(', ')}`);
  return parts.join('; ') || 'none';
}
