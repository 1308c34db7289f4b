import type { Command } from 'commander';
import { notAvailable } from '../cli/common.js';

/** Registers this component's commands. (Placeholder until the component lands.) */
export function registerDashboardCommands(program: Command): void {
  notAvailable(program, 'top', 'live table of the top workloads in a terminal');
}
