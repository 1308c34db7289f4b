import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEstimatorFile, loadEstimatorFile, pointerToPath } from './config-file.js';
import { ERR_INVALID_CONFIG, ERR_MALFORMED_FILE, ERR_FILE_UNREADABLE } from '../core/errors.js';

const GOOD = `estimators:
  - namespace: default
    name: default
    spec:
      defaultNodeConfig:
        nodeMonitor:
          refreshInterval: 15s
          agents: [{ type: Fake }]
        powerConsumptionPredictor: { type: Fake }
nodes:
  - name: node-1
    labels: { waofed.bitmedia.co.jp/fakepcp.basewatts: "100" }
    allocatable: { cpu: "8" }
  - name: node-2
    allocatable: { cpu: 500m }
`;

test('a valid file loads estimators and nodes (allocatable in millicores)', () => {
  const f = parseEstimatorFile(GOOD, 'est.yaml');
  assert.equal(f.estimators.length, 1);
  assert.equal(f.estimators[0].spec.defaultNodeConfig?.nodeMonitor?.refreshInterval, '15s');
  assert.deepEqual(
    f.nodes.map((n) => [n.name, n.allocatableMilli]),
    [
      ['node-1', 8000],
      ['node-2', 500],
    ],
  );
  assert.equal(f.nodes[0].labels['waofed.bitmedia.co.jp/fakepcp.basewatts'], '100');
});

const invalid = (text: string, key: string, line?: number) => {
  assert.throws(
    () => parseEstimatorFile(text, 'est.yaml'),
    (e) =>
      ERR_INVALID_CONFIG.is(e) &&
      e.details.key === key &&
      e.details.path === 'est.yaml' &&
      (line === undefined || e.details.line === line) &&
      e.exitCode === 2 &&
      e.message.includes(key),
  );
};

test('errors name the path of the bad field and its line', () => {
  invalid(GOOD.replace('refreshInterval: 15s', 'refreshInterval: soon'), 'estimators[0].spec.defaultNodeConfig.nodeMonitor.refreshInterval', 7);
  invalid(GOOD.replace('refreshInterval: 15s', 'refreshInterval: 10ms'), 'estimators[0].spec.defaultNodeConfig.nodeMonitor.refreshInterval', 7);
  invalid(GOOD.replace('{ type: Fake }]', '{ type: Bogus }]'), 'estimators[0].spec.defaultNodeConfig.nodeMonitor.agents[0].type');
  invalid(
    GOOD.replace('powerConsumptionPredictor: { type: Fake }', 'powerConsumptionPredictor: { type: Fake, colour: red }'),
    'estimators[0].spec.defaultNodeConfig.powerConsumptionPredictor.colour',
  );
  invalid(GOOD.replace('cpu: 500m', 'cpu: lots'), 'nodes[1].allocatable.cpu', 15);
  invalid(GOOD.replace('    name: default\n', ''), 'estimators[0].name', 2);
  invalid(GOOD.replace('name: node-2', 'name: node-1'), 'nodes[1].name');
  invalid('estimators: 3\n', 'estimators', 1);
});

test('malformed YAML is reported with path and line; a missing file is unreadable', () => {
  assert.throws(
    () => parseEstimatorFile('estimators:\n  - name: [\n', 'bad.yaml'),
    (e) => ERR_MALFORMED_FILE.is(e) && e.details.path === 'bad.yaml' && typeof e.details.line === 'number',
  );
  const dir = mkdtempSync(join(tmpdir(), 'pp-est-'));
  assert.throws(
    () => loadEstimatorFile(join(dir, 'missing.yaml')),
    (e) => ERR_FILE_UNREADABLE.is(e),
  );
  writeFileSync(join(dir, 'ok.yaml'), GOOD);
  assert.equal(loadEstimatorFile(join(dir, 'ok.yaml')).nodes.length, 2);
});

test('JSON pointers become dotted paths', () => {
  assert.equal(pointerToPath('/estimators/0/spec/nodeConfigOverrides/a~1b'), 'estimators[0].spec.nodeConfigOverrides.a/b');
  assert.equal(pointerToPath(''), '');
});
