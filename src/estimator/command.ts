import type { Command } from 'commander';
import { notAvailable } from '../cli/common.js';

/** Registers this component's commands. (Placeholder until the component lands.) */
export function registerEstimatorCommands(program: Command): void {
  notAvailable(program, 'estimator', 'run the WAO-compatible estimator');
  notAvailable(program, 'estimate', 'ask an estimator how many watts N pods add');
}
