/**
 * @module capping/algorithms/forecast
 * Wraps another built-in: each target's demand is replaced by its forecast at the next interval plus the
 * target's readiness delay (a least-squares line through `demandHistory` within `windowSeconds`; only
 * rises are extrapolated), and the autoscaler's wish is scaled with it, so a rising load gets its share
 * of the budget (and is bounded) before it arrives.
 */
import { Type, type Static } from 'typebox';
import type { CappingAlgorithm, CappingDecisions, CappingState, TargetState } from '../algorithm/types.js';

/** The algorithms `forecast` can wrap. */
export const ForecastInner = Type.Union([Type.Literal('naive'), Type.Literal('proportional'), Type.Literal('priority'), Type.Literal('efficiency')], {
  default: 'efficiency',
});

/** Parameters of `forecast`. */
export const ForecastParameters = Type.Object(
  {
    inner: Type.Optional(ForecastInner),
    windowSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 86_400, default: 300, description: 'History used for the trend' })),
  },
  { additionalProperties: false },
);
export type ForecastParameters = Static<typeof ForecastParameters>;

/**
 * Least-squares slope (per second) of `[secondsAgo, value]` points with `secondsAgo` within
 * `(0, windowSeconds]` (all of them by default), plus `now` at 0 seconds ago when given; 0 with fewer than
 * two distinct times. One pass, no copies (it runs for every target at every step).
 */
export function trendSlope(points: ReadonlyArray<readonly [number, number]>, windowSeconds = Infinity, now?: number): number {
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  const add = (x: number, y: number) => {
    n++;
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  };
  for (const p of points) if (p[0] <= windowSeconds && (now === undefined || p[0] > 0)) add(-p[0], p[1]);
  if (now !== undefined) add(0, now);
  if (n < 2) return 0;
  const vxx = sxx - (sx * sx) / n;
  return vxx > 1e-9 * Math.max(1, sxx) ? (sxy - (sx * sy) / n) / vxx : 0;
}

/** The target as it is expected `horizon` seconds from now. */
export function forecastTarget(t: TargetState, horizonSeconds: number, windowSeconds: number): TargetState {
  if (t.demand === undefined || !t.demandHistory || t.demandHistory.length === 0) return t;
  const slope = trendSlope(t.demandHistory, windowSeconds, t.demand);
  if (slope <= 0) return t;
  const demand = t.demand + slope * horizonSeconds;
  const desired =
    t.desiredReplicas === undefined
      ? undefined
      : Math.min(t.maxReplicas, t.demand > 0 ? Math.ceil((t.desiredReplicas * demand) / t.demand - 1e-9) : t.desiredReplicas);
  return { ...t, demand, desiredReplicas: desired };
}

/** Creates `forecast` around an inner algorithm. */
export function createForecast(inner: CappingAlgorithm, params: ForecastParameters): CappingAlgorithm {
  const window = params.windowSeconds ?? 300;
  return {
    name: 'forecast',
    decide: async (state: CappingState, signal?: AbortSignal): Promise<CappingDecisions> => {
      const ahead: CappingState = {
        ...state,
        targets: state.targets.map((t) => forecastTarget(t, state.policy.intervalSeconds + t.readySeconds, window)),
      };
      const d = await inner.decide(ahead, signal);
      const byId = new Map(ahead.targets.map((t) => [t.id, t]));
      return {
        ...d,
        replicas: d.replicas.map((r) => {
          const t = byId.get(r.target);
          return {
            ...r,
            reason: `forecast (demand ${Math.round(t?.demand ?? 0)} in ${state.policy.intervalSeconds + (t?.readySeconds ?? 0)}s): ${r.reason}`,
          };
        }),
      };
    },
  };
}
