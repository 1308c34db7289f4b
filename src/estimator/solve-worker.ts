/**
 * @module estimator/solve-worker
 * Worker-thread entry: solves one placement ({@link solvePlacement}) and posts the solution, so a long
 * min-plus DP never blocks the estimator's event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { solvePlacement } from './minplus.js';
import type { SolveJob } from './solver.js';
import { errorMessage } from '../core/errors.js';

const job = workerData as SolveJob;
try {
  const solution = solvePlacement(job.groups, job.n, job.explain, job.convex);
  parentPort!.postMessage({ solution }, [solution.totals.buffer as ArrayBuffer]);
} catch (err) {
  parentPort!.postMessage({ error: errorMessage(err) ?? String(err) });
}
