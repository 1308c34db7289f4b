/**
 * @module kube/connectivity
 * Whether the API server answers, as the requests of one client see it: the first request that
 * cannot reach it (connection refused or reset, TLS failure, timeout) reports `reachable: false`, the
 * first answer after that (any HTTP status) reports `reachable: true` with how long it was down. A
 * change is reported once, so a log line says when the API server went away and when it came back.
 */

/** A change of reachability. */
export interface ConnectivityChange {
  reachable: boolean;
  /** The failure that made it unreachable. */
  error?: string;
  /** How long it was unreachable (when it came back). */
  downMs?: number;
}

/** Tracks reachability from request outcomes. */
export class ApiConnectivity {
  readonly #report: (change: ConnectivityChange) => void;
  readonly #now: () => number;
  #downSince: number | undefined;

  constructor(report: (change: ConnectivityChange) => void, now: () => number = Date.now) {
    this.#report = report;
    this.#now = now;
  }

  /** False from a failed connection until the next answer. */
  get reachable(): boolean {
    return this.#downSince === undefined;
  }

  /** A request got an HTTP answer (whatever its status). */
  answered(): void {
    if (this.#downSince === undefined) return;
    const downMs = this.#now() - this.#downSince;
    this.#downSince = undefined;
    this.#report({ reachable: true, downMs });
  }

  /** A request did not reach the API server. */
  unreachable(error: string): void {
    if (this.#downSince !== undefined) return;
    this.#downSince = this.#now();
    this.#report({ reachable: false, error });
  }
}
