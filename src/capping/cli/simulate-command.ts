/**
 * @module capping/cli/simulate-command
 * `powerplane cap simulate --scenario FILE [--algorithm NAME]... [--catalog FILE] [-o json] [--plot OUT.svg]`
 */
import type { Command } from 'commander';
import { action } from '../../core/cli-common.js';
import { ERR_INVALID_FLAG } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/fs.js';
import { BUILTIN_NAMES, createAlgorithm } from '../algorithms/registry.js';
import { EMPTY_CATALOG, loadCatalogFile, type Catalog } from '../plugins/catalog.js';
import { bestServedFraction } from '../sim/bound.js';
import { plotRuns } from '../sim/plot.js';
import { loadScenario } from '../sim/scenario.js';
import { resolveBudgetWatts, simulate, type SimResult } from '../sim/simulator.js';

/** Workloads up to which the exact best-possible bound is computed for the output. */
const BOUND_MAX_WORKLOADS = 20;

/** Loads `--catalog FILE` when given. */
export function catalogFromFlag(path: string | undefined): Catalog {
  return path === undefined ? EMPTY_CATALOG : loadCatalogFile(path, BUILTIN_NAMES);
}

/** Checks `-o`. */
export function outputFormat(o: string): 'text' | 'json' {
  if (o !== 'text' && o !== 'json') throw ERR_INVALID_FLAG(`--output must be text or json, got ${JSON.stringify(o)}`, { flag: '--output' });
  return o;
}

/** One line per run, for people. */
export function formatRuns(runs: readonly SimResult[], best: number | undefined): string {
  const head = ['algorithm', 'W·s over', 'after settle', 'max over W', 'time over', 'served', 'work/J', 'actions', 'flaps', 'holds'];
  const rows = runs.map((r) => {
    const m = r.summary;
    return [
      r.algorithm,
      m.wattSecondsOverBudget.toFixed(0),
      m.wattSecondsOverBudgetAfterSettle.toFixed(0),
      m.maxOvershootWatts.toFixed(1),
      `${(m.fractionOfTimeOverBudget * 100).toFixed(1)}%`,
      `${(m.demandServedFraction * 100).toFixed(1)}%`,
      m.workPerJoule.toFixed(3),
      String(m.actions),
      String(m.flaps),
      String(m.holds),
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const r0 = runs[0];
  const title = r0
    ? `scenario ${r0.scenario} (seed ${r0.seed}), budget ${r0.summary.budgetWatts} W, settle after ${r0.summary.settleSeconds}s${best !== undefined ? `, best possible served ${(best * 100).toFixed(1)}%` : ''}`
    : '';
  return [title, line(head), ...rows.map(line), ''].join('\n');
}

/** Registers `cap simulate`. */
export function registerSimulateCommand(cap: Command): void {
  cap
    .command('simulate')
    .description('run capping algorithms on a scenario file (deterministic by seed) and report budget overshoot, demand served, flaps')
    .requiredOption('--scenario <file>', 'scenario YAML (docs/capping-simulator.md)')
    .option('--algorithm <name>', 'algorithm to run, repeatable (default: every built-in)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--catalog <file>', 'algorithm catalog YAML listing plug-ins')
    .option('-o, --output <format>', 'text or json', 'text')
    .option('--plot <file>', 'write an SVG of power vs budget and served vs demanded')
    .action(
      action(async (opts: { scenario: string; algorithm?: string[]; catalog?: string; output: string; plot?: string }) => {
        const format = outputFormat(opts.output);
        const scenario = loadScenario(opts.scenario);
        const catalog = catalogFromFlag(opts.catalog);
        const names = opts.algorithm ?? [...BUILTIN_NAMES];
        const algorithms = names.map((n) => createAlgorithm(n, {}, catalog));
        const runs: SimResult[] = [];
        for (const a of algorithms) runs.push(await simulate(scenario, a));
        const best = scenario.workloads.length <= BOUND_MAX_WORKLOADS ? bestServedFraction(scenario, resolveBudgetWatts(scenario)) : undefined;
        if (opts.plot) await writeFileAtomic(opts.plot, plotRuns(runs));
        if (format === 'json') {
          process.stdout.write(
            JSON.stringify({
              scenario: scenario.name,
              seed: scenario.seed,
              ...(best !== undefined ? { bestPossibleServedFraction: Math.round(best * 1e4) / 1e4 } : {}),
              runs,
            }) + '\n',
          );
        } else process.stdout.write(formatRuns(runs, best));
      }),
    );
}
