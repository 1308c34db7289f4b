/**
 * Operator benchmark: on the fake API server (in a child process, so its store does not count
 * toward the operator's memory) with 1,000 nodes, 1,000 PowerNodes and 20,000 pods present, time
 * to reconcile a new PowerMonitor (create → everything applied and status written), write requests
 * of that reconcile, write requests of a second reconcile of the unchanged object (must be 0), and
 * the operator process's RSS and heap. Sizes: POWERPLANE_BENCH_NODES, POWERPLANE_BENCH_PODS.
 */
import { fork } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { machineInfo } from './lib/machine.js';
import { KubeClient } from '../src/kube/client.js';
import { loadKubeConfig } from '../src/kube/kubeconfig.js';
import { silentLogger } from '../src/core/logger.js';
import { OperatorManager } from '../src/operator/controller/manager.js';
import type { KubeObject } from '../src/kube/types.js';

const NODES = Number(process.env.POWERPLANE_BENCH_NODES ?? 1000);
const PODS = Number(process.env.POWERPLANE_BENCH_PODS ?? 20000);
const root = resolve(fileURLToPath(import.meta.url), '..', '..');

const serverScript = `
import { startFakeApiServer } from ${JSON.stringify(join(root, 'test/fake-apiserver/index.ts'))};
import { buildCrds } from ${JSON.stringify(join(root, 'src/operator/api/crds.ts'))};
const nodes = ${NODES}, pods = ${PODS};
const api = await startFakeApiServer({ eventLogSize: 50000 });
api.store.seed(...buildCrds());
const batch = [];
for (let i = 0; i < nodes; i++) {
  const name = 'node-' + String(i).padStart(4, '0');
  batch.push({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/os': 'linux', 'kubernetes.io/hostname': name } }, status: { capacity: { cpu: '64', memory: '256Gi' }, allocatable: { cpu: '63', memory: '250Gi' }, addresses: [{ type: 'InternalIP', address: '10.0.' + (i >> 8) + '.' + (i & 255) }] } });
  batch.push({ apiVersion: 'powerplane.io/v1alpha1', kind: 'PowerNode', metadata: { name }, status: { nodeName: name, meter: i % 3 ? 'rapl' : 'model', source: i % 3 ? 'measured' : 'estimated', zones: ['package', 'dram'], watts: 150 + (i % 50), agentVersion: '0.1.0', lastUpdate: '2026-01-01T00:00:00Z', capabilities: { meters: [{ name: 'rapl', available: i % 3 !== 0 }], platform: false, gpus: 0, metricLevels: ['node', 'pod'] }, metrics: { rapl: i % 3 ? 'enabled' : 'unavailable', gpu: 'disabled' } } });
}
for (let ns = 0; ns < 100; ns++) batch.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app-' + ns } });
for (let i = 0; i < pods; i++) {
  batch.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pod-' + i, namespace: 'app-' + (i % 100), labels: { app: 'app-' + (i % 500), 'pod-template-hash': 'abc' + (i % 7) } },
    spec: { nodeName: 'node-' + String(i % nodes).padStart(4, '0'), containers: [{ name: 'main', image: 'registry.example.org/app:' + (i % 20), resources: { requests: { cpu: '250m', memory: '256Mi' } } }] },
    status: { phase: 'Running', podIP: '10.1.' + ((i >> 8) & 255) + '.' + (i & 255) } });
}
for (let i = 0; i < batch.length; i += 1000) api.store.seed(...batch.slice(i, i + 1000));
process.on('message', (m) => {
  if (m === 'writes') process.send({ total: api.writes.total(), requests: api.writes.requests, changes: api.writes.changes });
  if (m === 'reset') { api.writes.reset(); process.send('ok'); }
  if (m === 'stop') api.stop().then(() => process.exit(0));
});
process.send({ kubeconfigPath: api.kubeconfigPath, objects: api.store.size(), rss: process.memoryUsage().rss });
`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pp-bench-op-'));
  const script = join(dir, 'server.mts');
  writeFileSync(script, serverScript);
  const child = fork(script, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const next = <T>() => new Promise<T>((r) => child.once('message', (m) => r(m as T)));
  const ready = await next<{ kubeconfigPath: string; objects: number; rss: number }>();
  const ask = async <T>(m: string) => {
    const p = next<T>();
    child.send(m);
    return p;
  };
  try {
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const kube = new KubeClient({ kubeConfig: loadKubeConfig({ kubeconfig: ready.kubeconfigPath }).kubeConfig });
    const manager = new OperatorManager({
      kube,
      log: silentLogger(),
      namespace: 'powerplane-system',
      image: 'example.org/powerplane:bench',
      dashboards: [],
      leaderElect: false,
    });
    const t0 = performance.now();
    await manager.start();
    const cacheSyncMs = performance.now() - t0;
    const settle = async () => {
      for (let i = 0; i < 4; i++) {
        await manager.idle();
        await new Promise((r) => setTimeout(r, 50));
      }
      await manager.idle();
    };
    await settle();
    await ask('reset');
    const t1 = performance.now();
    await kube.create({
      apiVersion: 'powerplane.io/v1alpha1',
      kind: 'PowerMonitor',
      metadata: { name: 'powerplane' },
      spec: { modelServer: { enabled: true }, estimator: { enabled: true } },
    });
    // Reconciled: status written with Reconciled=True for the current generation.
    for (;;) {
      const pm = await kube.get<KubeObject>({ apiVersion: 'powerplane.io/v1alpha1', kind: 'PowerMonitor' }, 'powerplane');
      const c = (
        (pm.status as { conditions?: Array<{ type: string; status: string; observedGeneration?: number }> } | undefined)?.conditions ?? []
      ).find((x) => x.type === 'Reconciled');
      if (c?.status === 'True' && c.observedGeneration === pm.metadata.generation) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const reconcileMs = performance.now() - t1;
    await settle();
    const first = await ask<{ total: number; requests: Record<string, number>; changes: number }>('writes');
    await ask('reset');
    const t2 = performance.now();
    await manager.powerMonitors.reconcile('powerplane');
    const secondReconcileMs = performance.now() - t2;
    manager.enqueue();
    await settle();
    const second = await ask<{ total: number; requests: Record<string, number> }>('writes');
    const secondStats = { ...manager.powerMonitors.lastStats };
    global.gc?.();
    const mem = process.memoryUsage();
    const pm = await kube.get<KubeObject>({ apiVersion: 'powerplane.io/v1alpha1', kind: 'PowerMonitor' }, 'powerplane');
    await manager.stop();
    process.stdout.write(
      JSON.stringify({
        bench: 'operator',
        inputs: {
          nodes: NODES,
          powerNodes: NODES,
          pods: PODS,
          objectsInApiServer: ready.objects,
          powerMonitorSpec: 'agent + model server + estimator, no Prometheus Operator CRDs',
        },
        figures: {
          cacheSyncMs: Math.round(cacheSyncMs),
          reconcileNewPowerMonitorMs: Math.round(reconcileMs),
          // The benchmark's own create of the PowerMonitor is not counted; the operator's creates are Events.
          writesFirstReconcile: first.total - 1,
          writesFirstReconcileByVerb: { ...first.requests, create: first.requests.create - 1 },
          writesSecondReconcile: second.total,
          secondReconcileMs: Math.round(secondReconcileMs * 10) / 10,
          secondReconcile: secondStats,
          aggregatedNodes: (pm.status as { nodes?: unknown }).nodes,
          operatorRssMiB: Math.round((mem.rss / 2 ** 20) * 10) / 10,
          operatorRssGrowthMiB: Math.round(((mem.rss - rssBefore) / 2 ** 20) * 10) / 10,
          operatorHeapUsedMiB: Math.round((mem.heapUsed / 2 ** 20) * 10) / 10,
          apiServerRssMiB: Math.round((ready.rss / 2 ** 20) * 10) / 10,
        },
        machine: machineInfo(),
      }) + '\n',
    );
  } finally {
    child.send('stop');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
