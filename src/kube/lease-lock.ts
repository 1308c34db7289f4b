/**
 * @module kube/lease-lock
 * Leader election on a coordination.k8s.io/v1 Lease, with client-go's semantics: a holder keeps the
 * lease by renewing it; others take it over only when it has not changed for `leaseDurationSeconds`
 * as observed on their own clock (so clock skew between replicas does not matter); updates carry the
 * resourceVersion, so two contenders racing for an expired lease cannot both win (one gets 409).
 */
import type { KubeClient } from './client.js';
import { isAlreadyExists, isConflict, isNotFound } from './errors.js';
import type { KubeObject } from './types.js';

/** The Lease's spec, as leader election writes it. */
export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

/** A coordination.k8s.io/v1 Lease. */
export interface Lease extends KubeObject {
  spec?: LeaseSpec;
}

/** Which lease, who we are, how long a lease lasts. */
export interface LeaseLockOptions {
  name: string;
  namespace: string;
  /** This contender's identity (pod name, host name + pid). */
  identity: string;
  /** How long a lease stays valid without renewal (default 15 s). */
  leaseDurationSeconds?: number;
  /** Clock in ms (tests). */
  now?: () => number;
}

const LEASE = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' } as const;

/** Formats a MicroTime (RFC 3339 with microseconds). */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** One contender's handle on a Lease. */
export class LeaseLock {
  readonly #client: KubeClient;
  readonly #opts: Required<Omit<LeaseLockOptions, 'now'>>;
  readonly #now: () => number;
  #observedSpec = '';
  #observedAt = 0;
  #leader = false;

  constructor(client: KubeClient, options: LeaseLockOptions) {
    this.#client = client;
    this.#opts = { leaseDurationSeconds: 15, ...options };
    this.#now = options.now ?? Date.now;
  }

  /** Whether the last acquire/renew succeeded (and release has not been called since). */
  get isLeader(): boolean {
    return this.#leader;
  }

  /** This contender's identity. */
  get identity(): string {
    return this.#opts.identity;
  }

  /**
   * One attempt to acquire or renew the lease. True when this contender holds it afterwards; false
   * when another holder's lease is still valid or another contender won a race (409).
   */
  async tryAcquireOrRenew(): Promise<boolean> {
    this.#leader = await this.#attempt();
    return this.#leader;
  }

  /** Gives the lease up (when held) so another contender can take it at once. */
  async release(): Promise<void> {
    const was = this.#leader;
    this.#leader = false;
    if (!was) return;
    const lease = await this.#client.getOrUndefined<Lease>(LEASE, this.#opts.name, this.#opts.namespace);
    if (!lease || lease.spec?.holderIdentity !== this.#opts.identity) return;
    const now = microTime(this.#now());
    try {
      await this.#client.replace<Lease>({
        ...lease,
        spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now, acquireTime: now },
      });
    } catch (err) {
      if (!isConflict(err) && !isNotFound(err)) throw err;
    }
  }

  /** The current holder, or undefined when the lease is free or absent. */
  async holder(): Promise<string | undefined> {
    const lease = await this.#client.getOrUndefined<Lease>(LEASE, this.#opts.name, this.#opts.namespace);
    return lease?.spec?.holderIdentity || undefined;
  }

  async #attempt(): Promise<boolean> {
    const now = this.#now();
    const { name, namespace, identity, leaseDurationSeconds } = this.#opts;
    const existing = await this.#client.getOrUndefined<Lease>(LEASE, name, namespace);
    if (!existing) {
      try {
        await this.#client.create<Lease>({
          ...LEASE,
          metadata: { name, namespace },
          spec: { holderIdentity: identity, leaseDurationSeconds, acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: 0 },
        });
        return true;
      } catch (err) {
        if (isAlreadyExists(err)) return false;
        throw err;
      }
    }
    const spec = existing.spec ?? {};
    const specText = JSON.stringify(spec);
    if (specText !== this.#observedSpec) {
      this.#observedSpec = specText;
      this.#observedAt = now;
    }
    const holder = spec.holderIdentity ?? '';
    const heldByUs = holder === identity;
    const duration = (spec.leaseDurationSeconds ?? leaseDurationSeconds) * 1000;
    if (!heldByUs && holder !== '' && this.#observedAt + duration > now) return false;
    const next: LeaseSpec = {
      holderIdentity: identity,
      leaseDurationSeconds,
      acquireTime: heldByUs ? (spec.acquireTime ?? microTime(now)) : microTime(now),
      renewTime: microTime(now),
      leaseTransitions: heldByUs ? (spec.leaseTransitions ?? 0) : (spec.leaseTransitions ?? 0) + 1,
    };
    try {
      const updated = await this.#client.replace<Lease>({ ...existing, spec: next });
      this.#observedSpec = JSON.stringify(updated.spec ?? {});
      this.#observedAt = now;
      return true;
    } catch (err) {
      if (isConflict(err)) return false;
      throw err;
    }
  }
}
