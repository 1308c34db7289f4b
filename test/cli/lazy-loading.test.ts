/**
 * What a command does not load: the registries import a meter, monitor, predictor or trainer only when
 * it is used, and cluster code only when a cluster is configured (issue 11, issue 17 item 3).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modulesLoadedBy, sourceModules } from '../helpers/loaded-modules.js';

test('agent --meter fake loads the fake meter only: no other meter, no trainer, no model server client', { timeout: 120_000 }, async () => {
  const run = await modulesLoadedBy(['agent', '--meter', 'fake', '--log.level', 'warn'], { health: '/healthz' });
  const mods = sourceModules(run.urls);
  assert.ok(mods.includes('agent/meters/fake.ts'), `the fake meter is loaded (exit ${run.code}: ${run.stderr.slice(-400)})`);
  for (const other of ['agent/meters/rapl.ts', 'agent/meters/hwmon.ts', 'agent/meters/model.ts']) assert.ok(!mods.includes(other), `${other} is not loaded`);
  assert.deepEqual(mods.filter((m) => m.startsWith('models/')), [], 'no model library (trainers, Kepler weights)');
  assert.ok(!mods.includes('modelserver/client.ts'), 'no model server client');
  assert.deepEqual(run.urls.filter((u) => u.includes('@kubernetes/client-node')), []);
});
