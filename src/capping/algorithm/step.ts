/**
 * @module capping/algorithm/step
 * One decision step: ask an algorithm, check its answer, pass it through the shared guard.
 *
 * How the operator's Recommender/Actuator (and the simulator) call it, every `interval`:
 * ```ts
 * const { decisions, memory: next, hold } = await runCappingStep(algorithm, state, memory);
 * memory = next;                      // keep per policy, in memory (losing it only delays raises)
 * if (hold) { setCondition('RecommendationProvided', 'False', hold.code, hold.reason); emitEvent(hold.reason); }
 * for (const d of decisions.targets) {
 *   if (d.change === 'none') continue;
 *   // Enforce + LimitReplicas allowed: write d.maxReplicas (or restore the user's value when d.uncapped),
 *   // record the time of the action: it becomes the target's secondsSinceLastAction next step.
 * }
 * // decisions.pods / requests / alerts are already filtered by the policy's allowed actions.
 * ```
 * A failing algorithm (throws, times out, answers something invalid or naming unknown targets) yields
 * `hold` and decisions that keep every limit as it is: a broken plug-in never scales anything.
 */
import { applyGuards, limitInForce, type GuardedDecisions, type GuardMemory } from './guard.js';
import type { CappingAlgorithm, CappingDecisions, CappingState } from './types.js';
import { errorMessage } from '../../core/errors.js';

/** Why a step held everything. `code` is a condition reason (CamelCase). */
export interface StepHold {
  code: 'AlgorithmFailed' | 'AlgorithmTimeout' | 'AlgorithmInvalidAnswer';
  reason: string;
}

/** The result of one step. */
export interface StepResult {
  decisions: GuardedDecisions;
  memory: GuardMemory;
  /** Set when the algorithm failed: then every limit is held. */
  hold?: StepHold;
}

/** An algorithm failure that carries its hold code (thrown by the plug-in client). */
export class AlgorithmFailure extends Error {
  constructor(
    readonly code: StepHold['code'],
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AlgorithmFailure';
  }
}

/** Decisions that keep every target's limit: what a hold applies. */
export function holdEverything(state: CappingState, reason: string): GuardedDecisions {
  return {
    targets: state.targets.map((t) => {
      const prev = limitInForce(t);
      return { target: t.id, previousLimit: prev, maxReplicas: prev, change: 'none' as const, uncapped: prev >= t.maxReplicas, reason };
    }),
    pods: [],
    requests: [],
    alerts: [],
  };
}

/** Problems of an answer against the state: unknown or repeated targets, pods not of their target. */
export function answerProblems(state: CappingState, d: CappingDecisions): string[] {
  const ids = new Set(state.targets.map((t) => t.id));
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const [i, r] of d.replicas.entries()) {
    if (!ids.has(r.target)) problems.push(`replicas[${i}].target: unknown target ${JSON.stringify(r.target)}`);
    else if (seen.has(r.target)) problems.push(`replicas[${i}].target: ${r.target} appears twice`);
    seen.add(r.target);
    if (!Number.isInteger(r.maxReplicas) || r.maxReplicas < 0) problems.push(`replicas[${i}].maxReplicas: not a whole number ≥ 0`);
  }
  if (d.pods && d.pods.length > 0) {
    const podsOf = new Map(state.targets.map((t) => [t.id, new Set((t.pods ?? []).map((p) => p.name))]));
    for (const [i, p] of d.pods.entries()) {
      if (!podsOf.get(p.target)?.has(p.pod)) problems.push(`pods[${i}].pod: ${JSON.stringify(p.pod)} is not a pod of ${JSON.stringify(p.target)}`);
    }
  }
  for (const [i, r] of (d.requests ?? []).entries())
    if (!ids.has(r.target)) problems.push(`requests[${i}].target: unknown target ${JSON.stringify(r.target)}`);
  return problems.slice(0, 10);
}

/**
 * Runs one step: `algorithm.decide(state)`, checks the answer, applies the guard. Never throws for an
 * algorithm's failure; returns a hold instead.
 */
export async function runCappingStep(
  algorithm: CappingAlgorithm,
  state: CappingState,
  memory: GuardMemory,
  signal?: AbortSignal,
): Promise<StepResult> {
  let proposal: CappingDecisions;
  try {
    proposal = await algorithm.decide(state, signal);
  } catch (err) {
    const code = err instanceof AlgorithmFailure ? err.code : 'AlgorithmFailed';
    const reason = `algorithm ${algorithm.name} failed: ${errorMessage(err)}; every limit held`;
    return { decisions: holdEverything(state, reason), memory, hold: { code, reason } };
  }
  const problems = answerProblems(state, proposal);
  if (problems.length > 0) {
    const reason = `algorithm ${algorithm.name} answered invalid decisions (${problems.join('; ')}); every limit held`;
    return { decisions: holdEverything(state, reason), memory, hold: { code: 'AlgorithmInvalidAnswer', reason } };
  }
  const { decisions, memory: next } = applyGuards(state, proposal, memory);
  return { decisions, memory: next };
}
