/**
 * @module estimator/solver
 * Runs placement solves without blocking the server: a solve whose estimated work
 * ({@link placementWork}) is small runs inline; a larger one runs in a worker thread (`solve-worker`),
 * one at a time, so `/healthz`, other requests and SIGTERM are served meanwhile. A solve running longer
 * than `maxSolveMs` is terminated, and {@link PlacementSolver.close} terminates the one in progress.
 */
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../core/worker.js';
import { ErrEstimatorDeadlineExceeded, ErrUnexpected } from './errors.js';
import { convexGroups, placementWork, solvePlacement, type CostGroup, type PlacementSolution } from './minplus.js';

/** Min-plus additions a solve may take inline (a few ms); larger solves go to a worker thread. */
export const INLINE_WORK = 4e6;

/** What the solve worker receives. */
export interface SolveJob {
  groups: CostGroup[];
  n: number;
  explain: boolean;
  convex: boolean[];
}

/** Options of {@link PlacementSolver}. */
export interface PlacementSolverOptions {
  /** Longest solve in a worker (ms) before it is terminated. */
  maxSolveMs: number;
  /** Work threshold for inline solves (default {@link INLINE_WORK}). */
  inlineWork?: number;
}

/** Solves placements inline or in a worker thread. */
export class PlacementSolver {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly running = new Set<Worker>();
  private closed = false;

  constructor(private readonly opts: PlacementSolverOptions) {}

  /** Solves `groups` for k = 0..n (see {@link solvePlacement}): inline when small, else in a worker. */
  solve(groups: CostGroup[], n: number, explain: boolean): Promise<PlacementSolution> {
    const convex = convexGroups(groups);
    const inline = this.solveInline(groups, n, explain, convex);
    if (inline) return Promise.resolve(inline);
    const run = this.queue.then(() => this.inWorker({ groups, n, explain, convex }));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The solution when the solve is small enough to run inline (now), else undefined. */
  solveInline(groups: CostGroup[], n: number, explain: boolean, convex: boolean[] = convexGroups(groups)): PlacementSolution | undefined {
    return placementWork(groups, n, convex) <= (this.opts.inlineWork ?? INLINE_WORK) ? solvePlacement(groups, n, explain, convex) : undefined;
  }

  /** Terminates the solve in progress and refuses further worker solves. */
  close(): void {
    this.closed = true;
    for (const w of this.running) void w.terminate();
    this.running.clear();
  }

  private inWorker(job: SolveJob): Promise<PlacementSolution> {
    if (this.closed) return Promise.reject(ErrUnexpected('the estimator is stopping'));
    return new Promise((resolve, reject) => {
      const worker = startModuleWorker(new URL('./solve-worker.js', import.meta.url), job);
      this.running.add(worker);
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(limit);
        this.running.delete(worker);
        void worker.terminate();
        fn();
      };
      const limit = setTimeout(
        () =>
          settle(() =>
            reject(
              ErrEstimatorDeadlineExceeded(`the placement solve was stopped after ${this.opts.maxSolveMs / 1000} s; ask for fewer num_workloads`, {
                retryAfterSeconds: Math.ceil(this.opts.maxSolveMs / 1000),
              }),
            ),
          ),
        this.opts.maxSolveMs,
      );
      worker.on('message', (msg: { solution?: PlacementSolution; error?: string }) =>
        settle(() => (msg.solution ? resolve(msg.solution) : reject(ErrUnexpected(`placement solve failed: ${msg.error}`)))),
      );
      worker.on('error', (err) => settle(() => reject(ErrUnexpected(`placement solve failed: ${err.message}`))));
      worker.on('exit', (code) =>
        settle(() => reject(ErrUnexpected(this.closed ? 'the estimator is stopping' : `the placement worker exited with code ${code}`))),
      );
    });
  }
}
