import type { Command } from 'commander';
import { notAvailable } from '../cli/common.js';

/** Registers this component's commands. (Placeholder until the component lands.) */
export function registerModelServerCommands(program: Command): void {
  notAvailable(program, 'model-server', 'run the model server');
  notAvailable(program, 'train', 'train power models offline');
  notAvailable(program, 'model', 'list, show, import and try models');
}
