/**
 * Multi-cluster placement over real estimators on loopback: `POST /placement` and `powerplane place` ask
 * each cluster's estimator, split N workloads so they add the fewest watts in total, report a cluster
 * that is down (it takes none), and reject bad input with a 400 / exit 2 naming the field or flag.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type PowerplaneServer } from '../../src/core/server.js';
import { defaultConfig } from '../../src/core/config.js';
import { silentLogger } from '../../src/core/logger.js';
import { createEstimatorComponent } from '../../src/estimator/component.js';
import { freePort, runPowerplane } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'pp-place-'));
const running: PowerplaneServer[] = [];
let east = '';
let west = '';
let down = '';
after(() => Promise.all(running.map((s) => s.close())));

/** An estimator over Fake nodes `[base, wattsPerCore, cores]`. */
async function cluster(nodes: [number, number, number][]): Promise<string> {
  const path = join(dir, `c${running.length}.yaml`);
  const spec = { defaultNodeConfig: { powerConsumptionPredictor: { type: 'Fake' } } };
  writeFileSync(
    path,
    JSON.stringify({
      estimators: [{ namespace: 'default', name: 'default', spec }],
      nodes: nodes.map(([b, w, c], i) => ({
        name: `n${i}`,
        labels: { 'waofed.bitmedia.co.jp/fakepcp.basewatts': String(b), 'waofed.bitmedia.co.jp/fakepcp.wpc': String(w) },
        allocatable: { cpu: String(c) },
      })),
    }),
  );
  const config = defaultConfig({ 'estimator.configFile': path });
  const server = await createServer({ log: silentLogger(), components: [await createEstimatorComponent({ config, log: silentLogger() })] });
  running.push(server);
  return server.listen('127.0.0.1:0');
}

before(async () => {
  // east: one node, 4 W per core but only 1 core free → takes at most two 500 m workloads at 2 W each
  east = await cluster([[100, 4, 1]]);
  // west: 10 W per core, plenty of room → 5 W per workload
  west = await cluster([[100, 10, 64]]);
  down = `http://127.0.0.1:${await freePort()}`;
});

const post = async (base: string, body: unknown) => {
  const res = await fetch(`${base}/placement`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

test('POST /placement splits the workloads where they add the fewest watts; a cluster that is down takes none', async () => {
  const r = await post(east, {
    cpu_milli: 500,
    num_workloads: 5,
    clusters: [
      { name: 'east', endpoint: east },
      { name: 'west', endpoint: west },
      { name: 'down', endpoint: down },
    ],
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body.placement, { east: 2, west: 3, down: 0 });
  assert.equal(r.body.total_watt_increase, 4 + 15);
  const clusters = r.body.clusters as { name: string; watt_increases: number[]; error: string | null }[];
  assert.deepEqual(clusters[0].watt_increases, [2, 4, 1.7976931348623157e308, 1.7976931348623157e308, 1.7976931348623157e308]);
  assert.equal(clusters[1].error, null);
  assert.match(clusters[2].error ?? '', /fetch failed|ECONNREFUSED/);
});

test('POST /placement: no split places them all → placement null; bad input → 400 naming the field', async () => {
  const none = await post(west, { cpu_milli: 500, num_workloads: 3, clusters: [{ name: 'east', endpoint: east }] });
  assert.equal(none.status, 200);
  assert.equal(none.body.placement, null);
  assert.equal(none.body.total_watt_increase, 1.7976931348623157e308);
  const cases: [unknown, string][] = [
    [{ cpu_milli: 500, num_workloads: 1 }, 'clusters'],
    [{ cpu_milli: 500, num_workloads: 1, clusters: [] }, 'clusters'],
    [{ cpu_milli: 500, num_workloads: 1, clusters: [{ name: 'a', endpoint: 'file:///etc/passwd' }] }, 'clusters[0].endpoint'],
    [{ cpu_milli: 500, num_workloads: 1, clusters: [{ name: '', endpoint: east }] }, 'clusters[0].name'],
    [{ cpu_milli: 500, num_workloads: 1, clusters: [{ name: 'a', endpoint: east, estimator: 'x' }] }, 'clusters[0].estimator'],
    [
      {
        cpu_milli: 500,
        num_workloads: 1,
        clusters: [
          { name: 'a', endpoint: east },
          { name: 'a', endpoint: west },
        ],
      },
      'clusters[1].name',
    ],
    [{ cpu_milli: -1, num_workloads: 1, clusters: [{ name: 'a', endpoint: east }] }, 'cpu_milli'],
  ];
  for (const [body, field] of cases) {
    const r = await post(west, body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.body.field, field);
  }
});

test('powerplane place prints the split as a table or as JSON; bad flags exit 2 naming the flag', async () => {
  const text = await runPowerplane(['place', '--cluster', `east=${east}`, '--cluster', `west=${west}`, '-p', '500,5']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^CLUSTER\s+WORKLOADS\s+WATTS/);
  assert.match(text.stdout, /\neast\s+2\s+4\n/);
  assert.match(text.stdout, /\nwest\s+3\s+15\n/);
  assert.match(text.stdout, /\ntotal\s+5\s+19\n?/);
  const json = await runPowerplane(['place', '--cluster', `east=${east}`, '--cluster', `down=${down}`, '-p', '500,3', '-o', 'json']);
  assert.equal(json.code, 1, 'no split places 3 workloads');
  const answer = JSON.parse(json.stdout) as { placement: unknown; clusters: { error: string | null }[] };
  assert.equal(answer.placement, null);
  assert.ok(answer.clusters[1].error);
  for (const [args, flag] of [
    [['-p', '1,1'], '--cluster'],
    [['--cluster', 'nourl', '-p', '1,1'], '--cluster'],
    [['--cluster', `a=${east}`, '-p', 'x'], '-p'],
    [['--cluster', `a=${east}`, '--estimator', 'bad'], '--estimator'],
  ] as const) {
    const r = await runPowerplane(['place', ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(flag));
  }
});
