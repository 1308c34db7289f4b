/**
 * @module agent/meters/linear-predictor
 * The simplest node power curve: watts rise linearly from `idleWatts` at 0% CPU to `maxWatts` at
 * 100% (CCF's method; also explicit `model.idleWatts`/`model.maxWatts`). Reported as zone `package`.
 */
import type { FeatureVector, NodePowerPredictor } from '../../core/contracts.js';

/** Rounds watts for a model name: at most two decimals. */
export function wattsLabel(w: number): string {
  return String(Math.round(w * 100) / 100);
}

/** A predictor of `package` watts = idle + (max − idle) × clamp(cpu_busy_ratio, 0, 1). */
export function linearPredictor(
  idleWatts: number,
  maxWatts: number,
  name = `linear:idle=${wattsLabel(idleWatts)},max=${wattsLabel(maxWatts)}`,
): NodePowerPredictor {
  return {
    name,
    features: ['cpu_busy_ratio'],
    predict(features: FeatureVector): Record<string, number> {
      const u = Math.min(1, Math.max(0, features.cpu_busy_ratio ?? 0));
      return { package: idleWatts + (maxWatts - idleWatts) * (Number.isFinite(u) ? u : 0) };
    },
  };
}
