// Integration: a real Prometheus (Debian package) scrapes `powerplane agent` running on fixture procfs
// and powercap trees, with pods from a (fake, in-process) API server watched in `apiserver` mode;
// PromQL proves that Σ pod (and Σ container) energy rates track node active power.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcfsFixture, containerCgroup, fixtureContainerId } from '../../src/agent/procfs/fixtures.js';
import { buildPowercapTree, setZoneEnergy } from '../../src/agent/meters/fixtures.js';
import { REPO_ROOT } from '../helpers/shared-data.js';
import { startFakeApiServer, type FakeApiServer } from '../fake-apiserver/index.js';
import { buildCrds } from '../../src/operator/api/crds.js';

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

function waitForOutput(child: ChildProcess, re: RegExp, what: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start: ${seen.slice(-2000)}`)), timeoutMs);
    const on = (b: Buffer) => {
      seen += b.toString();
      if (re.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', on);
    child.stderr?.on('data', on);
    child.on('exit', (code) => reject(new Error(`${what} exited with ${code}: ${seen.slice(-2000)}`)));
  });
}

async function query(promUrl: string, q: string): Promise<number | undefined> {
  const r = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(q)}`);
  const body = (await r.json()) as { status: string; data: { result: Array<{ value: [number, string] }> } };
  assert.equal(body.status, 'success', q);
  const v = body.data.result[0]?.value[1];
  return v === undefined ? undefined : Number(v);
}

test('Prometheus: sum(rate(kepler_pod_cpu_joules_total)) tracks node active power', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pp-prom-'));
  const fx = new ProcfsFixture(join(dir, 'proc'));
  const sysfs = join(dir, 'sys');
  const children: ChildProcess[] = [];
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
      apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop' },
      spec: { nodeName: node, containers: [{ name: container, image: 'x', resources: { requests: { cpu: '100m' } } }] },
      status: { phase: 'Running', containerStatuses: [{ name: container, containerID: `containerd://${id}` }] },
    });
    api.store.seed(...(buildCrds() as unknown as Parameters<FakeApiServer['store']['seed']>));
    api.store.seed({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'test-node' } });
    api.store.seed(pod('web-0', 'test-node', 'web', c1), pod('db-0', 'test-node', 'db', c2), pod('elsewhere', 'other-node', 'x', fixtureContainerId(3)));

    const agentPort = await freePort();
    const agent = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'agent', '--web.listen-address', `127.0.0.1:${agentPort}`, '--host.procfs', fx.root, '--host.sysfs', sysfs, '--meter', 'rapl', '--monitor.interval', '1s', '--kube.node-name', 'test-node', '--kube.enable', '--kube.pod-informer.mode', 'apiserver', '--kube.config', api.kubeconfigPath, '--log.format', 'json', '--gpu.enable', 'false', '--platform.acpi', 'false'],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(agent);
    await waitForOutput(agent, /agent listening on/, 'powerplane agent', 60_000);

    const promPort = await freePort();
    const config = join(dir, 'prometheus.yml');
    writeFileSync(config, `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: powerplane\n    static_configs:\n      - targets: ['127.0.0.1:${agentPort}']\n`);
    const prom = spawn('/usr/bin/prometheus', [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${promPort}`, '--log.level=warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(prom);
    const promUrl = `http://127.0.0.1:${promPort}`;
    for (let i = 0; ; i++) {
      const ready = await fetch(`${promUrl}/-/ready`).then((r) => r.ok, () => false);
      if (ready) break;
      assert.ok(i < 300, 'prometheus became ready');
      await new Promise((r) => setTimeout(r, 100));
    }
    // Wait until Prometheus holds 8 scrapes of a pod's series.
    for (let i = 0; ; i++) {
      const n = await query(promUrl, 'count_over_time(kepler_pod_cpu_joules_total{zone="package",pod_name="db-0"}[1m])');
      if ((n ?? 0) >= 8) break;
      assert.ok(i < 600, 'prometheus scraped the agent');
      await new Promise((r) => setTimeout(r, 100));
    }
    const up = await query(promUrl, 'up{job="powerplane"}');
    assert.equal(up, 1);
    const pods = await query(promUrl, 'sum(rate(kepler_pod_cpu_joules_total{zone="package"}[6s]))');
    const containers = await query(promUrl, 'sum(rate(kepler_container_cpu_joules_total{zone="package"}[6s]))');
    const nodeActive = await query(promUrl, 'sum(rate(kepler_node_cpu_active_joules_total{zone="package"}[6s]))');
    assert.ok(pods !== undefined && containers !== undefined && nodeActive !== undefined);
    assert.ok(nodeActive > 5 && nodeActive < 15, `node active package power ≈ 10 W, got ${nodeActive}`);
    assert.ok(Math.abs(pods - nodeActive) / nodeActive < 0.01, `Σ pods ${pods} W tracks node active ${nodeActive} W`);
    assert.ok(Math.abs(containers - nodeActive) / nodeActive < 0.01, `Σ containers ${containers} W tracks node active ${nodeActive} W`);
    const labelled = await query(promUrl, `count(kepler_container_cpu_joules_total{container_id="${c1}",pod_name="web-0",pod_namespace="shop",container_name="web",zone="package"})`);
    assert.equal(labelled, 1, 'container series carry pod_name and pod_namespace');
    assert.equal(await query(promUrl, 'count(kepler_pod_cpu_joules_total{pod_name="elsewhere"})'), undefined, 'pods of other nodes are not watched');
    const ratio = await query(promUrl, 'sum(rate(kepler_container_cpu_joules_total{container_id="' + c1 + '",zone="package"}[6s])) / sum(rate(kepler_container_cpu_joules_total{zone="package"}[6s]))');
    assert.ok(ratio !== undefined && Math.abs(ratio - 0.6) < 0.02, `container 1 has 60% of the CPU time, got ${ratio}`);
    const source = await query(promUrl, 'powerplane_node_power_source_info{meter="rapl",estimated="false",node_name="test-node"}');
    assert.equal(source, 1);
    // with --kube.enable the agent publishes its PowerNode status for the operator
    const powerNode = api.store.get('powerplane.io/v1alpha1', 'PowerNode', 'test-node') as { status?: { meter?: string; source?: string } } | undefined;
    assert.equal(powerNode?.status?.meter, 'rapl');
    assert.equal(powerNode?.status?.source, 'measured');
  } finally {
    if (timer) clearInterval(timer);
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
    await api?.stop();
    fx.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
