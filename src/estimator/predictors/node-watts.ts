/**
 * @module estimator/predictors/node-watts
 * Node watts from per-component predictions (pure): `platform` (wall power) when predicted, else the sum
 * of the components that do not nest inside another (Kepler's `core` and `uncore` are parts of `package`).
 */

/** Components that are parts of `package` in Kepler's zone model. */
const NESTED = new Set(['core', 'uncore']);

/** Node watts from a component → watts map. */
export function nodeWatts(components: Readonly<Record<string, number>>): number {
  if (components.platform !== undefined) return components.platform;
  let sum = 0;
  for (const [c, w] of Object.entries(components)) if (!NESTED.has(c)) sum += w;
  return sum;
}
