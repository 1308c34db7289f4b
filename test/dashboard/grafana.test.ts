import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { parse as parseYaml } from 'yaml';
import { REPO_ROOT } from '../helpers/shared-data.js';
import { EXPORTED_METRIC_NAMES } from '../../src/agent/export/metric-names.js';
import { metricNames, substituteGrafanaVariables } from './promql-names.js';
import { startPrometheus, type TestPrometheus } from '../helpers/prometheus.js';

const GRAFANA = join(REPO_ROOT, 'deploy', 'grafana');
const RULES = join(REPO_ROOT, 'deploy', 'prometheus', 'powerplane-rules.yaml');

interface Target {
  refId: string;
  expr: string;
  datasource?: { uid?: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Target[];
  datasource?: { type?: string; uid?: string };
}
interface TemplateVar {
  name: string;
  type: string;
  query?: unknown;
  definition?: string;
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: TemplateVar[] };
}

const rulesDoc = parseYaml(readFileSync(RULES, 'utf8')) as { groups: { name: string; rules: { record?: string; alert?: string; expr: string }[] }[] };
const recorded = rulesDoc.groups.flatMap((g) => g.rules.map((r) => r.record).filter((r): r is string => Boolean(r)));
const dashboards = readdirSync(GRAFANA)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ file: f, d: JSON.parse(readFileSync(join(GRAFANA, f), 'utf8')) as Dashboard }));

let prom: TestPrometheus;
before(async () => {
  prom = await startPrometheus();
});
after(async () => {
  await prom?.stop();
});

test('metricNames finds the selected series and nothing else', () => {
  assert.deepEqual(
    metricNames(
      'sum by (node_name) (rate(kepler_node_cpu_joules_total{zone=~"package|dram", path!="x{y}"}[5m])) / on (node_name) group_left (a) max by (node_name) (powerplane_node_power_source_info) or vector(0) > bool 1e3',
    ),
    ['kepler_node_cpu_joules_total', 'powerplane_node_power_source_info'],
  );
  assert.deepEqual(metricNames('topk(10, sum without (pid) (kepler_process_cpu_watts)) offset 5m'), ['kepler_process_cpu_watts']);
  assert.deepEqual(metricNames('node_name:kepler_node_cpu_watts:sum > 2 * avg_over_time(node_name:kepler_node_cpu_watts:sum[1d])'), [
    'node_name:kepler_node_cpu_watts:sum',
  ]);
  assert.equal(substituteGrafanaVariables('x{a="$node"}[$__rate_interval] ${datasource}', { node: 'n1' }), 'x{a="n1"}[1m] test-value');
});

test('the four dashboards exist: cluster, namespace/pod, node detail, model accuracy', () => {
  assert.deepEqual(dashboards.map((x) => x.d.uid).sort(), [
    'powerplane-cluster',
    'powerplane-model-accuracy',
    'powerplane-namespace-pods',
    'powerplane-node',
  ]);
});

for (const { file, d } of dashboards) {
  test(`${file}: structure`, () => {
    assert.ok(d.uid && d.title, 'uid and title');
    assert.ok(Number.isInteger(d.schemaVersion) && d.schemaVersion >= 36, 'schemaVersion');
    const vars = d.templating.list;
    const ds = vars.find((v) => v.name === 'datasource');
    assert.equal(ds?.type, 'datasource');
    assert.equal(ds?.query, 'prometheus');
    const varNames = new Set(vars.map((v) => v.name));
    const ids = new Set<number>();
    assert.ok(d.panels.length >= 4, 'has panels');
    for (const p of d.panels) {
      assert.ok(Number.isInteger(p.id) && !ids.has(p.id), `unique id ${p.id}`);
      ids.add(p.id);
      const g = p.gridPos;
      assert.ok(g && g.x >= 0 && g.w > 0 && g.x + g.w <= 24 && g.h > 0 && g.y >= 0, `gridPos of ${p.title}`);
      if (p.type === 'row') continue;
      assert.equal(p.datasource?.uid, '${datasource}', `${p.title} uses the datasource variable`);
      assert.ok(p.targets && p.targets.length > 0, `${p.title} has targets`);
      const refIds = new Set<string>();
      for (const t of p.targets) {
        assert.ok(t.refId && !refIds.has(t.refId), `refId of ${p.title}`);
        refIds.add(t.refId);
        assert.equal(t.datasource?.uid, '${datasource}');
        for (const m of t.expr.matchAll(/\$\{?(\w+)/g))
          if (!m[1].startsWith('__')) assert.ok(varNames.has(m[1]), `${p.title}: $${m[1]} is a template variable`);
      }
    }
    // Panels of one row band do not overlap.
    const cells = new Set<string>();
    for (const p of d.panels)
      for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++)
        for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
          assert.ok(!cells.has(`${x},${y}`), `${p.title} overlaps another panel at ${x},${y}`);
          cells.add(`${x},${y}`);
        }
  });

  test(`${file}: every expression parses in Prometheus and names only exported or recorded metrics`, async () => {
    const allowed = new Set([...EXPORTED_METRIC_NAMES, ...recorded]);
    const exprs = [
      ...d.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ where: p.title, expr: t.expr }))),
      ...d.templating.list
        .filter((v) => v.type === 'query')
        .map((v) => ({ where: `variable ${v.name}`, expr: String(v.definition).replace(/^label_values\((.*),\s*\w+\)$/, '$1') })),
    ];
    for (const { where, expr } of exprs) {
      const names = metricNames(expr);
      assert.ok(names.length > 0, `${where}: selects a metric`);
      for (const n of names) assert.ok(allowed.has(n), `${where}: ${n} is neither exported by the agent nor recorded by the rules`);
      const res = await prom.query(substituteGrafanaVariables(expr, { node: 'n1', namespace: 'default', pod: 'p', zone: 'package' }));
      assert.equal(res.status, 200, `${where}: ${expr}\n${res.body.error}`);
    }
  });
}

test('Prometheus rules: promtool check and unit tests pass; expressions name only exported or recorded metrics', async () => {
  const check = spawnSync('promtool', ['check', 'rules', RULES], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stdout + check.stderr);
  const unit = spawnSync('promtool', ['test', 'rules', RULES.replace(/\.yaml$/, '.test.yaml')], { encoding: 'utf8' });
  assert.equal(unit.status, 0, unit.stdout + unit.stderr);
  const allowed = new Set([...EXPORTED_METRIC_NAMES, ...recorded, 'up']);
  const rules = rulesDoc.groups.flatMap((g) => g.rules);
  for (const r of rules) for (const n of metricNames(r.expr)) assert.ok(allowed.has(n), `${r.record ?? r.alert}: ${n}`);
  for (const want of [
    'PowerplaneAgentDown',
    'PowerplanePowerSourceChanged',
    'PowerplaneNodePowerEstimated',
    'PowerplaneNamespacePowerHigh',
    'PowerplaneNodePowerHigh',
  ]) {
    assert.ok(
      rules.some((r) => r.alert === want),
      want,
    );
  }
  for (const want of ['node_name:kepler_node_cpu_watts:sum', 'pod_namespace:kepler_pod_cpu_watts:sum']) assert.ok(recorded.includes(want), want);
  for (const r of rules) assert.equal((await prom.query(r.expr)).status, 200, r.expr);
  assert.equal((await prom.query('sum(kepler_node_cpu_watts')).status, 400, 'Prometheus rejects malformed PromQL');
});
