/**
 * @module modelserver/cli/train-command
 * `powerplane train`: offline training from a CSV file, a Prometheus server or the agent's
 * self-calibration file into a model directory, with a progress bar on a TTY, a summary of every
 * trainer's cross-validated error, and an SVG plot of measured vs predicted power for the best model.
 */
import { Option, type Command } from 'commander';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { addConfigOptions, action, resolveConfig } from '../../core/cli-common.js';
import { ERR_INVALID_FLAG } from '../../core/errors.js';
import { TRAINER_NAMES } from '../../models/registry.js';
import { ModelStore } from '../store/store.js';
import { loadTrainingData, parseTrainFields, planOf, type TrainSource } from '../training/train-request.js';
import { dataKindNotes, trainAll } from '../training/training.js';
import { saveTrainingOutcome, type TrainingSummary } from '../training/training-save.js';
import { progressBar } from './progress-bar.js';
import { num, textTable } from './text-table.js';
import { ERR_TRAINING_DATA } from '../errors.js';

/** Flags of `powerplane train`. */
interface TrainFlags {
  from?: string;
  start?: string;
  end?: string;
  step?: string;
  features?: string;
  target?: string;
  trainers?: string;
  folds?: string;
  out?: string;
  output: string;
  outputType?: string;
  isolator?: string;
  pipeline?: string;
  energySource?: string;
  featureGroup?: string;
  name?: string;
  nodeType?: string;
  machineSpec?: string;
  modelVersion?: string;
  query?: string[];
  plot?: string;
  [k: string]: unknown;
}

const FLAG: Record<string, string> = {
  start: '--start',
  end: '--end',
  step: '--step',
  features: '--features',
  target: '--target',
  trainers: '--trainers',
  folds: '--folds',
  output_type: '--output-type',
  isolator: '--isolator',
  pipeline: '--pipeline',
  energy_source: '--energy-source',
  feature_group: '--feature-group',
  name: '--name',
  node_type: '--node-type',
  machine_spec: '--machine-spec',
  version: '--model-version',
  from: '--from',
};

/** Parses `--from csv:FILE | calibration:FILE | prometheus:URL`. */
export function parseFromFlag(from: string | undefined, queries: readonly string[] = []): TrainSource {
  const m = /^(csv|calibration|prometheus):(.+)$/.exec(from ?? '');
  if (!m)
    throw ERR_INVALID_FLAG(`--from must be csv:FILE, calibration:FILE or prometheus:URL, got ${JSON.stringify(from ?? '')}`, { flag: '--from' });
  if (m[1] === 'prometheus') {
    const q: Record<string, string> = {};
    for (const pair of queries) {
      const i = pair.indexOf('=');
      if (i <= 0) throw ERR_INVALID_FLAG(`--query must be NAME=PROMQL, got ${JSON.stringify(pair)}`, { flag: '--query' });
      q[pair.slice(0, i).trim()] = pair.slice(i + 1).trim();
    }
    return { kind: 'prometheus', url: m[2], queries: q };
  }
  if (queries.length > 0) throw ERR_INVALID_FLAG('--query applies to prometheus: sources only', { flag: '--query' });
  return { kind: m[1] as 'csv' | 'calibration', path: m[2] };
}

/** The text summary `powerplane train` prints: one line per trainer, best marked with `*`. */
export function formatTrainingSummary(s: TrainingSummary): string {
  const rows = s.trainers.map((t) => [
    t.id !== undefined && t.id === s.best ? `* ${t.trainer}` : `  ${t.trainer}`,
    num(t.mae),
    num(t.mape),
    num(t.r2, 3),
    t.folds !== undefined ? String(t.folds) : '-',
    t.samples !== undefined ? String(t.samples) : '-',
    `${(t.trainMs / 1000).toFixed(2)}s`,
    t.error ? `error: ${t.error.message}` : (t.id ?? ''),
  ]);
  const head = `${s.samples} samples · features ${s.features.join(', ')} · targets ${s.components.join(', ')} · ${s.outputType}\n`;
  return head + textTable(['  TRAINER', 'MAE(W)', 'MAPE(%)', 'R2', 'FOLDS', 'SAMPLES', 'TIME', 'MODEL'], rows, new Set([1, 2, 3, 4, 5, 6]));
}

/** Registers `powerplane train`. */
export function registerTrainCommand(program: Command): void {
  const cmd = program
    .command('train')
    .description("train power models offline from CSV, Prometheus or the agent's calibration file into a model directory")
    .option('--from <source>', 'csv:FILE, calibration:FILE or prometheus:URL')
    .option('--start <time>', 'start of the data (RFC 3339, Unix seconds, now, -1h); Prometheus default: end - 1h')
    .option('--end <time>', 'end of the data; Prometheus default: now')
    .option('--step <seconds>', 'Prometheus resolution in seconds', '5')
    .option('--features <group|cols>', `feature group (e.g. BPFOnly, CPUBusy, ProcStat) or comma list of columns`)
    .option('--target <cols>', 'target column(s); default every *_watts / *_power column (Prometheus: package_watts)')
    .option('--trainers <list>', `trainers, comma list (default: all but ratio; known: ${TRAINER_NAMES.join(', ')})`)
    .option('--folds <n>', 'cross-validation folds', '5')
    .option('--out <dir>', 'model directory (default: --model-server.store-dir, .powerplane/models)')
    .option('--output-type <type>', 'AbsPower (idle included) or DynPower (idle removed)', 'AbsPower')
    .option('--isolator <name>', 'DynPower idle isolator: min or none', 'min')
    .option('--pipeline <name>', 'pipeline directory', 'powerplane')
    .option('--energy-source <name>', 'energy source directory (default rapl-sysfs for RAPL zones, acpi for platform)')
    .option('--feature-group <name>', 'feature group directory (default: the group name)')
    .option('--name <name>', 'model name (prefix NAME-<trainer> when several trainers run)')
    .option('--node-type <n>', 'node type index recorded in the models (Kepler-style names <trainer>_<n>)')
    .option('--machine-spec <spec>', 'machine spec: local (this machine), JSON, or processor=..,cores=..,chips=..,memory=..,frequency=..')
    .option('--model-version <v>', 'version served by the v2 protocol', '1')
    .option('--query <name=promql...>', 'Prometheus query for a feature or target (repeatable)')
    .option('--plot <file>', "also write the best model's measured-vs-predicted SVG here")
    .addOption(new Option('-o, --output <format>', 'text or json').choices(['text', 'json']).default('text'));
  addConfigOptions(cmd, ['log.', 'modelServer.storeDir']);
  cmd.action(
    action(async (flags: TrainFlags) => {
      const { config, log } = resolveConfig(flags);
      const source = parseFromFlag(flags.from, flags.query ?? []);
      const req = parseTrainFields(
        source,
        {
          start: flags.start,
          end: flags.end,
          step: flags.step,
          features: flags.features,
          target: flags.target,
          trainers: flags.trainers,
          folds: flags.folds,
          output_type: flags.outputType,
          isolator: flags.isolator,
          pipeline: flags.pipeline,
          energy_source: flags.energySource,
          feature_group: flags.featureGroup,
          name: flags.name,
          node_type: flags.nodeType,
          machine_spec: flags.machineSpec,
          version: flags.modelVersion,
        },
        (message, flag) => ERR_INVALID_FLAG(message, { flag }),
        (f) => FLAG[f] ?? `--${f}`,
      );
      const store = new ModelStore(flags.out ?? config.modelServer.storeDir);
      const sourced = await loadTrainingData(req);
      for (const n of sourced.notes) process.stderr.write(`note: ${n}\n`);
      const { plan, save } = planOf(req, sourced);
      const kindNotes = dataKindNotes(sourced.data, plan.outputType);
      for (const n of kindNotes) process.stderr.write(`warning: ${n}\n`);
      const bar = progressBar();
      const outcome = await trainAll(sourced.data, plan, (d, t, label) => bar.update(d, t, label));
      bar.done();
      const summary = await saveTrainingOutcome(store, outcome, plan, save);
      let plot: string | undefined;
      if (summary.best) {
        plot = join(store.root, summary.best, 'plot.svg');
        if (flags.plot) {
          await copyFile(plot, flags.plot);
          plot = flags.plot;
        }
      }
      if (flags.output === 'json')
        process.stdout.write(JSON.stringify({ ...summary, store: store.root, plot, notes: [...sourced.notes, ...kindNotes] }, null, 2) + '\n');
      else {
        process.stdout.write(formatTrainingSummary(summary));
        if (summary.best) process.stdout.write(`best: ${summary.best} (saved under ${store.root})\nplot: ${plot}\n`);
      }
      if (!summary.best)
        throw ERR_TRAINING_DATA(`no trainer succeeded: ${summary.trainers.map((t) => `${t.trainer}: ${t.error?.message}`).join('; ')}`, {
          field: 'trainers',
        });
    }),
  );
}
