/**
 * @module modelserver/training/train-runner
 * Runs a training in a worker thread (`train-worker`), forwarding progress.
 */
import { startModuleWorker } from '../../core/worker.js';
import type { Dataset } from '../../models/types.js';
import { ERR_INTERNAL, PowerplaneError } from '../../core/errors.js';
import type { TrainingOutcome, TrainingPlan, TrainingProgress } from './training.js';
import { ERR_JOB_CANCELLED } from '../errors.js';

/**
 * Trains in a worker thread; resolves with the outcome, rejects with the worker's error. Aborting
 * `signal` terminates the worker at once and rejects with PP_MODELSERVER_CANCELLED.
 */
export function trainInWorker(
  data: Dataset,
  plan: TrainingPlan,
  progress: TrainingProgress = () => undefined,
  signal?: AbortSignal,
): Promise<TrainingOutcome> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(ERR_JOB_CANCELLED('the training was cancelled before it started'));
    const worker = startModuleWorker(new URL('./train-worker.js', import.meta.url), { data, plan });
    let settled = false;
    const onAbort = () => settle(() => reject(ERR_JOB_CANCELLED('the training was cancelled')));
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    worker.on(
      'message',
      (msg: {
        type: string;
        done?: number;
        total?: number;
        label?: string;
        outcome?: TrainingOutcome;
        error?: { code: string; message: string; status?: number; exitCode?: number; details?: Record<string, unknown> };
      }) => {
        if (msg.type === 'progress') progress(msg.done!, msg.total!, msg.label!);
        else if (msg.type === 'done') settle(() => resolve(msg.outcome!));
        else if (msg.type === 'error') {
          const e = msg.error!;
          const err = new PowerplaneError(
            { code: e.code, status: e.status ?? 500, exitCode: e.exitCode ?? 1, description: 'raised in the training worker' },
            e.message,
            e.details ?? {},
          );
          settle(() => reject(err));
        }
      },
    );
    worker.on('error', (err) => settle(() => reject(ERR_INTERNAL(`training worker failed: ${err.message}`, {}, { cause: err }))));
    worker.on('exit', (code) => settle(() => reject(ERR_INTERNAL(`training worker exited with code ${code}`))));
  });
}
