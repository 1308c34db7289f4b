/**
 * @module capping/cli/command
 * `powerplane cap`: the power-capping commands. Each subcommand lives in its own module and registers
 * itself on the `cap` command; add a subcommand by adding its loader to {@link CAP_SUBCOMMANDS}.
 */
import type { Command } from 'commander';

type RegisterSub = (cap: Command) => void;

/** The `cap` subcommands and the modules that register them (imported only when `cap` is invoked). */
const CAP_SUBCOMMANDS: ReadonlyArray<() => Promise<RegisterSub>> = [
  async () => (await import('./simulate-command.js')).registerSimulateCommand,
  async () => (await import('./algorithms-command.js')).registerAlgorithmsCommand,
  async () => (await import('../../operator/capping/status-command.js')).registerCapStatusCommand,
];

/** Loads the `cap` subcommand modules and returns the function that registers `powerplane cap` and them. */
export async function loadCapCommands(): Promise<(program: Command) => void> {
  const subs = await Promise.all(CAP_SUBCOMMANDS.map((load) => load()));
  return (program) => {
    const cap = program.command('cap').description('power capping: policy status on the cluster, simulate algorithms, the algorithm catalog');
    for (const register of subs) register(cap);
  };
}
