import type { Command } from 'commander';
import { notAvailable } from '../cli/common.js';

/** Registers this component's commands. (Placeholder until the component lands.) */
export function registerAgentCommands(program: Command): void {
  notAvailable(program, 'agent', 'run the node agent');
}
