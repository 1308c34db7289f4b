/**
 * What a command does not load: the registries import a meter, monitor, predictor or trainer only when
 * it is used, and cluster code only when a cluster is configured (issue 11, issue 17 item 3).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modulesLoadedBy, sourceModules } from '../helpers/loaded-modules.js';

test('agent --meter fake loads the fake meter only: no other meter, no trainer, no model server client', { timeout: 120_000 }, async () => {
  const run = await modulesLoadedBy(['agent', '--meter', 'fake', '--log.level', 'warn'], { health: '/healthz' });
  const mods = sourceModules(run.urls);
  assert.ok(mods.includes('agent/meters/fake.ts'), `the fake meter is loaded (exit ${run.code}: ${run.stderr.slice(-400)})`);
  for (const other of ['agent/meters/rapl.ts', 'agent/meters/hwmon.ts', 'agent/meters/model.ts'])
    assert.ok(!mods.includes(other), `${other} is not loaded`);
  assert.deepEqual(
    mods.filter((m) => m.startsWith('models/')),
    [],
    'no model library (trainers, Kepler weights)',
  );
  assert.ok(!mods.includes('modelserver/client.ts'), 'no model server client');
  assert.deepEqual(
    run.urls.filter((u) => u.includes('@kubernetes/client-node')),
    [],
  );
});

test('without a cluster no command loads the Kubernetes client: operator --help, render, cap --help, estimator --config', {
  timeout: 180_000,
}, async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'pp-lazy-')), 'estimators.yaml');
  writeFileSync(
    file,
    JSON.stringify({
      estimators: [{ namespace: 'default', name: 'default', spec: { defaultNodeConfig: { powerConsumptionPredictor: { type: 'Fake' } } } }],
      nodes: [{ name: 'n1', labels: {}, allocatable: { cpu: '8' } }],
    }),
  );
  const runs: Array<[string[], { health?: string }]> = [
    [['operator', '--help'], {}],
    [['render'], {}],
    [['cap', '--help'], {}],
    [['estimator', '--config', file, '--log.level', 'warn'], { health: '/healthz' }],
  ];
  for (const [args, opts] of runs) {
    const run = await modulesLoadedBy(args, opts);
    assert.ok(sourceModules(run.urls).length > 0, `${args.join(' ')} ran (exit ${run.code}: ${run.stderr.slice(-400)})`);
    assert.deepEqual(
      run.urls.filter((u) => u.includes('@kubernetes/client-node')),
      [],
      args.join(' '),
    );
    assert.ok(!sourceModules(run.urls).includes('kube/client.ts'), `${args.join(' ')} does not load kube/client.ts`);
  }
});

test('the estimator with a Fake predictor loads no other predictor and no model library', { timeout: 120_000 }, async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'pp-lazy-')), 'estimators.yaml');
  writeFileSync(
    file,
    JSON.stringify({
      estimators: [
        {
          namespace: 'default',
          name: 'default',
          spec: { defaultNodeConfig: { nodeMonitor: { agents: [{ type: 'Fake' }] }, powerConsumptionPredictor: { type: 'Fake' } } },
        },
      ],
      nodes: [{ name: 'n1', labels: {}, allocatable: { cpu: '8' } }],
    }),
  );
  const mods = sourceModules((await modulesLoadedBy(['estimator', '--config', file, '--log.level', 'warn'], { health: '/healthz' })).urls);
  assert.ok(
    mods.includes('estimator/predictors/fake.ts') && mods.includes('estimator/monitors/fake.ts'),
    mods.filter((m) => m.startsWith('estimator/')).join(', '),
  );
  assert.deepEqual(
    mods.filter((m) => /^estimator\/(predictors|monitors)\/(?!fake|registry|options|quantity)/.test(m)),
    [],
  );
  assert.deepEqual(
    mods.filter((m) => m.startsWith('models/')),
    [],
  );
});

test('the top-level help loads no command module (the meter names come from the registry, which imports no meter)', { timeout: 60_000 }, async () => {
  const run = await modulesLoadedBy(['--help']);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(
    sourceModules(run.urls).filter((m) => !m.startsWith('cli/') && !m.startsWith('core/') && m !== 'agent/meters/registry.ts'),
    [],
  );
});
