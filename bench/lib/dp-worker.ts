/**
 * @module bench/lib/dp-worker
 * Worker thread for bench/estimator.bench.ts's DP section: warms up on the small instances it is given,
 * then solves its placement once per message and answers the CPU time and the totals (copied, never
 * transferred). It runs in an isolate of its own, as the estimator's long solves do (solve-worker.ts), so
 * the figure does not depend on what the benchmark process loaded. Once any ArrayBuffer in an isolate has
 * been detached, V8 checks every typed-array access for it from then on (its ArrayBufferDetaching
 * protector) and the kernel runs about 20 % slower there; under tsx, loading some CommonJS packages
 * (autocannon, which this benchmark imports, among them) does that to the main isolate, while the built
 * code under plain node does not.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { solvePlacement, type DenseCostGroup } from '../../src/estimator/minplus.js';

/** What the benchmark gives the worker. */
export interface DpWorkerData {
  curves: DenseCostGroup[];
  warmUp: DenseCostGroup[][];
  n: number;
}

const { curves, warmUp, n } = workerData as DpWorkerData;
for (const w of warmUp) solvePlacement(w, n);
parentPort!.on('message', () => {
  const c0 = process.cpuUsage();
  const { totals } = solvePlacement(curves, n);
  const c = process.cpuUsage(c0);
  parentPort!.postMessage({ cpuMs: (c.user + c.system) / 1000, totals });
});
parentPort!.postMessage({ ready: true });
