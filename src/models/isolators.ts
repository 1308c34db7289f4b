/**
 * @module models/isolators
 * Isolators turn absolute power (`AbsPower`, idle included) into dynamic power (`DynPower`) by removing
 * idle/background power from the targets:
 * - `min`: subtract each component's minimum over the data set (Kepler's MinIdleIsolator);
 * - `profile`: subtract a profiled idle per node type (row group) and component, e.g. from Kepler's
 *   `profiles/profile/rapl.json` (`{component: {node_type: {min_watt, max_watt}}}`);
 * - `none`: leave the targets as they are.
 * Results are clamped at 0 W.
 */
import type { Dataset } from './types.js';
import { validateDataset, column } from './dataset.js';
import { ERR_MODEL_BAD_OPTIONS } from './errors.js';

/** Isolator names. */
export const ISOLATORS = ['min', 'profile', 'none'] as const;
/** An isolator name. */
export type IsolatorName = (typeof ISOLATORS)[number];

/** Idle watts per component, per node type: `{component: {nodeType: watts}}` (Kepler profiles also accepted). */
export type IdleProfile = Record<string, Record<string, number | { min_watt: number; max_watt?: number }>>;

/** The isolated data set and the idle watts removed per component (per node type for `profile`). */
export interface IsolationResult {
  data: Dataset;
  /** Watts removed: `{component: {nodeType|'*': watts}}`. */
  idle: Record<string, Record<string, number>>;
}

/**
 * Applies an isolator. `profile` needs `profile` and uses `data.groups` as the node type of each row
 * (a row without a group uses the profile's `*` or `default` entry).
 * @throws PP_MODEL_BAD_OPTIONS for an unknown isolator or a missing profile entry.
 */
export function isolate(data: Dataset, isolator: string, profile?: IdleProfile): IsolationResult {
  validateDataset(data, 1);
  if (!(ISOLATORS as readonly string[]).includes(isolator)) {
    throw ERR_MODEL_BAD_OPTIONS(`isolator must be one of ${ISOLATORS.join(', ')}, got ${JSON.stringify(isolator)}`, { field: 'isolator' });
  }
  if (isolator === 'none') return { data, idle: Object.fromEntries(data.components.map((c) => [c, { '*': 0 }])) };
  if (isolator === 'min') {
    const mins = data.components.map((_, k) => Math.min(...column(data.Y, k)));
    return {
      data: { ...data, Y: data.Y.map((r) => r.map((v, k) => Math.max(0, v - mins[k]))) },
      idle: Object.fromEntries(data.components.map((c, k) => [c, { '*': mins[k] }])),
    };
  }
  if (!profile) throw ERR_MODEL_BAD_OPTIONS('the profile isolator needs an idle profile', { field: 'profile' });
  const idle: Record<string, Record<string, number>> = {};
  const lookup = (component: string, nodeType: string | undefined): number => {
    const byType = profile[component];
    if (!byType) throw ERR_MODEL_BAD_OPTIONS(`the idle profile has no component ${component}`, { field: 'profile' });
    const key = nodeType !== undefined && nodeType in byType ? nodeType : '*' in byType ? '*' : 'default' in byType ? 'default' : undefined;
    if (key === undefined)
      throw ERR_MODEL_BAD_OPTIONS(`the idle profile has no node type ${nodeType ?? '(none)'} for ${component}`, { field: 'profile' });
    const e = byType[key];
    const w = typeof e === 'number' ? e : e?.min_watt;
    if (typeof w !== 'number' || !Number.isFinite(w))
      throw ERR_MODEL_BAD_OPTIONS(`the idle profile entry ${component}/${key} is not a number`, { field: 'profile' });
    (idle[component] ??= {})[key] = w;
    return w;
  };
  const Y = data.Y.map((r, i) => r.map((v, k) => Math.max(0, v - lookup(data.components[k], data.groups?.[i]))));
  return { data: { ...data, Y }, idle };
}
