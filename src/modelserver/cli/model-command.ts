/**
 * @module modelserver/cli/model-command
 * `powerplane model list|show|import|predict`: look at a model directory or a model server, import a
 * Kepler weight JSON (or a model archive) as a model, and try a model on inputs before trusting it.
 */
import { Option, type Command } from 'commander';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { addConfigOptions, action, resolveConfig } from '../../core/cli-common.js';
import { ERR_FILE_UNREADABLE, ERR_INVALID_FLAG, ERR_MALFORMED_FILE, errorMessage } from '../../core/errors.js';
import { deserializeModel } from '../../models/registry.js';
import { loadKeplerWeights } from '../../models/kepler/weights.js';
import type { SerializedModel, TrainedModel } from '../../models/types.js';
import { ModelServerClient } from '../client.js';
import { importKeplerDirectory, importKeplerWeights, readWeightFile } from '../store/import-weights.js';
import type { ModelMetadata } from '../store/metadata.js';
import { ModelService, modelSummary, type ModelSummary } from '../routes/model-service.js';
import { ModelStore, type StoredModel } from '../store/store.js';
import { readZip } from '../store/zip.js';
import { num, textTable } from './text-table.js';

const isUrl = (s: string) => /^https?:\/\//i.test(s);
const outputOption = () => new Option('-o, --output <format>', 'text or json').choices(['text', 'json']).default('text');

function summaryTable(models: readonly ModelSummary[]): string {
  return textTable(
    ['ID', 'TRAINER', 'FEATURES', 'MAE(W)', 'MAPE(%)', 'R2', 'SAMPLES', 'WEIGHT'],
    models.map((m) => [
      m.id,
      m.trainer,
      m.features.join(','),
      num(m.accuracy?.mae),
      num(m.accuracy?.mape),
      num(m.accuracy?.r2, 3),
      m.accuracy ? String(m.accuracy.samples) : '-',
      m.weight ? 'yes' : 'no',
    ]),
    new Set([3, 4, 5, 6]),
  );
}

/** Formats `model show`. */
export function formatModelDetail(s: ModelSummary, md: ModelMetadata): string {
  const lines = [
    `id:            ${s.id}`,
    `name:          ${s.name} (version ${s.version})`,
    `trainer:       ${s.trainer} (kind ${s.kind})`,
    `output:        ${s.output_type}${md.isolator ? ` (isolator ${md.isolator})` : ''}, energy source ${s.energy_source}`,
    `features:      ${s.features.join(', ')}`,
    `components:    ${s.components.join(', ')}`,
    `trained on:    ${md.train_samples} samples from ${md.training_source ?? 'unknown'}, ${md.created}`,
  ];
  if (s.node_type !== undefined) lines.push(`node type:     ${s.node_type}`);
  if (s.machine_spec)
    lines.push(
      `machine spec:  ${Object.entries(s.machine_spec)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
    );
  lines.push(`kepler weight: ${s.weight ? 'yes' : 'no'}`);
  let out = lines.join('\n') + '\n';
  if (md.accuracy) {
    out += `\naccuracy (${md.accuracy.folds}-fold cross-validation, aggregate = ${md.accuracy.aggregation}):\n`;
    const rows = Object.entries(md.accuracy.perComponent).map(([c, a]) => [c, num(a.mae), num(a.mape), num(a.r2, 3), String(a.samples)]);
    const a = md.accuracy.aggregate;
    rows.push(['aggregate', num(a.mae), num(a.mape), num(a.r2, 3), String(a.samples)]);
    out += textTable(['COMPONENT', 'MAE(W)', 'MAPE(%)', 'R2', 'SAMPLES'], rows, new Set([1, 2, 3, 4]));
  } else out += 'accuracy:      not measured here (imported)\n';
  return out;
}

/** Parses `--input name=value` flags (each may hold a comma list) into a feature vector. */
export function parseInputs(items: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) {
    for (const pair of item.split(',')) {
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = Number(pair.slice(i + 1).trim());
      if (i <= 0 || pair.slice(i + 1).trim() === '' || !Number.isFinite(value))
        throw ERR_INVALID_FLAG(`--input must be name=number, got ${JSON.stringify(pair)}`, { flag: '--input' });
      if (value < 0)
        throw ERR_INVALID_FLAG(`--input ${name} is ${value}: features are times, counts and ratios, never negative`, { flag: '--input' });
      out[name] = value;
    }
  }
  return out;
}

/**
 * Watts are never negative: a prediction below 0 (a linear model outside its training range) becomes 0,
 * and the raw value is returned in `clamped` so it can be reported beside it.
 */
export function nonNegativeWatts(
  components: readonly string[],
  row: readonly number[],
): { watts: Record<string, number>; clamped: Record<string, number> } {
  const watts: Record<string, number> = {};
  const clamped: Record<string, number> = {};
  components.forEach((c, k) => {
    watts[c] = Math.max(0, row[k]);
    if (row[k] < 0) clamped[c] = row[k];
  });
  return { watts, clamped };
}

/** Loads a model for `predict`: a model.json or Kepler weight file, a model directory, or an id/name in the store (a directory or a model server URL). */
async function loadForPredict(ref: string, storeDir: string): Promise<{ label: string; model: TrainedModel }> {
  const st = await stat(ref).catch(() => undefined);
  if (st?.isDirectory()) {
    for (const file of ['model.json', 'weight.json'])
      if (await stat(join(ref, file)).catch(() => undefined)) return loadForPredict(join(ref, file), storeDir);
    throw ERR_FILE_UNREADABLE(
      `${ref} is a directory without model.json or weight.json: give a model directory (the folder that holds model.json), a model.json, a Kepler weight file, or a model id`,
      { path: ref },
    );
  }
  if (st?.isFile()) {
    const json = (await readWeightFile(ref)) as Partial<SerializedModel>;
    if (json && json.format === 'powerplane-model/v1') return { label: ref, model: await deserializeModel(json as SerializedModel) };
    return { label: ref, model: loadKeplerWeights(json, ref) };
  }
  if (isUrl(storeDir)) {
    const { summary, model } = await new ModelServerClient(storeDir).fetchModel(ref);
    return { label: summary.id, model: await deserializeModel(model) };
  }
  const svc = new ModelService(new ModelStore(storeDir));
  const m = await svc.resolve(ref);
  return { label: m.id, model: await svc.load(m) };
}

/** Registers `powerplane model …`. */
export function registerModelCommand(program: Command): void {
  const model = program.command('model').description('list, show, import and try power models');

  const list = model
    .command('list')
    .description('list the models of a model directory or a model server')
    .argument('[dir|url]', 'model directory or model server URL (default: --model-server.store-dir)')
    .addOption(outputOption());
  addConfigOptions(list, ['log.', 'modelServer.storeDir']);
  list.action(
    action(async (where: string | undefined, flags: Record<string, unknown> & { output: string }) => {
      const { config } = resolveConfig(flags);
      const src = where ?? config.modelServer.storeDir;
      if (!isUrl(src) && !(await stat(src).catch(() => undefined))?.isDirectory()) {
        throw ERR_FILE_UNREADABLE(`no such directory: ${src} (give a model directory or a model server URL)`, { path: src });
      }
      const models = isUrl(src) ? await new ModelServerClient(src).list() : (await new ModelStore(src).list()).map(modelSummary);
      if (flags.output === 'json') process.stdout.write(JSON.stringify({ models }, null, 2) + '\n');
      else process.stdout.write(models.length ? summaryTable(models) : `no models in ${src}\n`);
    }),
  );

  const show = model
    .command('show')
    .description('show a model: features, accuracy per component, provenance')
    .argument('<id>', 'model id (pipeline/source/type/group/name) or unique name')
    .argument('[dir|url]', 'model directory or model server URL (default: --model-server.store-dir)')
    .addOption(outputOption());
  addConfigOptions(show, ['log.', 'modelServer.storeDir']);
  show.action(
    action(async (id: string, where: string | undefined, flags: Record<string, unknown> & { output: string }) => {
      const { config } = resolveConfig(flags);
      const src = where ?? config.modelServer.storeDir;
      let summary: ModelSummary;
      let metadata: ModelMetadata;
      if (isUrl(src)) {
        const c = new ModelServerClient(src);
        const d = await c.get((await c.resolve(id)).id);
        summary = d;
        metadata = d.metadata;
      } else {
        const m: StoredModel = await new ModelService(new ModelStore(src)).resolve(id);
        summary = modelSummary(m);
        metadata = m.metadata;
      }
      if (flags.output === 'json') process.stdout.write(JSON.stringify({ ...summary, metadata }, null, 2) + '\n');
      else process.stdout.write(formatModelDetail(summary, metadata));
    }),
  );

  const imp = model
    .command('import')
    .description('import a Kepler weight JSON, a Kepler model-db directory of them, or a model archive (.zip) into a model directory')
    .argument('<file>', 'Kepler model-db weight JSON, a model-db directory (e.g. models/v0.7/ec2-0.7.11), or a powerplane model archive')
    .option('--out <dir>', 'model directory (default: --model-server.store-dir)')
    .option('--name <name>', 'model name (default: the file name, e.g. SGDRegressorTrainer_4)')
    .option('--pipeline <name>', 'pipeline (default: from the file path, else powerplane)')
    .option('--energy-source <name>', 'energy source (default: from the path, else rapl-sysfs/acpi by component)')
    .option('--output-type <type>', 'AbsPower or DynPower (default: from the path, else AbsPower)')
    .option('--feature-group <name>', 'feature group (default: from the path, else by features)')
    .option('--node-type <n>', 'node type (default: the _<n> suffix of the name)')
    .addOption(outputOption());
  addConfigOptions(imp, ['log.', 'modelServer.storeDir']);
  imp.action(
    action(async (file: string, flags: Record<string, string | undefined> & { output: string }) => {
      const { config } = resolveConfig(flags);
      const store = new ModelStore(flags.out ?? config.modelServer.storeDir);
      if (flags.outputType !== undefined && flags.outputType !== 'AbsPower' && flags.outputType !== 'DynPower') {
        throw ERR_INVALID_FLAG(`--output-type must be AbsPower or DynPower, got ${JSON.stringify(flags.outputType)}`, { flag: '--output-type' });
      }
      const nodeType = flags.nodeType === undefined ? undefined : Number(flags.nodeType);
      if (nodeType !== undefined && (!Number.isInteger(nodeType) || nodeType < 0))
        throw ERR_INVALID_FLAG('--node-type must be a non-negative integer', { flag: '--node-type' });
      const isDir = await stat(file).then(
        (st) => st.isDirectory(),
        () => false,
      );
      if (isDir) {
        if (flags.name !== undefined) throw ERR_INVALID_FLAG('--name applies to a single file, not a directory', { flag: '--name' });
        const r = await importKeplerDirectory(store, file, {
          pipeline: flags.pipeline,
          energySource: flags.energySource,
          outputType: flags.outputType as 'AbsPower' | 'DynPower' | undefined,
          featureGroup: flags.featureGroup,
          nodeType,
        });
        for (const sk of r.skipped) process.stderr.write(`skipped ${sk.path}: ${sk.reason}\n`);
        if (flags.output === 'json')
          process.stdout.write(JSON.stringify({ imported: r.imported.map(modelSummary), skipped: r.skipped }, null, 2) + '\n');
        else
          process.stdout.write(
            `imported ${r.imported.length} model(s) into ${store.root}${r.skipped.length ? `, skipped ${r.skipped.length}` : ''}\n`,
          );
        if (r.imported.length === 0)
          throw ERR_MALFORMED_FILE(`${file}: no Kepler weight file (<source>/<AbsPower|DynPower>/<group>/<name>.json) could be imported`, {
            path: file,
          });
        return;
      }
      let saved: StoredModel;
      if (/\.zip$/i.test(file)) {
        const buf = await readFile(file).catch((e: Error) => {
          throw ERR_FILE_UNREADABLE(`${file}: ${e.message}`, { path: file });
        });
        const meta = readZip(buf).find((e) => e.name === 'metadata.json');
        if (!meta) throw ERR_MALFORMED_FILE(`${file}: the archive has no metadata.json`, { path: file });
        let md: Partial<ModelMetadata>;
        try {
          md = JSON.parse(meta.data.toString('utf8'));
        } catch (e) {
          throw ERR_MALFORMED_FILE(`${file}: metadata.json is not JSON (${errorMessage(e)})`, { path: file });
        }
        saved = await store.importArchive(
          {
            pipeline: flags.pipeline ?? md.pipeline ?? 'powerplane',
            energySource: flags.energySource ?? md.energy_source ?? 'custom',
            outputType: (flags.outputType ?? md.output_type ?? 'AbsPower') as 'AbsPower' | 'DynPower',
            featureGroup: flags.featureGroup ?? md.feature_group ?? 'custom',
            name: flags.name ?? md.model_name ?? 'imported',
          },
          buf,
        );
      } else {
        saved = await importKeplerWeights(store, file, {
          name: flags.name,
          pipeline: flags.pipeline,
          energySource: flags.energySource,
          outputType: flags.outputType as 'AbsPower' | 'DynPower' | undefined,
          featureGroup: flags.featureGroup,
          nodeType,
        });
      }
      if (flags.output === 'json') process.stdout.write(JSON.stringify(modelSummary(saved), null, 2) + '\n');
      else process.stdout.write(`imported ${saved.id} into ${store.root}\n`);
    }),
  );

  const predict = model
    .command('predict')
    .description('predict watts per component from feature values: powerplane model predict MODEL --input bpf_cpu_time_ms=36000')
    .argument('<model>', 'model id or name in the model directory, a model directory, a model.json, or a Kepler weight JSON')
    .option('--input <name=value...>', 'feature values (repeatable; name=value or a comma list)')
    .option('--store <dir|url>', 'model directory or model server URL to look ids up in (default: --model-server.store-dir)')
    .addOption(outputOption());
  addConfigOptions(predict, ['log.', 'modelServer.storeDir']);
  predict.action(
    action(async (ref: string, flags: Record<string, unknown> & { input?: string[]; store?: string; output: string }) => {
      const { config } = resolveConfig(flags);
      const inputs = parseInputs(flags.input ?? []);
      const { label, model } = await loadForPredict(ref, flags.store ?? config.modelServer.storeDir);
      const missing = model.features.filter((f) => !(f in inputs));
      if (missing.length)
        throw ERR_INVALID_FLAG(`--input: the model needs ${missing.join(', ')} (features: ${model.features.join(', ')})`, { flag: '--input' });
      const unknown = Object.keys(inputs).filter((f) => !model.features.includes(f));
      if (unknown.length)
        throw ERR_INVALID_FLAG(`--input: the model has no feature ${unknown.join(', ')} (features: ${model.features.join(', ')})`, {
          flag: '--input',
        });
      const [row] = model.predict([model.features.map((f) => inputs[f])]);
      const { watts, clamped } = nonNegativeWatts(model.components, row);
      if (flags.output === 'json')
        process.stdout.write(
          JSON.stringify(
            { model: label, outputType: model.outputType, inputs, watts, ...(Object.keys(clamped).length ? { clampedFrom: clamped } : {}) },
            null,
            2,
          ) + '\n',
        );
      else {
        process.stdout.write(
          `${label} (${model.outputType})\n` +
            textTable(
              ['COMPONENT', 'WATTS'],
              Object.entries(watts).map(([c, w]) => [c, num(w, 3)]),
              new Set([1]),
            ),
        );
        for (const [c, raw] of Object.entries(clamped))
          process.stderr.write(
            `note: ${c} predicted ${num(raw, 3)} W, shown as 0 (watts are never negative; the input is outside what the model was trained on)\n`,
          );
      }
    }),
  );
}
