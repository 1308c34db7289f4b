import type { Command } from 'commander';
import { notAvailable } from '../cli/common.js';

/** Registers this component's commands. (Placeholder until the component lands.) */
export function registerOperatorCommands(program: Command): void {
  notAvailable(program, 'operator', 'run the operator');
  notAvailable(program, 'render', 'print the install manifests');
}
