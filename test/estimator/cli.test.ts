/**
 * `powerplane estimate` (WAO estimator-cli) against a real estimator on loopback: output format, -v curl
 * line, -o json, API errors (exit 1) and bad flags (exit 2 naming the flag).
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type PowerplaneServer } from '../../src/core/server.js';
import { defaultConfig } from '../../src/core/config.js';
import { silentLogger } from '../../src/core/logger.js';
import { createEstimatorComponent } from '../../src/estimator/component.js';
import { runPowerplane } from '../helpers/cli.js';

let server: PowerplaneServer;
let base = '';

before(async () => {
  const config = defaultConfig({
    'estimator.configFile': fileURLToPath(new URL('./fixtures/wao-kind.yaml', import.meta.url)),
    'estimator.apiKey': 'k3y',
  });
  const log = silentLogger();
  server = await createServer({ log, components: [await createEstimatorComponent({ config, log })] });
  base = await server.listen('127.0.0.1:0');
});
after(() => server.close());

/** Runs the CLI; resolves with exit code and output. */
const cli = (...args: string[]) => runPowerplane(args);

test('estimate -p 500,5 pc prints Go-style [5 10 15 20 25]; -v prints the curl command', async () => {
  const r = await cli('estimate', '-a', base, '--api-key', 'k3y', '-v', '-p', '500,5', 'pc');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '[5 10 15 20 25]\n');
  assert.match(
    r.stderr,
    /^DEBUG: curl -X 'POST' -d '\{"cpu_milli":500,"num_workloads":5\}' -H 'Content-Type: application\/json' -H 'X-API-KEY: k3y' 'http:\/\/127\.0\.0\.1:\d+\/namespaces\/default\/estimators\/default\/values\/powerconsumption'$/m,
  );
});

test('+Inf prints as +Inf; -o json prints the API answer; -n namespace/name as WAO', async () => {
  const inf = await cli('estimate', '-a', base, '-p', '8000,3', '-H', 'X-API-KEY: k3y', 'pc');
  assert.equal(inf.code, 0, inf.stderr);
  // one 8-core workload fits on each worker (80 W, 160 W); the control-plane has no predictor
  assert.equal(inf.stdout, '[80 240 +Inf]\n');
  // why +Inf, on stderr only
  assert.equal(
    inf.stderr,
    '+Inf from k=3: the nodes have room for 2 workloads of 8,000 millicores at most\nnodes that cannot take one:\n  control-plane: predictor None: this node takes no workloads\n',
  );
  const js = await cli('estimate', '-a', base, '--api-key', 'k3y', '-n', 'default/default', '-o', 'json', '-p', '500,2', 'pc');
  assert.deepEqual(JSON.parse(js.stdout), { cpu_milli: 500, num_workloads: 2, watt_increases: [5, 10] });
});

test('API errors print code and message and exit 1', async () => {
  const nf = await cli('estimate', '-a', base, '--api-key', 'k3y', '--namespace', 'x', '--name', 'y', 'pc');
  assert.equal(nf.code, 1);
  assert.match(nf.stderr, /ERROR: HTTP 404\n {2}code: ErrServerEstimatorNotFound\n {2}message: estimator x\/y not found/);
  const unauth = await cli('estimate', '-a', base, 'pc');
  assert.equal(unauth.code, 1);
  assert.match(unauth.stderr, /code: ErrClientUnauthorized/);
});

test('bad flags exit 2 naming the flag', async () => {
  for (const [args, flag] of [
    [['-p', 'a,b', 'pc'], '-p'],
    [['-a', 'localhost:5656', 'pc'], '--address'],
    [['nc'], 'pc'],
  ] as const) {
    const r = await cli('estimate', ...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(r.stderr.includes(flag), `${args.join(' ')}: ${r.stderr}`);
  }
});

test('powerplane estimator: no source exits 2 naming --config; a bad file exits 2 naming file, line and field', async () => {
  const none = await cli('estimator', '--web.listen-address', '127.0.0.1:0');
  assert.equal(none.code, 2, none.stderr);
  assert.match(none.stderr, /--config/);
  const dir = mkdtempSync(join(tmpdir(), 'pp-est-cli-'));
  const bad = join(dir, 'bad.yaml');
  writeFileSync(
    bad,
    'estimators:\n  - namespace: default\n    name: default\n    spec:\n      defaultNodeConfig:\n        nodeMonitor: { refreshInterval: soon }\n',
  );
  const r = await cli('estimator', '--config', bad, '--web.listen-address', '127.0.0.1:0');
  assert.equal(r.code, 2, r.stderr);
  assert.ok(r.stderr.includes(`${bad}:6: estimators[0].spec.defaultNodeConfig.nodeMonitor.refreshInterval`), r.stderr);
});
