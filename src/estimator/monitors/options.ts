/**
 * @module estimator/monitors/options
 * What every HTTP-backed node monitor is built with.
 */
import type { BasicAuth } from '../types.js';

/** Connection settings of one monitor agent, resolved from its spec. */
export interface NodeMonitorOptions {
  /** Endpoint template (`{node}`, `{address}` expand per node). */
  endpoint: string;
  basicAuth?: BasicAuth;
  insecureSkipVerify: boolean;
  /** Per-request timeout, ms. */
  timeoutMs: number;
}
