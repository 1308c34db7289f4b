/**
 * The example plug-in of examples/capping-plugin/ (Python, standard library only) run as a real
 * process and called over HTTP by the simulator and by `powerplane cap algorithms test`.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/shared-data.js';
import { runPowerplane } from '../helpers/cli.js';
import { BUILTIN_NAMES, createAlgorithm } from '../../src/capping/algorithms/registry.js';
import { parseCatalog } from '../../src/capping/plugins/catalog.js';
import { loadScenario } from '../../src/capping/sim/scenario.js';
import { simulate } from '../../src/capping/sim/simulator.js';

const EXAMPLE = join(REPO_ROOT, 'examples/capping-plugin');
let child: ChildProcess;
let endpoint = '';
let dir = '';
let catalogText = '';

before(async () => {
  child = spawn('python3', [join(EXAMPLE, 'plugin.py'), '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  endpoint = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`plugin.py exited with ${code}`)));
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
  });
  const sha = createHash('sha256')
    .update(readFileSync(join(EXAMPLE, 'schema.json')))
    .digest('hex');
  catalogText = `algorithms:\n  - name: work-per-watt\n    version: 1.0.0\n    endpoint: ${endpoint}\n    timeout: 5s\n    sha256: '${sha}'\n`;
  dir = mkdtempSync(join(tmpdir(), 'pp-cap-plugin-'));
  writeFileSync(join(dir, 'catalog.yaml'), catalogText);
});

after(() => {
  child?.kill('SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the Python plug-in caps the step scenario with no overshoot after settling and never fails', async () => {
  const algorithm = createAlgorithm('work-per-watt', {}, parseCatalog(catalogText, 'catalog.yaml', BUILTIN_NAMES));
  const scenario = loadScenario(join(REPO_ROOT, 'test/fixtures/capping/step-up.yaml'));
  const run = await simulate(scenario, algorithm, { perTargetSeries: false });
  assert.equal(run.summary.holds, 0, run.holdReasons.join('\n'));
  assert.ok(run.summary.actions > 0);
  assert.equal(run.summary.wattSecondsOverBudgetAfterSettle, 0);
  const naive = await simulate(scenario, createAlgorithm('naive'), { perTargetSeries: false });
  assert.ok(run.summary.demandServedFraction >= naive.summary.demandServedFraction - 1e-9);
});

test('the plug-in answers a malformed state with 400, which powerplane turns into a hold', async () => {
  const res = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"targets": 3}' });
  assert.equal(res.status, 400);
  assert.match(((await res.json()) as { message: string }).message, /bad state/);
});

test('powerplane cap algorithms test runs the plug-in from a catalog file and checks its published schema', async () => {
  const r = await runPowerplane([
    'cap',
    'algorithms',
    'test',
    'work-per-watt',
    '--scenario',
    join(REPO_ROOT, 'test/fixtures/capping/two-tenants-priority.yaml'),
    '--catalog',
    join(dir, 'catalog.yaml'),
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /published schema sha256 [0-9a-f]{64} \(matches the catalog\)/);
  assert.match(r.stdout, /^work-per-watt\s+0\s+0\s/m);
  const list = await runPowerplane(['cap', 'algorithms', 'list', '--catalog', join(dir, 'catalog.yaml'), '-o', 'json']);
  assert.deepEqual((JSON.parse(list.stdout) as Array<{ name: string; kind: string }>).map((a) => `${a.name}:${a.kind}`).slice(-2), [
    'forecast:builtin',
    'work-per-watt:plugin',
  ]);
});
