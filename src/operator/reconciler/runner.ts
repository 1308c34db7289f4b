/**
 * @module operator/reconciler/runner
 * Runs steps in order until one does not continue. A 409 Conflict thrown by a step (a stale
 * resourceVersion, another writer) becomes a requeue with backoff; other errors stop the run and
 * are returned for the caller's status condition.
 */
import { isConflict, isAlreadyExists } from '../../kube/errors.js';
import type { Step, StepOutcome } from './types.js';

/** The outcome of a run: the last step's result and its name. */
export interface RunOutcome {
  result: StepOutcome;
  step: string;
}

/** Runs `steps` against `ctx`. */
export async function runSteps<C>(steps: readonly Step<C>[], ctx: C): Promise<RunOutcome> {
  for (const step of steps) {
    let result: StepOutcome;
    try {
      result = await step.run(ctx);
    } catch (err) {
      if (isConflict(err) || isAlreadyExists(err))
        return { result: { action: 'requeue', reason: `conflict in ${step.name}`, conflict: true }, step: step.name };
      return { result: { action: 'stop', error: err }, step: step.name };
    }
    if (result.action !== 'continue') return { result, step: step.name };
  }
  return { result: { action: 'continue' }, step: '' };
}
