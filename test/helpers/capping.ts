/**
 * Builders of capping states for tests: a target and a state with sensible defaults.
 */
import { CAPPING_API_VERSION, type CappingState, type TargetState } from '../../src/capping/algorithm/types.js';

/** A Deployment target `ns/name` with 4 replicas, floor 1, max 8, 100 W per replica (p90). */
export function capTarget(name: string, over: Partial<TargetState> = {}): TargetState {
  return {
    id: `Deployment/ns/${name}`,
    kind: 'Deployment',
    namespace: 'ns',
    name,
    replicas: 4,
    minReplicas: 1,
    maxReplicas: 8,
    priority: 0,
    wattsPerReplica: { p50: 90, p90: 100 },
    readySeconds: 30,
    ...over,
  };
}

/** A state with a 1000 W budget, act 0.95, release 0.8, cooldown 60 s, window 300 s. */
export function capState(targets: TargetState[], over: Partial<CappingState> = {}): CappingState {
  return {
    apiVersion: CAPPING_API_VERSION,
    nowSeconds: 1000,
    policy: {
      name: 'ns/p',
      budgetWatts: 1000,
      thresholds: { act: 0.95, release: 0.8, cooldownSeconds: 60, stabilizationWindowSeconds: 300 },
      actions: ['LimitReplicas', 'Evict', 'Alert'],
      includeIdle: false,
      intervalSeconds: 15,
    },
    currentWatts: 0,
    baselineWatts: 0,
    targets,
    nodes: [],
    parameters: {},
    ...over,
  };
}
