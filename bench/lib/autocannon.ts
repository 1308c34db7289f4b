/**
 * autocannon (HTTP load generator) for the benchmarks, with the part of its result they read
 * (the package ships no types).
 */
import { createRequire } from 'node:module';

/** The fields of autocannon's result the benchmarks report. */
export interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}

/** Runs autocannon with its options object (url, connections, duration, method, body, headers, …). */
export const autocannon = createRequire(import.meta.url)('autocannon') as (opts: Record<string, unknown>) => Promise<AutocannonResult>;
