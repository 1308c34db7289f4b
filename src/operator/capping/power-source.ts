/**
 * @module operator/capping/power-source
 * Where the Recommender reads per-pod power: a Prometheus server scraping the agents (or Kepler), or
 * the agents' JSON API directly when no Prometheus is configured. One implementation per file.
 */

/** What to count of a pod's power. */
export interface PowerSelection {
  /** Zones (package, dram, gpu, …); `gpu` selects the GPU family. */
  zones: readonly string[];
  /** Add the idle power the agent attributes to the pod. */
  includeIdle: boolean;
}

/** Reads pod power. */
export interface PodPowerSource {
  /** `prometheus` or `agents` (for status messages). */
  readonly kind: string;
  /**
   * Watts per pod name of one namespace, now. Pods without data are absent. Throws when the source
   * cannot be read at all (the Recommender then reports MetricsUnavailable and acts on nothing).
   */
  podWatts(namespace: string, sel: PowerSelection): Promise<Map<string, number>>;
  /** A PromQL query's single value (spec.performance); undefined when the source cannot run PromQL or the result is empty. */
  scalar?(query: string): Promise<number | undefined>;
}

/** The default zones: what the agent exports for pods, without nested zones. */
export const DEFAULT_ZONES = ['package', 'dram', 'gpu'] as const;
