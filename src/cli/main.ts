#!/usr/bin/env node
/**
 * @module cli/main
 * The `powerplane` binary: one program, one subcommand per component (DESIGN.md §2).
 */
import { Command, CommanderError } from 'commander';
import { versionInfo } from '../core/version.js';
import { exitWithError } from './common.js';
import { registerUpCommand } from './up.js';
import { registerAgentCommands } from '../agent/command.js';
import { registerModelServerCommands } from '../modelserver/command.js';
import { registerEstimatorCommands } from '../estimator/command.js';
import { registerOperatorCommands } from '../operator/command.js';
import { registerDashboardCommands } from '../dashboard/command.js';

/** Builds the CLI program (exported for tests). */
export function buildProgram(): Command {
  const program = new Command('powerplane')
    .description('Power-aware control plane for Kubernetes: per-workload energy, power models, placement estimation, power capping')
    .showHelpAfterError()
    .exitOverride();
  registerUpCommand(program);
  registerAgentCommands(program);
  registerModelServerCommands(program);
  registerEstimatorCommands(program);
  registerOperatorCommands(program);
  registerDashboardCommands(program);
  program
    .command('version')
    .description('print version, commit and Node version')
    .option('-o, --output <format>', 'text or json', 'text')
    .action((opts: { output: string }) => {
      const v = versionInfo();
      if (opts.output === 'json') process.stdout.write(JSON.stringify(v) + '\n');
      else process.stdout.write(`powerplane ${v.version} (commit ${v.commit}, node ${v.node})\n`);
    });
  for (const c of program.commands) c.exitOverride();
  return program;
}

/** Runs the CLI with `argv` (process.argv form). */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError && (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0)) process.exit(0);
    exitWithError(err);
  }
}

await main(process.argv);
