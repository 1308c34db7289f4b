/**
 * @module estimator/monitors/quantity
 * Kubernetes CPU quantities (`250m`, `2`, `1.5`, `123456789n`, `12u`, `1k`) in millicores (pure).
 */
const SUFFIX_MILLI: Record<string, number> = { n: 1e-6, u: 1e-3, m: 1, '': 1000, k: 1e6, M: 1e9 };

/** Parses a CPU quantity into millicores; undefined when it is not one. */
export function parseCpuMilli(q: unknown): number | undefined {
  if (typeof q === 'number') return Number.isFinite(q) && q >= 0 ? q * 1000 : undefined;
  if (typeof q !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)(n|u|m|k|M)?\s*$/.exec(q);
  if (!m) return undefined;
  return Number(m[1]) * SUFFIX_MILLI[m[2] ?? ''];
}
