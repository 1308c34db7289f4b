/**
 * @module operator/reconciler/types
 * The step framework: a reconcile is an ordered list of small steps, each answering continue,
 * requeue (after a delay) or stop; and the narrow client interface the steps need (KubeClient
 * satisfies it; tests and benchmarks use the real client against the fake API server).
 */
import type { KubeClient } from '../../kube/client.js';
import type { KindRef, KubeObject } from '../../kube/types.js';

/** What a step asks the runner to do next. */
export type StepOutcome =
  | { action: 'continue' }
  | { action: 'requeue'; afterMs?: number; reason: string; conflict?: boolean }
  | { action: 'stop'; error?: unknown };

/** One step of a reconcile. */
export interface Step<C> {
  readonly name: string;
  run(ctx: C): Promise<StepOutcome>;
}

/** The client calls reconcilers make. */
export type OperatorKube = Pick<
  KubeClient,
  'get' | 'getOrUndefined' | 'list' | 'create' | 'apply' | 'applyStatus' | 'deleteIfExists' | 'crdExists' | 'resource' | 'transport'
>;

/** Reads live objects, from an informer cache when one covers the kind, else from the API server. */
export interface ObjectReader {
  get(ref: KindRef, name: string, namespace?: string): Promise<KubeObject | undefined>;
}

/** Continue to the next step. */
export const CONTINUE: StepOutcome = { action: 'continue' };
