/**
 * @module fake-apiserver
 * In-process fake Kubernetes API server for tests and benchmarks (see README.md in this folder).
 */
export { startFakeApiServer, kubeconfigFor } from './server.js';
export type * from './types.js';
