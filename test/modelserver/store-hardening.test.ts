/**
 * The model server with a damaged store, through real HTTP on loopback: bad `metadata.json` files are
 * skipped and reported (never a 500 for the listing, `/best-models` or `POST /model`), names outside
 * Latin-1 and with `"` download with an RFC 6266 Content-Disposition, leftovers of interrupted saves
 * are removed at start, an archive with invalid metadata is a 400 naming the cause, and a full disk
 * is a 507.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type PowerplaneServer } from '../../src/core/server.js';
import { defaultConfig } from '../../src/core/config.js';
import { silentLogger } from '../../src/core/logger.js';
import { createModelServerComponent, type ModelServerComponent } from '../../src/modelserver/component.js';
import { locationToId, type ModelLocation } from '../../src/modelserver/store/store.js';
import { writeZip } from '../../src/modelserver/store/zip.js';
import { fixtureMetadata, fixtureModel } from './fixtures.js';

const TOKEN = 'hardening-token';
const auth = { authorization: `Bearer ${TOKEN}` };
const group = { pipeline: 'p', energySource: 'rapl-sysfs', outputType: 'AbsPower' as const, featureGroup: 'BPFOnly' };
const good: ModelLocation = { ...group, name: 'good_1' };
const unicode: ModelLocation = { ...group, name: '模型😀 "v2"' };

async function startModelServer(storeDir: string): Promise<{ server: PowerplaneServer; base: string; component: ModelServerComponent }> {
  const config = defaultConfig({ 'modelServer.storeDir': storeDir, 'modelServer.token': TOKEN });
  const component = await createModelServerComponent({ config, log: silentLogger() });
  const server = await createServer({ log: silentLogger(), components: [component], bodyLimit: config.modelServer.maxBodyBytes });
  return { server, component, base: await server.listen('127.0.0.1:0') };
}

/** A model archive as a fetch body. */
function archiveOf(metadata: unknown): Blob {
  return new Blob([
    new Uint8Array(
      writeZip([
        { name: 'metadata.json', data: Buffer.from(JSON.stringify(metadata)) },
        { name: 'model.json', data: Buffer.from(JSON.stringify(fixtureModel())) },
      ]),
    ),
  ]);
}

/** A model directory written by hand, as a broken tool or an old version might leave it. */
function writeModelDir(root: string, name: string, metadata: string): void {
  const dir = join(root, locationToId({ ...group, name }));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'metadata.json'), metadata);
  writeFileSync(join(dir, 'model.json'), JSON.stringify(fixtureModel()));
}

/** A leftover of an interrupted save, last changed `ageMs` ago. */
function leftover(root: string, dirName: string, ageMs: number): string {
  const path = join(root, 'p', 'rapl-sysfs', 'AbsPower', 'BPFOnly', dirName);
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, 'model.json'), 'x'.repeat(10_000));
  const t = (Date.now() - ageMs) / 1000;
  utimesSync(path, t, t);
  return path;
}

let root: string;
let base: string;
let server: PowerplaneServer;
let component: ModelServerComponent;
const stale: string[] = [];
let fresh: string;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'pp-ms-hard-'));
  stale.push(
    leftover(root, '.good_1.tmp-0123456789ab', 3_600_000),
    leftover(root, '.other.old-a1b2c3d4e5f6', 120_000),
    leftover(root, '.gone.deleted-ffffffffffff', 600_000),
  );
  fresh = leftover(root, '.busy.tmp-aaaaaaaaaaaa', 0);
  ({ server, base, component } = await startModelServer(root));
  const store = component.store;
  await store.save(good, { model: fixtureModel(), metadata: fixtureMetadata(good) });
  await store.save(unicode, { model: fixtureModel(['unicode_feature']), metadata: fixtureMetadata(unicode, { features: ['unicode_feature'] }) });
  const bad = fixtureMetadata({ ...group, name: 'bad_accuracy' }) as unknown as Record<string, unknown>;
  writeModelDir(root, 'bad_accuracy', JSON.stringify({ ...bad, accuracy: {} }));
  writeModelDir(root, 'bad_json', '{"format": ');
  writeModelDir(root, 'bad_created', JSON.stringify({ ...fixtureMetadata({ ...group, name: 'bad_created' }), created: 'yesterday' }));
  store.invalidate();
});
after(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

test('leftovers of interrupted saves are removed at start; a young one (a save in progress elsewhere) is kept', () => {
  for (const p of stale) assert.equal(existsSync(p), false, p);
  assert.equal(existsSync(fresh), true);
});

test('bad metadata.json files never fail the listing, /best-models or POST /model; they are listed with ?invalid=true and counted', async () => {
  const list = await fetch(`${base}/api/v1/models`);
  assert.equal(list.status, 200);
  const listed = (await list.json()) as { models: Array<{ id: string }> };
  assert.deepEqual(listed.models.map((m) => m.id).sort(), [locationToId(good), locationToId(unicode)].sort());

  const invalid = (await (await fetch(`${base}/api/v1/models?invalid=true`)).json()) as {
    total: number;
    models: Array<{ id: string; path: string; problem: string }>;
  };
  assert.equal(invalid.total, 3);
  const problem = (name: string) => invalid.models.find((m) => m.id === locationToId({ ...group, name }))?.problem ?? '';
  assert.match(problem('bad_accuracy'), /metadata\.json: accuracy\.aggregate is not an object/);
  assert.match(problem('bad_json'), /metadata\.json/);
  assert.match(problem('bad_created'), /created is not a date/);
  assert.equal((await fetch(`${base}/api/v1/models?invalid=maybe`)).status, 400);

  const best = await fetch(`${base}/best-models?energy-source=rapl-sysfs&output-type=AbsPower`);
  assert.equal(best.status, 200);
  const model = await fetch(`${base}/model`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ metrics: ['bpf_cpu_time_ms'], output_type: 'AbsPower', source: 'rapl-sysfs' }),
  });
  assert.equal(model.status, 200);
  assert.equal(model.headers.get('x-model-id'), locationToId(good));

  for (const path of ['/model-server/metrics', '/metrics']) {
    const text = await (await fetch(base + path)).text();
    assert.match(text, /^powerplane_modelserver_invalid_models 3$/m, path);
    assert.match(text, /^powerplane_modelserver_models 2$/m, path);
  }
});

test('a name outside Latin-1 with a quote downloads from /archive and /model with an RFC 6266 Content-Disposition', async () => {
  const id = locationToId(unicode);
  const expectFilename = (res: Response) => {
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/zip');
    const cd = res.headers.get('content-disposition') ?? '';
    assert.match(cd, /^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''/);
    assert.equal(decodeURIComponent(/filename\*=UTF-8''(\S+)$/.exec(cd)![1]), `${unicode.name}.zip`);
  };
  expectFilename(await fetch(`${base}/api/v1/models/${id.split('/').map(encodeURIComponent).join('/')}/archive`));
  const viaKepler = await fetch(`${base}/model`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ metrics: ['unicode_feature'], output_type: 'AbsPower', source: 'rapl-sysfs' }),
  });
  expectFilename(viaKepler);
  assert.equal(viaKepler.headers.get('x-model-id')!.split('/').map(decodeURIComponent).join('/'), id);
});

test('an archive with invalid metadata is a 400 naming the file and the field', async () => {
  const target = `${base}/api/v1/models/p/rapl-sysfs/AbsPower/BPFOnly/imported_1`;
  const put = (metadata: unknown) =>
    fetch(target, { method: 'PUT', headers: { ...auth, 'content-type': 'application/zip' }, body: archiveOf(metadata) });
  for (const [change, field] of [
    [{ accuracy: {} }, 'accuracy.aggregate'],
    [{ created: 'x' }, 'created'],
    [{ machine_spec: { cores: 'many' } }, 'machine_spec.cores'],
    [{ features: [1] }, 'features'],
  ] as const) {
    const res = await put({ ...fixtureMetadata({ ...group, name: 'imported_1' }), ...change });
    assert.equal(res.status, 400, JSON.stringify(change));
    const body = (await res.json()) as { code: string; message: string; field: string };
    assert.equal(body.code, 'PP_MODELSERVER_ARCHIVE_INVALID');
    assert.equal(body.field, 'archive');
    assert.ok(body.message.includes('metadata.json') && body.message.includes(field), body.message);
  }
  assert.equal((await put(fixtureMetadata({ ...group, name: 'imported_1' }))).status, 201);
});

test('a full disk is a 507 naming the cause, and nothing is left behind', async (t) => {
  const mnt = mkdtempSync(join(tmpdir(), 'pp-ms-full-'));
  // a real ENOSPC: a 256 KiB tmpfs (the tests run as root, as CI does)
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mnt]);
  t.after(() => {
    execFileSync('umount', [mnt]);
    rmSync(mnt, { recursive: true, force: true });
  });
  const full = await startModelServer(join(mnt, 'models'));
  t.after(() => full.server.close());
  try {
    writeFileSync(join(mnt, 'filler'), Buffer.alloc(1024 * 1024));
  } catch (err) {
    assert.equal((err as NodeJS.ErrnoException).code, 'ENOSPC');
  }
  const res = await fetch(`${full.base}/api/v1/models/p/rapl-sysfs/AbsPower/BPFOnly/big_1`, {
    method: 'PUT',
    headers: { ...auth, 'content-type': 'application/zip' },
    body: archiveOf(fixtureMetadata({ ...group, name: 'big_1' }, { features: Array.from({ length: 2000 }, (_, i) => `feature_${i}`) })),
  });
  assert.equal(res.status, 507);
  const body = (await res.json()) as { code: string; message: string };
  assert.equal(body.code, 'PP_MODELSERVER_STORE_FULL');
  assert.match(body.message, /no space left \(ENOSPC\)/);
  assert.equal(existsSync(join(mnt, 'models', 'p', 'rapl-sysfs', 'AbsPower', 'BPFOnly', 'big_1')), false);
  assert.deepEqual(
    (await full.component.store.list()).map((m) => m.id),
    [],
  );
});
