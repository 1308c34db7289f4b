// Integration: a real Prometheus (Debian package) scrapes `powerplane agent` running on fixture procfs
// and powercap trees, with pods from a (fake, in-process) API server watched in `apiserver` mode;
// PromQL proves that Σ pod (and Σ container) energy rates track node active power.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcfsFixture, containerCgroup, fixtureContainerId } from '../helpers/agent/procfs-fixtures.js';
import { buildPowercapTree, setZoneEnergy } from '../helpers/agent/meter-fixtures.js';
import { freePort, spawnPowerplane, type PowerplaneProcess } from '../helpers/cli.js';
import { startPrometheus, type TestPrometheus } from '../helpers/prometheus.js';
import { startFakeApiServer, type FakeApiServer } from '../fake-apiserver/index.js';
import { powerplaneCrds } from '../helpers/kube.js';

async function query(prom: TestPrometheus, q: string): Promise<number | undefined> {
  const { body } = await prom.query(q);
  assert.equal(body.status, 'success', q);
  const v = (body.data!.result[0] as { value: [number, string] } | undefined)?.value[1];
  return v === undefined ? undefined : Number(v);
}

test('Prometheus: sum(rate(kepler_pod_cpu_joules_total)) tracks node active power', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pp-prom-'));
  const fx = new ProcfsFixture(join(dir, 'proc'));
  const sysfs = join(dir, 'sys');
  let agent: PowerplaneProcess | undefined;
  let prom: TestPrometheus | undefined;
  let timer: NodeJS.Timeout | undefined;
  let api: FakeApiServer | undefined;
  try {
    const [c1, c2] = [fixtureContainerId(1), fixtureContainerId(2)];
    fx.add({ pid: 1, comm: 'systemd', utime: 5, stime: 5 })
      .add({ pid: 100, comm: 'web', utime: 0, stime: 0, cgroup: containerCgroup(c1, 'containerd') })
      .add({ pid: 101, comm: 'web-worker', utime: 0, stime: 0, cgroup: containerCgroup(c1, 'containerd') })
      .add({ pid: 200, comm: 'db', utime: 0, stime: 0, cgroup: containerCgroup(c2, 'crio') })
      .write();
    await buildPowercapTree(sysfs, [
      { dir: 'intel-rapl:0', name: 'package-0', energyUj: 0 },
      { dir: 'intel-rapl:0:0', name: 'dram', energyUj: 0 },
    ]);
    // Every 250 ms: 20 W of package, 4 W of dram; the node is 50% busy, all busy time in containers.
    let pkg = 0;
    let dram = 0;
    timer = setInterval(() => {
      fx.advance(100, 10).advance(101, 5).advance(200, 10).advanceNode(0, 25).write();
      pkg += 5_000_000;
      dram += 1_000_000;
      void setZoneEnergy(sysfs, 'intel-rapl:0', pkg);
      void setZoneEnergy(sysfs, 'intel-rapl:0:0', dram);
    }, 250);

    api = await startFakeApiServer();
    const pod = (name: string, node: string, container: string, id: string) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'shop' },
      spec: { nodeName: node, containers: [{ name: container, image: 'x', resources: { requests: { cpu: '100m' } } }] },
      status: { phase: 'Running', containerStatuses: [{ name: container, containerID: `containerd://${id}` }] },
    });
    api.store.seed(...powerplaneCrds());
    api.store.seed({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'test-node' } });
    api.store.seed(
      pod('web-0', 'test-node', 'web', c1),
      pod('db-0', 'test-node', 'db', c2),
      pod('elsewhere', 'other-node', 'x', fixtureContainerId(3)),
    );

    const agentPort = await freePort();
    agent = await spawnPowerplane(
      [
        'agent',
        '--web.listen-address',
        `127.0.0.1:${agentPort}`,
        '--host.procfs',
        fx.root,
        '--host.sysfs',
        sysfs,
        '--meter',
        'rapl',
        '--monitor.interval',
        '1s',
        '--kube.node-name',
        'test-node',
        '--kube.enable',
        '--kube.pod-informer.mode',
        'apiserver',
        '--kube.config',
        api.kubeconfigPath,
        '--log.format',
        'json',
        '--gpu.enable',
        'false',
        '--platform.acpi',
        'false',
      ],
      { ready: /agent listening on/, timeoutMs: 60_000 },
    );

    prom = await startPrometheus({ scrapeTargets: [`127.0.0.1:${agentPort}`], jobName: 'powerplane', readyTimeoutMs: 30_000 });
    // Wait until Prometheus holds 8 scrapes of a pod's series.
    for (let i = 0; ; i++) {
      const n = await query(prom, 'count_over_time(kepler_pod_cpu_joules_total{zone="package",pod_name="db-0"}[1m])');
      if ((n ?? 0) >= 8) break;
      assert.ok(i < 600, 'prometheus scraped the agent');
      await new Promise((r) => setTimeout(r, 100));
    }
    const up = await query(prom, 'up{job="powerplane"}');
    assert.equal(up, 1);
    const pods = await query(prom, 'sum(rate(kepler_pod_cpu_joules_total{zone="package"}[6s]))');
    const containers = await query(prom, 'sum(rate(kepler_container_cpu_joules_total{zone="package"}[6s]))');
    const nodeActive = await query(prom, 'sum(rate(kepler_node_cpu_active_joules_total{zone="package"}[6s]))');
    assert.ok(pods !== undefined && containers !== undefined && nodeActive !== undefined);
    assert.ok(nodeActive > 5 && nodeActive < 15, `node active package power ≈ 10 W, got ${nodeActive}`);
    assert.ok(Math.abs(pods - nodeActive) / nodeActive < 0.01, `Σ pods ${pods} W tracks node active ${nodeActive} W`);
    assert.ok(Math.abs(containers - nodeActive) / nodeActive < 0.01, `Σ containers ${containers} W tracks node active ${nodeActive} W`);
    const labelled = await query(
      prom,
      `count(kepler_container_cpu_joules_total{container_id="${c1}",pod_name="web-0",pod_namespace="shop",container_name="web",zone="package"})`,
    );
    assert.equal(labelled, 1, 'container series carry pod_name and pod_namespace');
    assert.equal(await query(prom, 'count(kepler_pod_cpu_joules_total{pod_name="elsewhere"})'), undefined, 'pods of other nodes are not watched');
    const ratio = await query(
      prom,
      'sum(rate(kepler_container_cpu_joules_total{container_id="' +
        c1 +
        '",zone="package"}[6s])) / sum(rate(kepler_container_cpu_joules_total{zone="package"}[6s]))',
    );
    assert.ok(ratio !== undefined && Math.abs(ratio - 0.6) < 0.02, `container 1 has 60% of the CPU time, got ${ratio}`);
    const source = await query(prom, 'powerplane_node_power_source_info{meter="rapl",estimated="false",node_name="test-node"}');
    assert.equal(source, 1);
    // with --kube.enable the agent publishes its PowerNode status for the operator
    const powerNode = api.store.get('powerplane.io/v1alpha1', 'PowerNode', 'test-node') as
      | { status?: { meter?: string; source?: string } }
      | undefined;
    assert.equal(powerNode?.status?.meter, 'rapl');
    assert.equal(powerNode?.status?.source, 'measured');
  } finally {
    if (timer) clearInterval(timer);
    await Promise.all([agent?.stop(), prom?.stop()]);
    await api?.stop();
    fx.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
