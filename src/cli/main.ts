#!/usr/bin/env node
/**
 * @module cli/main
 * The `powerplane` binary: one program, one subcommand per component (DESIGN.md §2).
 */
import { Command, CommanderError } from 'commander';
import { versionInfo } from '../core/version.js';
import { exitWithError } from '../core/cli-common.js';
import { COMMAND_MODULES } from './commands.js';

/** The command `argv` invokes (`help X` invokes X's help), or undefined. */
function invokedCommand(argv: readonly string[]): string | undefined {
  const args = argv.slice(2).filter((a) => !a.startsWith('-'));
  return args[0] === 'help' && args[1] !== undefined ? args[1] : args[0];
}

/**
 * Builds the CLI program with the commands `argv` needs: the invoked command's module, or, when argv
 * names none of them (help, version, a typo), one-line entries from the summaries. Exported for tests.
 */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('powerplane')
    .description('Power-aware control plane for Kubernetes: per-workload energy, power models, placement estimation, power capping')
    .showHelpAfterError()
    .exitOverride()
    // Handled when parsed (not commander's .version()), so no other command pays for the git look-up.
    .option('-V, --version', 'print version, commit and Node version')
    .on('option:version', () => {
      process.stdout.write(versionLine() + '\n');
      process.exit(0);
    });
  const invoked = invokedCommand(argv);
  const wanted = COMMAND_MODULES.filter((m) => invoked !== undefined && Object.hasOwn(m.commands, invoked));
  for (const m of wanted) (await m.load())(program);
  if (wanted.length === 0) {
    for (const m of COMMAND_MODULES)
      for (const [name, summary] of Object.entries(m.commands))
        program.command(name).description(summary).allowUnknownOption().allowExcessArguments();
  }
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
    if (err instanceof CommanderError && (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0))
      process.exit(0);
    exitWithError(err);
  }
}

void main(process.argv);
