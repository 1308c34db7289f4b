import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../core/config.js';
import { ERR_INVALID_CONFIG, ERR_MALFORMED_FILE } from '../../core/errors.js';
import { sharedDataPath } from '../../../test/helpers/shared-data.js';
import { silentLogger } from '../../core/logger.js';
import type { NodePowerPredictor } from '../../core/contracts.js';
import { ccfBasis, createModelMeter, modelMeterInfo, resolveNodePredictor } from './model.js';
import { linearPredictor } from './linear-predictor.js';
import { buildCpuinfo } from '../../../test/helpers/agent/meter-fixtures.js';
import { CCF_ARCHITECTURES } from './ccf-table.js';

const log = silentLogger();
const skylake = CCF_ARCHITECTURES.find((a) => a.id === 'intel-skylake')!;

async function procfsWith(t: { after: (fn: () => Promise<void>) => void }, model: string, cpus: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pp-model-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return buildCpuinfo(join(dir, 'proc'), model, cpus);
}

test('default: the CCF curve of this CPU, labelled as an estimate', async (t) => {
  const procfs = await procfsWith(t, 'Intel(R) Xeon(R) Platinum 8175M CPU @ 2.50GHz', 8);
  const { predictor, notes } = await resolveNodePredictor(defaultConfig({ 'host.procfs': procfs }), log);
  assert.deepEqual(notes, []);
  const meter = createModelMeter(predictor);
  assert.deepEqual(
    { name: meter.info.name, estimated: meter.info.estimated, model: meter.info.model },
    { name: 'model', estimated: true, model: 'ccf:intel-skylake(8 vCPU)' },
  );
  assert.ok(meter.info.baselineWatts! > 0 && meter.info.maxWatts! > meter.info.baselineWatts!, 'baseline and max from the curve');
  assert.deepEqual(meter.zones(), [{ zone: 'package', path: 'model-package', nested: false }]);
  assert.equal(meter.curve, predictor);
  const first = await meter.read({ busyRatio: 0.5, intervalMs: 5000, features: {} });
  assert.deepEqual(first.zones[0].deltaMicroJoules, 0);
  const s = await meter.read({ busyRatio: 0.5, intervalMs: 5000, features: {} });
  const watts = 8 * (skylake.minWatts + 0.5 * (skylake.maxWatts - skylake.minWatts));
  assert.equal(s.zones[0].deltaMicroJoules, Math.floor(watts * 5000 * 1000));
  const idle = await meter.read({ busyRatio: 0, intervalMs: 1000, features: {} });
  assert.ok(Math.abs(idle.zones[0].deltaMicroJoules - 8 * skylake.minWatts * 1e6) <= 1);
});

test('unknown CPU: the generic CCF curve', async (t) => {
  const procfs = await procfsWith(t, 'QEMU Virtual CPU version 2.5+', 2);
  const { predictor } = await resolveNodePredictor(defaultConfig({ 'host.procfs': procfs }), log);
  assert.equal(predictor.name, 'ccf:generic(2 vCPU)');
});

test('explicit idle/max watts override the curve; one of them alone keeps the CCF value for the other', async (t) => {
  const procfs = await procfsWith(t, 'Intel(R) Xeon(R) Platinum 8175M CPU @ 2.50GHz', 4);
  const both = await resolveNodePredictor(defaultConfig({ 'host.procfs': procfs, 'model.idleWatts': 10, 'model.maxWatts': 50 }), log);
  assert.equal(both.predictor.name, 'linear:idle=10,max=50');
  const meter = createModelMeter(both.predictor);
  await meter.read({ busyRatio: 1, intervalMs: 1000, features: {} });
  assert.equal((await meter.read({ busyRatio: 1, intervalMs: 1000, features: {} })).zones[0].deltaMicroJoules, 50_000_000);
  assert.equal((await meter.read({ busyRatio: 7, intervalMs: 1000, features: {} })).zones[0].deltaMicroJoules, 50_000_000);
  const idleOnly = await resolveNodePredictor(defaultConfig({ 'host.procfs': procfs, 'model.idleWatts': 3 }), log);
  assert.equal(idleOnly.predictor.name, `linear:idle=3,max=${Math.round(4 * skylake.maxWatts * 100) / 100}`);
});

test('configuration mistakes throw with the key named', async (t) => {
  const procfs = await procfsWith(t, 'x', 1);
  await assert.rejects(
    resolveNodePredictor(defaultConfig({ 'host.procfs': procfs, 'model.idleWatts': 60, 'model.maxWatts': 50 }), log),
    (e: unknown) => ERR_INVALID_CONFIG.is(e) && e.details.key === 'model.maxWatts',
  );
  await assert.rejects(
    resolveNodePredictor(defaultConfig({ 'model.serverUrl': 'http://127.0.0.1:1' }), log),
    (e: unknown) => ERR_INVALID_CONFIG.is(e) && e.details.key === 'model.name',
  );
});

test('a real Kepler model-db weight file: kepler:<file>, zones package/core/uncore/dram', async (t) => {
  const file = sharedDataPath('kepler-model-db', 'weights', 'v0.7', 'ec2-0.7.11', 'rapl-sysfs', 'AbsPower', 'BPFOnly', 'SGDRegressorTrainer_4.json');
  const { predictor } = await resolveNodePredictor(defaultConfig({ 'model.weightsFile': file }), log);
  const meter = createModelMeter(predictor);
  assert.deepEqual(
    { name: meter.info.name, estimated: meter.info.estimated, model: meter.info.model },
    { name: 'model', estimated: true, model: 'kepler:SGDRegressorTrainer_4.json' },
  );
  assert.ok(Number.isFinite(meter.info.baselineWatts), 'a baseline at zero load');
  assert.deepEqual(
    meter.zones().map((z) => [z.zone, z.nested]),
    [
      ['package', false],
      ['core', true],
      ['uncore', true],
      ['dram', false],
    ],
  );
  await meter.read({ busyRatio: 0, intervalMs: 1000, features: {} });
  const s = await meter.read({ busyRatio: 0, intervalMs: 1000, features: { bpf_cpu_time_ms: 0 } });
  // Bias weights of the file: package 213.81…, dram 15.31… watts at zero CPU time, over 1 s.
  assert.equal(s.zones[0].deltaMicroJoules, Math.floor(213.81168291387564 * 1e6));
  assert.equal(s.zones[3].deltaMicroJoules, Math.floor(15.314072406023337 * 1e6));
  const dir = await mkdtemp(join(tmpdir(), 'pp-weights-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'bad.json'), '{"package": ');
  await assert.rejects(
    resolveNodePredictor(defaultConfig({ 'model.weightsFile': join(dir, 'bad.json') }), log),
    (e: unknown) => ERR_MALFORMED_FILE.is(e) && e.details.path === join(dir, 'bad.json'),
  );
});

const keplerLike: NodePowerPredictor = {
  name: 'kepler:SGDRegressorTrainer_4.json',
  features: ['bpf_cpu_time_ms'],
  predict: (f) => ({ package: 213.8 + (f.bpf_cpu_time_ms ?? 0) * 0.01, core: 0, dram: 15.3 }),
};

test('a weights-file predictor comes from the injected loader; its zones nest like RAPL', async () => {
  let asked = '';
  const { predictor } = await resolveNodePredictor(defaultConfig({ 'model.weightsFile': '/w.json' }), log, {
    keplerWeights: async (f) => {
      asked = f;
      return keplerLike;
    },
  });
  assert.equal(asked, '/w.json');
  const meter = createModelMeter(predictor);
  assert.deepEqual(
    meter.zones().map((z) => [z.zone, z.nested]),
    [
      ['package', false],
      ['core', true],
      ['dram', false],
    ],
  );
  await meter.read({ busyRatio: 0, intervalMs: 1000, features: {} });
  const s = await meter.read({ busyRatio: 0.2, intervalMs: 1000, features: { bpf_cpu_time_ms: 1000 } });
  assert.deepEqual(
    s.zones.map((z) => z.deltaMicroJoules),
    [223_800_000, 0, 15_300_000],
  );
});

test('an unreachable model server falls back to the next source with a note', async (t) => {
  const procfs = await procfsWith(t, 'x', 2);
  // The real model server client against a closed loopback port.
  const r = await resolveNodePredictor(defaultConfig({ 'host.procfs': procfs, 'model.serverUrl': 'http://127.0.0.1:1', 'model.name': 'm' }), log);
  assert.equal(r.predictor.name, 'ccf:generic(2 vCPU)');
  assert.match(r.notes[0], /model server http:\/\/127\.0\.0\.1:1 did not give model m/);
  const ok = await resolveNodePredictor(defaultConfig({ 'model.serverUrl': 'http://s', 'model.name': 'm' }), log, {
    modelServer: async () => keplerLike,
  });
  assert.equal(ok.predictor, keplerLike);
});

test('a prediction that is not a number drops the zone for that interval', async () => {
  let bad = false;
  const meter = createModelMeter({ name: 'p', features: [], predict: () => ({ package: bad ? NaN : 10 }) });
  await meter.read({ busyRatio: 0, intervalMs: 1000, features: {} });
  bad = true;
  const s = await meter.read({ busyRatio: 0, intervalMs: 1000, features: {} });
  assert.deepEqual(s, { zones: [{ zone: 'package', path: 'model-package', deltaMicroJoules: 0 }], dropped: ['model-package'] });
});

test('model meter info: baseline at 0 % CPU and max at 100 % from the curve itself', () => {
  const info = modelMeterInfo(linearPredictor(2.02, 7.63, 'ccf:generic(2 vCPU)'), 'why');
  assert.equal(info.estimated, true);
  assert.equal(info.model, 'ccf:generic(2 vCPU)');
  assert.ok(Math.abs(info.baselineWatts! - 2.02) < 1e-12);
  assert.ok(Math.abs(info.maxWatts! - 7.63) < 1e-12);
  assert.equal(info.basis, 'why');
  const twoFeatures: NodePowerPredictor = { name: 'k', features: ['cpu_busy_ratio', 'x'], predict: (f) => ({ package: 3 + (f.x ?? 0), core: 1 }) };
  const k = modelMeterInfo(twoFeatures);
  assert.equal(k.baselineWatts, 3, 'nested core is not added to package');
  assert.equal(k.maxWatts, undefined, 'no max when busy ratio is not the only feature');
});

test('ccf basis says why the generic curve was chosen, naming the CPU', () => {
  const g = ccfBasis({ id: 'generic', vcpus: 2 }, 'Mystery CPU 9000');
  assert.match(g, /Mystery CPU 9000/);
  assert.match(g, /not recognised/);
  assert.match(g, /generic/);
  assert.match(ccfBasis({ id: 'intel-skylake', vcpus: 4 }, 'Xeon Gold 6148'), /recognised as CCF micro-architecture intel-skylake/);
});
