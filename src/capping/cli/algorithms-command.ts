/**
 * @module capping/cli/algorithms-command
 * `powerplane cap algorithms [list|show NAME|test NAME --scenario FILE|schema]`.
 */
import type { Command } from 'commander';
import { action } from '../../core/cli-common.js';
import { cappingProtocolJsonSchemaText } from '../algorithm/json-schema.js';
import { algorithmInfo, createAlgorithm, listAlgorithms } from '../algorithms/registry.js';
import { ERR_INVALID_FLAG, ERR_UPSTREAM, errorMessage } from '../../core/errors.js';
import { verifyPublishedSchema } from '../plugins/http-plugin.js';
import { AlgorithmFailure } from '../algorithm/step.js';
import { loadScenario } from '../sim/scenario.js';
import { simulate } from '../sim/simulator.js';
import { catalogFromFlag, formatRuns, outputFormat } from './simulate-command.js';

function parseParameters(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  try {
    const v = JSON.parse(text) as unknown;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not a JSON object');
    return v as Record<string, unknown>;
  } catch (err) {
    throw ERR_INVALID_FLAG(`--parameters must be a JSON object: ${errorMessage(err)}`, { flag: '--parameters' });
  }
}

/** Registers `cap algorithms` and its subcommands on the `cap` command. */
export function registerAlgorithmsCommand(cap: Command): void {
  const alg = cap.command('algorithms').description("capping algorithms: built-ins and the catalog's plug-ins");
  alg
    .command('list', { isDefault: true })
    .description("list built-in algorithms and the catalog's plug-ins")
    .option('--catalog <file>', 'algorithm catalog YAML')
    .option('-o, --output <format>', 'text or json', 'text')
    .action(
      action((opts: { catalog?: string; output: string }) => {
        const format = outputFormat(opts.output);
        const all = listAlgorithms(catalogFromFlag(opts.catalog));
        if (format === 'json') return void process.stdout.write(JSON.stringify(all) + '\n');
        const w = Math.max(4, ...all.map((a) => a.name.length));
        process.stdout.write(`${'NAME'.padEnd(w)}  KIND     DESCRIPTION\n`);
        for (const a of all)
          process.stdout.write(
            `${a.name.padEnd(w)}  ${a.kind.padEnd(7)}  ${a.kind === 'plugin' ? `${a.version} ${a.endpoint} ` : ''}${a.description}\n`,
          );
      }),
    );
  alg
    .command('show <name>')
    .description('show one algorithm: description, endpoint, timeout, parameters schema')
    .option('--catalog <file>', 'algorithm catalog YAML')
    .action(
      action((name: string, opts: { catalog?: string }) => {
        process.stdout.write(JSON.stringify(algorithmInfo(name, catalogFromFlag(opts.catalog)), null, 2) + '\n');
      }),
    );
  alg
    .command('test <name>')
    .description('run an algorithm (a plug-in: over HTTP) on a scenario; exit 1 when it failed at any step')
    .requiredOption('--scenario <file>', 'scenario YAML (docs/capping-simulator.md)')
    .option('--catalog <file>', 'algorithm catalog YAML')
    .option('--parameters <json>', 'algorithm parameters as a JSON object')
    .option('-o, --output <format>', 'text or json', 'text')
    .action(
      action(async (name: string, opts: { scenario: string; catalog?: string; parameters?: string; output: string }) => {
        const format = outputFormat(opts.output);
        const catalog = catalogFromFlag(opts.catalog);
        const scenario = loadScenario(opts.scenario);
        const algorithm = createAlgorithm(name, parseParameters(opts.parameters), catalog);
        const entry = catalog.entries.find((e) => e.name === name);
        let digest: string | undefined;
        if (entry) {
          try {
            digest = await verifyPublishedSchema(entry);
          } catch (err) {
            if (err instanceof AlgorithmFailure) throw ERR_UPSTREAM(`plug-in ${name}: ${err.message}`, { field: 'endpoint' });
            throw err;
          }
        }
        const run = await simulate(scenario, algorithm, { perTargetSeries: false });
        if (format === 'json')
          process.stdout.write(
            JSON.stringify({ algorithm: name, publishedSchemaSha256: digest, summary: run.summary, holdReasons: run.holdReasons }) + '\n',
          );
        else {
          if (digest)
            process.stdout.write(`published schema sha256 ${digest}${entry?.sha256 ? ' (matches the catalog)' : ' (the catalog pins none)'}\n`);
          process.stdout.write(formatRuns([run], undefined));
          for (const r of run.holdReasons) process.stdout.write(`hold: ${r}\n`);
        }
        if (run.summary.holds > 0) throw ERR_UPSTREAM(`algorithm ${name} failed at ${run.summary.holds} step(s); every limit was held then`);
      }),
    );
  alg
    .command('schema')
    .description('print the JSON Schema of the algorithm protocol (state → decisions), also the plug-in protocol')
    .action(() => {
      process.stdout.write(cappingProtocolJsonSchemaText());
    });
}
