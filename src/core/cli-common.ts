/**
 * @module core/cli-common
 * What every command shares: Kepler-style config flags bound to the key table, config loading with
 * warnings, a logger from `log.*`, and one place that turns errors into exit codes (2 for bad input,
 * naming the flag, key or file).
 */
import { Command, Option, CommanderError } from 'commander';
import { CONFIG_KEYS, keysMatching } from './config-keys.js';
import { loadConfig, type PowerplaneConfig, type RawFlag } from './config.js';
import { formatDuration } from './duration.js';
import { PowerplaneError } from './errors.js';
import { createLogger, type Logger } from './logger.js';
import { watchConfigFile } from './config-watch.js';

/** Adds `--config.file` and the flags of the given config keys (or key prefixes ending in `.`) to a command. List flags repeat and accumulate. */
export function addConfigOptions(cmd: Command, keys: readonly string[]): Command {
  cmd.option('--config.file <path>', 'YAML config file (flags override it)');
  for (const spec of keysMatching(keys)) {
    const shown =
      spec.type === 'duration' ? formatDuration(spec.default as number) : Array.isArray(spec.default) ? spec.default.join(',') : String(spec.default);
    const desc = `${spec.description}${shown !== '' ? ` (default: ${shown})` : ''}`;
    const option = new Option(spec.type === 'bool' ? `${spec.flag} [bool]` : `${spec.flag} <value>`, desc);
    if (spec.type === 'list') option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
    cmd.addOption(option);
  }
  return cmd;
}

/** Commander's attribute name for a flag: `--web.listen-address` → `web.listenAddress`. */
function attributeName(flag: string): string {
  return flag.replace(/^--/, '').replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

/** Raw flag values by config key from commander's parsed options (`--web.listen-address` → `web.listenAddress`). */
export function configFlags(opts: Record<string, unknown>): Record<string, RawFlag> {
  const flags: Record<string, RawFlag> = {};
  for (const spec of CONFIG_KEYS) {
    const v = opts[attributeName(spec.flag)];
    if (v !== undefined) flags[spec.key] = v as RawFlag;
  }
  return flags;
}

/** Loads the config for a command from its parsed options; logs warnings; returns config and logger. */
export function resolveConfig(opts: Record<string, unknown>, defaults: Record<string, unknown> = {}): { config: PowerplaneConfig; log: Logger } {
  const { config, warnings, notices } = loadConfig({ file: opts['config.file'] as string | undefined, flags: configFlags(opts), defaults });
  const log = createLogger({ level: config.log.level, format: config.log.format });
  for (const n of notices) log.info(n);
  for (const w of warnings) log.warn(w);
  return { config, log };
}

/**
 * Re-reads the config file whenever it changes (a ConfigMap update, an edit) and hands the new
 * configuration, with the same flags and defaults applied, to `apply`. An invalid file changes nothing.
 */
export function reloadOnChange(
  opts: Record<string, unknown>,
  defaults: Record<string, unknown>,
  log: Logger,
  apply: (next: PowerplaneConfig) => Promise<void>,
): void {
  const file = opts['config.file'] as string | undefined;
  if (!file) return;
  watchConfigFile(file, () => apply(loadConfig({ file, flags: configFlags(opts), defaults }).config), log);
}

/** Wraps a command action: catalog errors print `error: message` to stderr and exit with their exit code. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void> | void): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      exitWithError(err);
    }
  };
}

/** Prints an error and exits: 2 for bad input (catalog exit code), 1 otherwise. */
export function exitWithError(err: unknown): never {
  if (err instanceof PowerplaneError) {
    process.stderr.write(`error: ${err.message}\n`);
    process.exit(err.exitCode);
  }
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
  process.stderr.write(`error: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
}
