import type { Command } from 'commander';
import { notAvailable } from '../cli/common.js';
/** Registers `powerplane operator`. */
export function registerOperatorCommand(program: Command): void {
  notAvailable(program, 'operator', 'run the operator');
}
