/**
 * The Grafana dashboards and recording rules against real data: `powerplane up` on the fixture
 * machine (pods from the fake API server), scraped every second by a real Prometheus; every panel
 * that does not need hardware the fixture lacks (GPUs, a platform meter, VMs) must return data,
 * which checks the metric and label names the queries use against what the agent really exports.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/shared-data.js';
import { substituteGrafanaVariables } from './promql-names.js';
import { startPrometheus, type TestPrometheus } from '../helpers/prometheus.js';
import { createFixtureNode, fixturePods, NODE_NAME, type FixtureNode } from './fixture-node.js';
import { startUp, type PowerplaneProcess } from '../helpers/cli.js';
import { startFakeApiServer, type FakeApiServer } from '../fake-apiserver/index.js';

interface Panel {
  type: string;
  title: string;
  targets?: { expr: string }[];
}
const GRAFANA = join(REPO_ROOT, 'deploy', 'grafana');
const VARS = { node: NODE_NAME, namespace: 'load', pod: 'stress-7d9f', zone: 'package' };
/** Panels that need what the fixture machine has not: GPUs, a platform (wall) meter, VMs. */
const NEEDS_ABSENT_HARDWARE = /GPU|[Pp]latform|VM/;

let api: FakeApiServer;
let fixture: FixtureNode;
let up: PowerplaneProcess;
let prom: TestPrometheus;

before(async () => {
  api = await startFakeApiServer();
  api.store.seed(...(fixturePods() as unknown as Parameters<typeof api.store.seed>));
  fixture = await createFixtureNode(api.kubeconfigPath);
  up = await startUp(fixture.flags);
  fixture.follow(up.url);
  prom = await startPrometheus({ scrapeTargets: [up.url.replace(/^http:\/\//, '')] });
  // Wait until pods are mapped and a few scrapes (for rates) have landed.
  await prom.waitForValue('count_over_time(kepler_pod_cpu_watts{pod_name="stress-7d9f"}[1m])', 3, 120_000);
});

after(async () => {
  await prom?.stop();
  await up?.stop();
  fixture?.dispose();
  await api?.stop();
});

for (const file of readdirSync(GRAFANA).filter((f) => f.endsWith('.json'))) {
  test(`${file}: panels return data from a real agent`, async () => {
    const d = JSON.parse(readFileSync(join(GRAFANA, file), 'utf8')) as { panels: Panel[] };
    const empty: string[] = [];
    for (const p of d.panels) {
      if (p.type === 'row' || NEEDS_ABSENT_HARDWARE.test(p.title)) continue;
      let rows = 0;
      for (const t of p.targets ?? []) {
        const r = await prom.query(substituteGrafanaVariables(t.expr, VARS));
        assert.equal(r.status, 200, `${p.title}: ${r.body.error}`);
        rows += r.body.data?.result.length ?? 0;
      }
      if (rows === 0) empty.push(p.title);
    }
    assert.deepEqual(empty, [], `panels without data in ${file}`);
  });
}

test('the real series carry the numbers and labels the dashboards and rules rely on', async () => {
  const q = async (expr: string) => {
    const r = await prom.query(expr);
    return (r.body.data?.result as { metric: Record<string, string>; value: [number, string] }[])
      .map((s) => ({ ...s.metric, value: Math.round(Number(s.value[1]) * 1e6) / 1e6 }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  };
  assert.deepEqual(await q('sum by (node_name) (kepler_node_cpu_watts{zone=~"package|dram"})'), [{ node_name: NODE_NAME, value: 40 }]);
  assert.deepEqual(await q('sum by (pod_namespace) (kepler_pod_cpu_watts{zone=~"package|dram"})'), [
    { pod_namespace: 'load', value: 7.5 },
    { pod_namespace: 'shop', value: 2 },
  ]);
  assert.deepEqual(await q('sum by (container_name, pod_name) (kepler_container_cpu_watts)'), [
    { container_name: 'nginx', pod_name: 'web-5c4b', value: 2 },
    { container_name: 'stress', pod_name: 'stress-7d9f', value: 7.5 },
  ]);
  assert.deepEqual(await q('powerplane_node_power_source_info'), [
    {
      __name__: 'powerplane_node_power_source_info',
      estimated: 'true',
      instance: up.url.replace(/^http:\/\//, ''),
      job: 'powerplane-agent',
      meter: 'model',
      model: 'linear:idle=20,max=100',
      node_name: NODE_NAME,
      value: 1,
    },
  ]);
});
