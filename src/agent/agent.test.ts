import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Agent, type AgentOptions } from './agent.js';
import { registerAgentRoutes } from './api/routes.js';
import { ScriptedMeter } from '../../test/helpers/agent/test-meter.js';
import { ProcScanner } from './procfs/scanner.js';
import { ProcfsFixture, containerCgroup, fixtureContainerId } from '../../test/helpers/agent/procfs-fixtures.js';
import { createServer } from '../core/server.js';
import { silentLogger } from '../core/logger.js';
import type { NodeView, WorkloadsResponse, CapabilitiesView } from '../core/contracts.js';
import { EXPORTED_METRIC_NAMES } from './export/metric-names.js';
import { createRedfishMeter } from './platform/redfish.js';
import { serveRedfishMockup } from '../../test/helpers/agent/redfish-mockup-server.js';
import { sharedDataPath } from '../../test/helpers/shared-data.js';

const ZONES = [
  { zone: 'package', path: '/sys/class/powercap/intel-rapl:0', nested: false },
  { zone: 'core', path: '/sys/class/powercap/intel-rapl:0:0', nested: true },
  { zone: 'dram', path: '/sys/class/powercap/intel-rapl:0:1', nested: false },
];

function makeAgent(fx: ProcfsFixture, meter: ScriptedMeter, over: Partial<AgentOptions> = {}) {
  let t = 1_000_000;
  const agent = new Agent({
    nodeName: 'node "1"',
    version: { version: '0.1.0', commit: 'abc' },
    selection: { meter, tried: [{ name: 'fake', available: true, zones: ['package', 'core', 'dram'] }] },
    platform: {},
    gpu: { enabled: false },
    kubeEnabled: false,
    scanner: new ProcScanner(fx.root, { readExe: false }),
    clockTicks: 100,
    cpus: 2,
    cpuInfo: [{ processor: '0', vendorId: 'GenuineIntel', modelName: 'Xeon', physicalId: '0', coreId: '0' }],
    levels: ['node', 'process', 'container', 'vm', 'pod'],
    idlePolicy: 'cpu-share',
    maxTerminated: 500,
    minTerminatedEnergyThreshold: 0,
    intervalMs: 3_600_000,
    stalenessMs: 60_000,
    fallbackCurve: { idleWatts: 10, maxWatts: 30, name: 'ccf:test' },
    log: silentLogger(),
    now: () => t,
    ...over,
  });
  return { agent, tick: (ms: number) => (t += ms) };
}

test('HTTP API on loopback: /metrics passes promtool, JSON views, query validation', async () => {
  const fx = new ProcfsFixture();
  const C = fixtureContainerId(3);
  fx.add({ pid: 1, comm: 'init', utime: 0, stime: 0 })
    .add({ pid: 2, comm: 'app "x"\\y', utime: 0, stime: 0, cgroup: containerCgroup(C, 'docker'), environ: { HOSTNAME: 'app' } })
    .add({ pid: 3, comm: 'qemu-system-x86', utime: 0, stime: 0, cmdline: ['/usr/bin/qemu-system-x86_64', '-uuid', 'vm-1'] })
    .write();
  const meter = new ScriptedMeter(ZONES, [4_000_000, 3_000_000, 1_000_000]);
  const { agent, tick } = makeAgent(fx, meter);
  const server = await createServer({
    log: silentLogger(),
    components: [
      {
        name: 'agent',
        routes: (app) => registerAgentRoutes(app, agent),
        start: () => agent.start(),
        stop: () => agent.stop(),
        isReady: () => agent.isReady(),
      },
    ],
  });
  try {
    const url = await server.listen('127.0.0.1:0');
    fx.advance(1, 10).advance(2, 60).advance(3, 30).advanceNode(0, 100).write();
    tick(2000);
    await agent.monitor.refresh();

    const m = await fetch(`${url}/metrics`);
    assert.equal(m.status, 200);
    assert.match(m.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await m.text();
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    assert.equal(lint.status, 0, lint.stdout + lint.stderr);
    for (const line of text.split('\n')) {
      const fam = /^# TYPE (\S+)/.exec(line)?.[1];
      if (fam) assert.ok(EXPORTED_METRIC_NAMES.includes(fam), `${fam} is listed in EXPORTED_METRIC_NAMES`);
    }
    assert.match(
      text,
      /kepler_container_cpu_joules_total\{node_name="node \\"1\\"",container_id="[0-9a-f]{64}",container_name="app",runtime="docker",pod_id="",pod_name="",pod_namespace="",state="running",zone="package"\} 1\.2\n/,
    );
    assert.match(text, /kepler_process_cpu_joules_total\{[^}]*comm="app \\"x\\"\\\\y"[^}]*zone="dram"\} 0\.3\n/);
    assert.match(
      text,
      /kepler_vm_cpu_watts\{node_name="node \\"1\\"",vm_id="vm-1",vm_name="kvm-vm-1",hypervisor="kvm",state="running",zone="package"\} 0\.3\n/,
    );
    assert.match(text, /kepler_node_cpu_active_watts\{node_name="node \\"1\\"",zone="package",path="\/sys\/class\/powercap\/intel-rapl:0"\} 1\n/);
    assert.match(text, /powerplane_process_idle_joules_total\{/);
    assert.match(text, /powerplane_node_power_source_info\{node_name="node \\"1\\"",meter="fake",estimated="false",model=""\} 1\n/);

    const node = (await (await fetch(`${url}/api/v1/node`)).json()) as NodeView;
    assert.equal(node.watts, (4_000_000 + 1_000_000) / 1e6 / 2, 'core is nested in package: not added');
    assert.equal(node.activeWatts + node.idleWatts, node.watts);
    assert.equal(node.busyRatio, 0.5);

    const w = (await (await fetch(`${url}/api/v1/workloads?level=process&top=2`)).json()) as WorkloadsResponse;
    assert.equal(w.total, 3);
    assert.deepEqual(
      w.items.map((i) => i.id),
      ['2', '3'],
    );
    assert.equal(w.items[0].zones.core.joulesTotal, 0.9);
    assert.equal(w.items[0].watts, (1_200_000 + 300_000) / 1e6 / 2);

    for (const [q, field] of [
      ['level=nodes', 'level'],
      ['top=0', 'top'],
      ['top=abc', 'top'],
      ['top=10001', 'top'],
      ['level=pod&top=-1', 'top'],
    ]) {
      const r = await fetch(`${url}/api/v1/workloads?${q}`);
      assert.equal(r.status, 400, q);
      const body = (await r.json()) as { code: string; field: string };
      assert.equal(body.code, 'PP_AGENT_BAD_QUERY');
      assert.equal(body.field, field);
    }

    const caps = (await (await fetch(`${url}/api/v1/capabilities`)).json()) as CapabilitiesView;
    assert.deepEqual(caps.zones, ['package', 'core', 'dram']);
    assert.equal(caps.metrics.pod, 'unavailable');
    assert.equal(caps.chosenMeter.name, 'fake');
    assert.equal(caps.cgroupVersion, 2);
  } finally {
    await server.close();
    fx.dispose();
  }
});

test("--metrics selects levels; a deleted container's series disappear after a scrape exported it as terminated", async () => {
  const fx = new ProcfsFixture();
  const C = fixtureContainerId(9);
  fx.add({ pid: 5, comm: 'w', utime: 0, stime: 0, cgroup: containerCgroup(C, 'crio') })
    .add({ pid: 6, comm: 'h', utime: 0, stime: 0 })
    .write();
  const meter = new ScriptedMeter(ZONES, [50_000_000, 0, 0]);
  const { agent, tick } = makeAgent(fx, meter, { levels: ['container'], idlePolicy: 'none', stalenessMs: 0 });
  try {
    await agent.monitor.refresh();
    fx.advance(5, 100).advance(6, 1).write();
    tick(1000);
    let text = await agent.metricsText();
    assert.doesNotMatch(text, /kepler_node_cpu_joules_total|kepler_process_|kepler_pod_|powerplane_container_idle/);
    assert.match(text, new RegExp(`kepler_container_cpu_joules_total\\{[^}]*container_id="${C}"[^}]*state="running"`));
    fx.remove(5).write();
    tick(1000);
    text = await agent.metricsText();
    assert.match(text, new RegExp(`kepler_container_cpu_joules_total\\{[^}]*container_id="${C}"[^}]*state="terminated"`));
    tick(1000);
    text = await agent.metricsText();
    assert.doesNotMatch(text, new RegExp(C));
  } finally {
    fx.dispose();
  }
});

test('the local node model falls back to the given curve for a measured meter without samples', () => {
  const fx = new ProcfsFixture().write();
  try {
    const { agent } = makeAgent(fx, new ScriptedMeter(ZONES, [0, 0, 0]));
    const m = agent.localNodeModel();
    assert.equal(m.modelName, 'ccf:test');
    assert.equal(m.wattsAt(0.5), 20);
    assert.equal(m.logicalCpus, 2);
  } finally {
    fx.dispose();
  }
});

test('a scrape whose refresh fails serves the last snapshot; with none it fails and is counted', async () => {
  const fx = new ProcfsFixture().add({ pid: 1, comm: 'a', utime: 1, stime: 1 }).write();
  const meter = new ScriptedMeter(ZONES, [1, 1, 1]);
  const { agent, tick } = makeAgent(fx, meter, { stalenessMs: 0 });
  try {
    const broken = meter.read.bind(meter);
    meter.read = async () => Promise.reject(new Error('meter down'));
    await assert.rejects(agent.metricsText(), /meter down/);
    assert.equal(agent.monitor.counters.scrapeErrors, 1);
    meter.read = broken;
    await agent.metricsText();
    meter.read = async () => Promise.reject(new Error('meter down'));
    tick(1000);
    const text = await agent.metricsText();
    assert.match(text, /powerplane_agent_refresh_errors_total\{node_name="node \\"1\\""\} 2\n/);
    assert.match(text, /powerplane_agent_scrape_errors_total\{node_name="node \\"1\\""\} 1\n/);
  } finally {
    fx.dispose();
  }
});

test("kepler_platform_watts carries Kepler's labels: node_name, source, bmc_id, chassis_id, source_id, source_name, source_type", async (t) => {
  const server = await serveRedfishMockup(sharedDataPath('redfish', 'public-rackmount1'), { hide: ['/redfish/v1/Chassis/1U/EnvironmentMetrics'] });
  t.after(() => server.close());
  const platform = await createRedfishMeter({ endpoint: server.url });
  const fx = new ProcfsFixture().add({ pid: 1, comm: 'init', utime: 0, stime: 0 }).write();
  const { agent, tick } = makeAgent(fx, new ScriptedMeter(ZONES, [1_000_000, 0, 0]), { platform: { meter: platform }, stalenessMs: 0 });
  try {
    await agent.monitor.refresh();
    fx.advance(1, 10).write();
    tick(1000);
    const text = await agent.metricsText();
    const host = new URL(server.url).host;
    assert.match(
      text,
      new RegExp(
        `^kepler_platform_watts\\{node_name="node \\\\"1\\\\"",source="redfish",bmc_id="${host}",chassis_id="1U",source_id="0",source_name="System Input Power",source_type="PowerControl"\\} 344$`,
        'm',
      ),
    );
  } finally {
    await agent.stop();
    fx.dispose();
  }
});
