import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelStore, idToLocation, locationToId, type ModelLocation } from './store.js';
import { writeZip } from './zip.js';
import { fixtureMetadata, fixtureModel } from '../../../test/modelserver/fixtures.js';
import { ERR_ARCHIVE_INVALID, ERR_MODEL_INVALID_NAME } from '../errors.js';

const loc: ModelLocation = { pipeline: 'p1', energySource: 'rapl-sysfs', outputType: 'AbsPower', featureGroup: 'BPFOnly', name: 'linear_1' };
const tmpStore = () => new ModelStore(mkdtempSync(join(tmpdir(), 'pp-store-')), { rescanMs: 0 });

test('save writes the layout, metadata carries Kepler flat keys, list and get find it', async () => {
  const store = tmpStore();
  const saved = await store.save(loc, {
    model: fixtureModel(),
    metadata: fixtureMetadata(loc, { mae: 4.567, mape: 2.1 }),
    weight: { package: { All_Weights: {} } },
  });
  assert.equal(saved.id, 'p1/rapl-sysfs/AbsPower/BPFOnly/linear_1');
  const dir = join(store.root, saved.id);
  assert.deepEqual(readdirSync(dir).sort(), ['metadata.json', 'model.json', 'weight.json']);
  const meta = JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8'));
  assert.equal(meta.mae, 4.57);
  assert.equal(meta.package_mae, 4.57);
  assert.equal(meta.package_mape, 2.1);
  assert.equal(meta.weight, true);
  const list = await store.list();
  assert.deepEqual(
    list.map((m) => m.id),
    [saved.id],
  );
  assert.equal((await store.get(saved.id))?.hasWeight, true);
  assert.deepEqual(await store.readWeight(saved.id), { package: { All_Weights: {} } });
  assert.equal((await store.readModel(saved.id)).kind, 'linear');
});

test('saving again replaces the directory as a whole and leaves no temp files', async () => {
  const store = tmpStore();
  await store.save(loc, { model: fixtureModel(), metadata: fixtureMetadata(loc), weight: { a: 1 } });
  await store.save(loc, { model: fixtureModel(['x']), metadata: fixtureMetadata(loc, { features: ['x'] }) });
  const group = join(store.root, 'p1/rapl-sysfs/AbsPower/BPFOnly');
  assert.deepEqual(readdirSync(group), ['linear_1']);
  assert.deepEqual(readdirSync(join(group, 'linear_1')).sort(), ['metadata.json', 'model.json']);
  const m = await store.require(locationToId(loc));
  assert.deepEqual(m.metadata.features, ['x']);
  assert.equal(m.hasWeight, false);
});

test('ids and names that could escape the store are rejected', async () => {
  const store = tmpStore();
  for (const id of [
    '../../etc/passwd',
    'a/b/AbsPower/d/..',
    'a/b/AbsPower/d',
    '/abs/b/AbsPower/d/e',
    'a/b/AbsPower/d/e\0x',
    'a/b/Watts/d/e',
    'a/b/AbsPower/d/' + 'x'.repeat(200),
    'a/b/AbsPower//e',
    'a\\b/c/AbsPower/d/e',
  ]) {
    await assert.rejects(store.get(id), (e) => ERR_MODEL_INVALID_NAME.is(e), id);
    await assert.rejects(store.delete(id), (e) => ERR_MODEL_INVALID_NAME.is(e), id);
  }
  await assert.rejects(
    store.save({ ...loc, name: '..' }, { model: fixtureModel(), metadata: fixtureMetadata(loc) }),
    (e) => ERR_MODEL_INVALID_NAME.is(e) && e.details.field === 'name',
  );
  await assert.rejects(
    store.save({ ...loc, featureGroup: 'a/b' }, { model: fixtureModel(), metadata: fixtureMetadata(loc) }),
    (e) => ERR_MODEL_INVALID_NAME.is(e) && e.details.field === 'feature_group',
  );
  assert.deepEqual(idToLocation('a/b/DynPower/c/d'), { pipeline: 'a', energySource: 'b', outputType: 'DynPower', featureGroup: 'c', name: 'd' });
});

test('malformed model directories are reported and skipped, not fatal', async () => {
  const problems: string[] = [];
  const root = mkdtempSync(join(tmpdir(), 'pp-store-'));
  const store = new ModelStore(root, { rescanMs: 0, onProblem: (p, why) => problems.push(`${p}: ${why}`) });
  await store.save(loc, { model: fixtureModel(), metadata: fixtureMetadata(loc) });
  mkdirSync(join(root, 'p1/rapl-sysfs/AbsPower/BPFOnly/broken'), { recursive: true });
  writeFileSync(join(root, 'p1/rapl-sysfs/AbsPower/BPFOnly/broken/metadata.json'), '{"format": ');
  assert.deepEqual(
    (await store.list()).map((m) => m.location.name),
    ['linear_1'],
  );
  assert.equal(problems.length, 1);
  assert.match(problems[0], /broken/);
  await store.list();
  assert.equal(problems.length, 1, 'reported once, not at every re-scan');
  assert.deepEqual(
    (await store.listInvalid()).map((m) => m.id),
    ['p1/rapl-sysfs/AbsPower/BPFOnly/broken'],
  );
  writeFileSync(
    join(root, 'p1/rapl-sysfs/AbsPower/BPFOnly/broken/metadata.json'),
    JSON.stringify({ ...fixtureMetadata(loc), accuracy: { aggregate: { mae: 1, mape: 1, r2: 1, samples: 1 }, perComponent: { nope: {} } } }),
  );
  await store.list();
  assert.equal(problems.length, 2, 'a new problem is reported');
  assert.match(problems[1], /accuracy\.perComponent\.nope is not one of the components/);
  await store.delete('p1/rapl-sysfs/AbsPower/BPFOnly/broken');
  assert.deepEqual(await store.listInvalid(), []);
});

test('archive and importArchive round trip; delete removes the model', async () => {
  const store = tmpStore();
  const saved = await store.save(loc, { model: fixtureModel(), metadata: fixtureMetadata(loc), weight: { w: 1 } });
  const zip = await store.archive(saved.id);
  const other = tmpStore();
  const target = { ...loc, pipeline: 'imported' };
  const imported = await other.importArchive(target, zip);
  assert.equal(imported.id, 'imported/rapl-sysfs/AbsPower/BPFOnly/linear_1');
  assert.deepEqual(await other.readWeight(imported.id), { w: 1 });
  assert.equal(await store.delete(saved.id), true);
  assert.equal(await store.delete(saved.id), false);
  assert.equal(await store.get(saved.id), undefined);
});

test('an archive with a zip-slip entry is rejected before anything is written', async () => {
  const store = tmpStore();
  const evil = writeZip([
    { name: 'metadata.json', data: Buffer.from(JSON.stringify(fixtureMetadata(loc))) },
    { name: 'model.json', data: Buffer.from(JSON.stringify(fixtureModel())) },
    { name: '../../../escaped.json', data: Buffer.from('{}') },
  ]);
  await assert.rejects(store.importArchive(loc, evil), (e) => ERR_ARCHIVE_INVALID.is(e));
  assert.deepEqual(readdirSync(store.root), []);
  assert.equal(existsSync(join(store.root, '..', 'escaped.json')), false);
  const missing = writeZip([{ name: 'model.json', data: Buffer.from(JSON.stringify(fixtureModel())) }]);
  await assert.rejects(store.importArchive(loc, missing), /no metadata\.json/);
});

test('a model saved while the directory is being re-scanned is not lost by the scan', async () => {
  const store = new ModelStore(mkdtempSync(join(tmpdir(), 'pp-store-')), { rescanMs: 60_000 });
  await store.save(loc, { model: fixtureModel(), metadata: fixtureMetadata(loc) });
  store.invalidate();
  const scanning = store.list();
  const other = { ...loc, name: 'during-scan' };
  await store.save(other, { model: fixtureModel(), metadata: fixtureMetadata(other) });
  await scanning;
  assert.deepEqual(
    (await store.list()).map((m) => m.location.name),
    ['during-scan', 'linear_1'],
  );
  await store.delete(locationToId(other));
  assert.deepEqual(
    (await store.list()).map((m) => m.location.name),
    ['linear_1'],
  );
});

test('re-scans skip unchanged feature groups yet see what another process saves or deletes there', async () => {
  const root = mkdtempSync(join(tmpdir(), 'pp-store-'));
  const store = new ModelStore(root, { rescanMs: 1 });
  const other = new ModelStore(root, { rescanMs: 0 });
  const dyn = { ...loc, outputType: 'DynPower' as const, name: 'dyn_1' };
  await store.save(loc, { model: fixtureModel(), metadata: fixtureMetadata(loc) });
  await store.save(dyn, { model: fixtureModel(), metadata: fixtureMetadata(dyn) });
  const names = async () =>
    (await store.list())
      .map((m) => m.location.name)
      .sort()
      .join(',');
  /** Reads until the background re-scan shows `want` (each read after the first may start one). */
  const until = async (want: string) => {
    for (let i = 0; i < 500 && (await names()) !== want; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(await names(), want);
  };
  await until('dyn_1,linear_1');
  const added = { ...loc, name: 'added_2' };
  await other.save(added, { model: fixtureModel(), metadata: fixtureMetadata(added) });
  await until('added_2,dyn_1,linear_1');
  await other.delete(locationToId(dyn));
  await until('added_2,linear_1');
  assert.deepEqual(
    (await store.findBySelection('rapl-sysfs', 'AbsPower')).map((m) => m.location.name),
    ['added_2', 'linear_1'],
  );
});
