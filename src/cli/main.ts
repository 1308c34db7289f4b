#!/usr/bin/env node
/**
 * @module cli/main
 * The `powerplane` binary: one program, one subcommand per component (DESIGN.md §2).
 */
import { Command, CommanderError } from 'commander';
import { versionInfo } from '../core/version.js';
import { exitWithError } from './common.js';

type Register = (program: Command) => void;

/**
 * Each component's commands and the module that registers them. Only the invoked command's module is
 * imported, so `powerplane agent` never loads the operator's Kubernetes client or the model trainers
 * (memory on every node); help and unknown commands load them all.
 */
const COMMAND_MODULES: ReadonlyArray<{ commands: readonly string[]; load: () => Promise<Register> }> = [
  { commands: ['up'], load: async () => (await import('./up.js')).registerUpCommand },
  { commands: ['agent'], load: async () => (await import('../agent/command.js')).registerAgentCommands },
  { commands: ['model-server', 'train', 'model'], load: async () => (await import('../modelserver/command.js')).registerModelServerCommands },
  { commands: ['estimator', 'estimate'], load: async () => (await import('../estimator/command.js')).registerEstimatorCommands },
  { commands: ['place'], load: async () => (await import('../estimator/placement/command.js')).registerPlaceCommand },
  { commands: ['operator', 'render'], load: async () => (await import('../operator/command.js')).registerOperatorCommands },
  { commands: ['cap'], load: async () => (await import('../capping/cli/command.js')).loadCapCommands() },
  { commands: ['top'], load: async () => (await import('../dashboard/command.js')).registerDashboardCommands },
];

/** Builds the CLI program with the commands `argv` needs (all of them when it names none). Exported for tests. */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('powerplane')
    .description('Power-aware control plane for Kubernetes: per-workload energy, power models, placement estimation, power capping')
    .showHelpAfterError()
    .exitOverride()
    .version(versionLine(), '-V, --version', 'print version, commit and Node version');
  const invoked = argv.slice(2).find((a) => !a.startsWith('-'));
  const wanted = COMMAND_MODULES.filter((m) => invoked !== undefined && m.commands.includes(invoked));
  for (const m of wanted.length > 0 ? wanted : COMMAND_MODULES) (await m.load())(program);
  program
    .command('version')
    .description('print version, commit and Node version')
    .option('-o, --output <format>', 'text or json', 'text')
    .action((opts: { output: string }) => {
      if (opts.output === 'json') process.stdout.write(JSON.stringify(versionInfo()) + '\n');
      else process.stdout.write(versionLine() + '\n');
    });
  for (const c of program.commands) c.exitOverride();
  return program;
}

/** One line naming the version, commit and Node version (`powerplane --version`, `powerplane version`). */
function versionLine(): string {
  const v = versionInfo();
  return `powerplane ${v.version} (commit ${v.commit}, node ${v.node})`;
}

/** Runs the CLI with `argv` (process.argv form). */
export async function main(argv: string[]): Promise<void> {
  try {
    await (await buildProgram(argv)).parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError && (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0)) process.exit(0);
    exitWithError(err);
  }
}

await main(process.argv);
