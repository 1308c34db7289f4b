/**
 * @module capping/cli/algorithms-command
 * `powerplane cap algorithms schema`: prints the protocol's JSON Schema (for plug-in authors).
 */
import type { Command } from 'commander';
import { cappingProtocolJsonSchemaText } from '../algorithm/json-schema.js';

/** Registers `cap algorithms` and its subcommands on the `cap` command. */
export function registerAlgorithmsCommand(cap: Command): void {
  const alg = cap.command('algorithms').description('capping algorithms: the protocol schema');
  alg
    .command('schema')
    .description('print the JSON Schema of the algorithm protocol (state → decisions), also the plug-in protocol')
    .action(() => {
      process.stdout.write(cappingProtocolJsonSchemaText());
    });
}
