/**
 * `powerplane train`, `model …` and `model-server` as a user runs them: real processes, exit codes
 * (2 for bad input, naming the flag), JSON output, files written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedDataPath } from '../helpers/shared-data.js';
import { runPowerplane, spawnPowerplane } from '../helpers/cli.js';
import { nonNegativeWatts } from '../../src/modelserver/cli/model-command.js';
import { writeZip } from '../../src/modelserver/store/zip.js';
import { fixtureMetadata, fixtureModel } from './fixtures.js';

const run = (args: string[]) => runPowerplane(args, { env: { NODE_ENV: 'test' } });

const WEIGHTS = sharedDataPath('kepler-model-db/weights/v0.7/ec2-0.7.11/rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_4.json');

test('train from the calibration file: JSON summary per trainer, models and the plot saved', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pp-cli-'));
  const cal = join(dir, 'calibration.csv');
  const lines = ['timestamp,cpu_busy_ratio,bpf_cpu_time_ms,package_watts,dram_watts'];
  for (let i = 0; i < 50; i++) {
    const u = ((i * 31) % 50) / 50;
    lines.push(`${1700000000 + i * 5},${u},${u * 8000},${20 + 60 * u},${3 + u}`);
  }
  writeFileSync(cal, lines.join('\n') + '\n');
  const plot = join(dir, 'best.svg');
  const out = join(dir, 'models');
  const r = await run([
    'train',
    '--from',
    `calibration:${cal}`,
    '--features',
    'cpu_busy_ratio',
    '--trainers',
    'linear,knn',
    '--folds',
    '5',
    '--out',
    out,
    '--plot',
    plot,
    '-o',
    'json',
    '--log.level',
    'warn',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.equal(s.samples, 50);
  assert.deepEqual(s.components, ['package', 'dram']);
  assert.deepEqual(
    s.trainers.map((t: { trainer: string }) => t.trainer),
    ['linear', 'knn'],
  );
  for (const t of s.trainers) {
    for (const k of ['mae', 'mape', 'r2', 'folds', 'samples']) assert.equal(typeof t[k], 'number', k);
    assert.ok(existsSync(join(out, t.id, 'metadata.json')));
  }
  assert.equal(s.best, 'powerplane/rapl-sysfs/AbsPower/CPUBusy/linear');
  assert.match(readFileSync(plot, 'utf8'), /^<svg/);
  assert.ok(existsSync(join(out, s.best, 'plot.svg')));

  const list = await run(['model', 'list', out, '-o', 'json']);
  assert.equal(JSON.parse(list.stdout).models.length, 2);
  const text = await run(['model', 'list', out]);
  assert.match(text.stdout, /^ID\s+TRAINER/);
  const show = await run(['model', 'show', 'linear', out]);
  assert.match(show.stdout, /accuracy \(5-fold cross-validation/);
  const pred = await run(['model', 'predict', 'linear', '--store', out, '--input', 'cpu_busy_ratio=0.5', '-o', 'json']);
  assert.equal(pred.code, 0, pred.stderr);
  assert.ok(Math.abs(JSON.parse(pred.stdout).watts.package - 50) < 1e-6);
});

test('bad flags exit 2 and name the flag', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['train', '--from', 'ftp:x', '--features', 'BPFOnly'], /--from/],
    [['train', '--from', 'csv:x.csv'], /--features/],
    [['train', '--from', 'csv:x.csv', '--features', 'BPFOnly', '--trainers', 'linear,magic'], /--trainers/],
    [['train', '--from', 'csv:x.csv', '--features', 'BPFOnly', '--folds', 'many'], /--folds/],
    [['train', '--from', 'prometheus:http://127.0.0.1:9', '--features', 'CPUBusy', '--start', 'yesterday'], /--start/],
    [['train', '--from', 'csv:x.csv', '--features', 'BPFOnly', '--output-type', 'Watts'], /--output-type/],
    [['train', '--from', 'csv:x.csv', '--features', 'BPFOnly', '--name', '../up'], /--name/],
    [['model', 'predict', WEIGHTS, '--input', 'bpf_cpu_time_ms'], /--input/],
    [['model', 'predict', WEIGHTS, '--input', 'bpf_cpu_time_ms=1'], /--input: the model needs bpf_page_cache_hit/],
    [['model', 'import', WEIGHTS, '--output-type', 'x'], /--output-type/],
  ];
  for (const [args, re] of cases) {
    const r = await run(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re, args.join(' '));
  }
  const malformed = mkdtempSync(join(tmpdir(), 'pp-cli-'));
  const csv = join(malformed, 'bad.csv');
  writeFileSync(csv, 'bpf_cpu_time_ms,package_watts\n1,2\n3,oops\n');
  const r = await run(['train', '--from', `csv:${csv}`, '--features', 'bpf_cpu_time_ms', '--out', join(malformed, 'm')]);
  assert.equal(r.code, 2);
  assert.ok(r.stderr.includes(`${csv}:3:`), r.stderr);
});

test('model import of a Kepler weight file, then predict as Kepler does', async () => {
  const out = mkdtempSync(join(tmpdir(), 'pp-cli-'));
  const r = await run(['model', 'import', WEIGHTS, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /imported ec2-0\.7\.11\/rapl-sysfs\/AbsPower\/BPFOnly\/SGDRegressorTrainer_4/);
  const p = await run([
    'model',
    'predict',
    'SGDRegressorTrainer_4',
    '--store',
    out,
    '--input',
    'bpf_cpu_time_ms=48649.66666666667,bpf_page_cache_hit=0',
  ]);
  assert.match(p.stdout, /package\s+538\.933/);
  assert.match(p.stdout, /dram\s+20\.668/);
});

test('model import of an archive whose model has an unknown kind fails with exit 2 naming the kind; nothing is imported', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pp-cli-'));
  const loc = { pipeline: 'p', energySource: 'rapl-sysfs', outputType: 'AbsPower' as const, featureGroup: 'BPFOnly', name: 'nope_1' };
  const zip = (kind: string) =>
    writeZip([
      { name: 'metadata.json', data: Buffer.from(JSON.stringify(fixtureMetadata(loc))) },
      { name: 'model.json', data: Buffer.from(JSON.stringify({ ...fixtureModel(), kind })) },
    ]);
  writeFileSync(join(dir, 'nope.zip'), zip('nope'));
  const r = await run(['model', 'import', join(dir, 'nope.zip'), '--out', join(dir, 'models')]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /model\.json in the archive is invalid: unknown model kind "nope"/);
  assert.equal(existsSync(join(dir, 'models', 'p')), false);
  writeFileSync(join(dir, 'ok.zip'), zip('linear'));
  assert.equal((await run(['model', 'import', join(dir, 'ok.zip'), '--out', join(dir, 'models')])).code, 0);
});

test('model-server serves on the address given, model list/show read it, and it stops on SIGTERM', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pp-cli-'));
  assert.equal((await run(['model', 'import', WEIGHTS, '--out', dir])).code, 0);
  const child = await spawnPowerplane(
    ['model-server', '--web.listen-address', '127.0.0.1:0', '--model-server.store-dir', dir, '--log.format', 'json'],
    { ready: /"url":"(http:\/\/[^"]+)"/ },
  );
  const url = child.url;
  const live = await fetch(`${url}/v2/health/live`);
  assert.equal(live.status, 200);
  assert.equal(((await (await fetch(`${url}/api/v1/models`)).json()) as { total: number }).total, 1);
  const list = await run(['model', 'list', url, '-o', 'json']);
  assert.equal(JSON.parse(list.stdout).models[0].name, 'SGDRegressorTrainer_4');
  const show = await run(['model', 'show', 'SGDRegressorTrainer_4', url]);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /node type:\s+4/);
  assert.match(show.stdout, /not measured here \(imported\)/);
  const pred = await run([
    'model',
    'predict',
    'SGDRegressorTrainer_4',
    '--store',
    url,
    '--input',
    'bpf_cpu_time_ms=0,bpf_page_cache_hit=0',
    '-o',
    'json',
  ]);
  assert.equal(pred.code, 0, pred.stderr);
  assert.equal(JSON.parse(pred.stdout).watts.package, 213.81168291387564);
  assert.equal(await child.stop(), 0);
});

test('model list of a missing directory, predict on a directory without a model, and a negative input exit 2 saying why', async () => {
  const missing = await run(['model', 'list', '/no/such/models']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no such directory: \/no\/such\/models/);
  const empty = mkdtempSync(join(tmpdir(), 'pp-cli-'));
  const noModel = await run(['model', 'predict', empty, '--input', 'bpf_cpu_time_ms=1']);
  assert.equal(noModel.code, 2);
  assert.match(noModel.stderr, /is a directory without model\.json or weight\.json/);
  const negative = await run(['model', 'predict', WEIGHTS, '--input', 'bpf_cpu_time_ms=-5,bpf_page_cache_hit=0']);
  assert.equal(negative.code, 2);
  assert.match(negative.stderr, /--input bpf_cpu_time_ms is -5: .*never negative/);
});

test('predictions below 0 W are shown as 0 and reported with the raw value', () => {
  assert.deepEqual(nonNegativeWatts(['package', 'dram'], [-275.5, 3]), { watts: { package: 0, dram: 3 }, clamped: { package: -275.5 } });
  assert.deepEqual(nonNegativeWatts(['package'], [12]), { watts: { package: 12 }, clamped: {} });
});
