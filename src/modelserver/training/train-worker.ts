/**
 * @module modelserver/training/train-worker
 * Worker-thread entry: runs {@link trainAll} on the data set it is given and posts progress messages
 * and the outcome, so training never blocks the server's event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { trainAll, type TrainingPlan } from './training.js';
import type { Dataset } from '../../models/types.js';

const { data, plan } = workerData as { data: Dataset; plan: TrainingPlan };
try {
  const outcome = await trainAll(data, plan, (done, total, label) => parentPort!.postMessage({ type: 'progress', done, total, label }));
  parentPort!.postMessage({ type: 'done', outcome });
} catch (err) {
  const e = err as { code?: string; message?: string; status?: number; exitCode?: number; details?: unknown };
  parentPort!.postMessage({
    type: 'error',
    error: { code: e.code ?? 'PP_INTERNAL', message: e.message ?? String(err), status: e.status, exitCode: e.exitCode, details: e.details },
  });
}
