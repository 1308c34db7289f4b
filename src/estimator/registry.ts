/**
 * @module estimator/registry
 * The Estimators served, by `namespace/name` (WAO's registry key). Replacing one stops the old one's
 * monitor loops and starts the new one's.
 */
import type { Estimator } from './estimator.js';

/** The set of served Estimators. */
export class EstimatorRegistry {
  private readonly items = new Map<string, Estimator>();
  private running = false;

  /** The Estimator registered as `ns/name`, if any. */
  get(namespace: string, name: string): Estimator | undefined {
    return this.items.get(`${namespace}/${name}`);
  }

  /** Every registered Estimator. */
  list(): Estimator[] {
    return [...this.items.values()];
  }

  /** Registers (or replaces) an Estimator; starts it when the registry runs. */
  set(est: Estimator): void {
    const key = `${est.namespace}/${est.name}`;
    this.items.get(key)?.stop();
    this.items.set(key, est);
    if (this.running) est.start();
  }

  /** Removes `ns/name`, stopping it. */
  delete(namespace: string, name: string): void {
    const key = `${namespace}/${name}`;
    this.items.get(key)?.stop();
    this.items.delete(key);
  }

  /** Starts every Estimator's monitor loops (and later registered ones). */
  start(): void {
    this.running = true;
    for (const e of this.items.values()) e.start();
  }

  /** Stops everything. */
  stop(): void {
    this.running = false;
    for (const e of this.items.values()) e.stop();
  }
}
