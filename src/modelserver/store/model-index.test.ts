import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelStore, type ModelLocation } from './store.js';
import { selectionKey } from './model-index.js';
import { fixtureMetadata, fixtureModel } from '../../../test/modelserver/fixtures.js';

const at = (name: string, energySource = 'rapl-sysfs', outputType: 'AbsPower' | 'DynPower' = 'AbsPower', pipeline = 'p1'): ModelLocation => ({
  pipeline,
  energySource,
  outputType,
  featureGroup: 'BPFOnly',
  name,
});

test('selection keys normalise the energy source as Kepler does', () => {
  assert.equal(selectionKey('intel_rapl', 'AbsPower'), selectionKey('rapl-sysfs', 'AbsPower'));
  assert.notEqual(selectionKey('rapl-sysfs', 'AbsPower'), selectionKey('rapl-sysfs', 'DynPower'));
  assert.notEqual(selectionKey('acpi', 'AbsPower'), selectionKey('rapl-sysfs', 'AbsPower'));
});

for (const rescanMs of [0, 60_000]) {
  test(`the store's name and selection indexes follow saves and deletes (rescanMs ${rescanMs})`, async () => {
    const store = new ModelStore(mkdtempSync(join(tmpdir(), 'pp-index-')), { rescanMs });
    const save = (l: ModelLocation) => store.save(l, { model: fixtureModel(), metadata: fixtureMetadata(l, { mae: 1, mape: 1 }) });
    assert.deepEqual(await store.findByName('a'), []);
    await save(at('a'));
    await save(at('b', 'acpi'));
    await save(at('a', 'rapl-sysfs', 'DynPower', 'p2'));
    assert.deepEqual(
      (await store.findByName('a')).map((m) => m.id),
      ['p1/rapl-sysfs/AbsPower/BPFOnly/a', 'p2/rapl-sysfs/DynPower/BPFOnly/a'],
    );
    assert.deepEqual(
      (await store.findBySelection('intel_rapl', 'AbsPower')).map((m) => m.id),
      ['p1/rapl-sysfs/AbsPower/BPFOnly/a'],
    );
    assert.deepEqual(
      (await store.findBySelection('acpi', 'AbsPower')).map((m) => m.metadata.model_name),
      ['b'],
    );
    assert.deepEqual(
      (await store.list()).map((m) => m.id),
      ['p1/acpi/AbsPower/BPFOnly/b', 'p1/rapl-sysfs/AbsPower/BPFOnly/a', 'p2/rapl-sysfs/DynPower/BPFOnly/a'],
    );
    if (rescanMs > 0) assert.equal(await store.list(), await store.list(), 'the sorted list is shared until the store changes');
    await store.delete('p1/rapl-sysfs/AbsPower/BPFOnly/a');
    assert.deepEqual(
      (await store.findByName('a')).map((m) => m.id),
      ['p2/rapl-sysfs/DynPower/BPFOnly/a'],
    );
    assert.deepEqual(await store.findBySelection('rapl-sysfs', 'AbsPower'), []);
    assert.equal((await store.list()).length, 2);
  });
}
