/**
 * End-to-end check of the power-aware secondary scheduler on a real cluster, opt-in: set
 * POWERPLANE_E2E_KUBECONFIG to a disposable cluster's kubeconfig (at least one schedulable node whose
 * kubelet runs pods), and POWERPLANE_E2E_ESTIMATOR_URL to a URL the cluster's pods can reach this
 * machine at, with POWERPLANE_E2E_ESTIMATOR_LISTEN the local host:port behind it (e.g. kind:
 * http://172.18.0.1:5656 and 0.0.0.0:5656). The suite runs `powerplane estimator` here over the
 * cluster's real node names with Fake predictors that make every node cost more than the previous one,
 * applies the scheduler exactly as `render --scheduler` makes it (kube-scheduler at the cluster's
 * version), creates a pod with `schedulerName: powerplane-scheduler`, and checks it is bound to the
 * node with the lowest predicted increase.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeClient } from '../../src/kube/client.js';
import { loadKubeConfig } from '../../src/kube/kubeconfig.js';
import type { KubeObject } from '../../src/kube/types.js';
import { buildScheduler, buildSchedulerClusterRole, kubeSchedulerImage, SCHEDULER_NAME } from '../../src/operator/components/scheduler.js';
import { spawnPowerplane, type PowerplaneProcess } from '../helpers/cli.js';
import { until as pollUntil } from './until.js';

const KUBECONFIG = process.env.POWERPLANE_E2E_KUBECONFIG;
const ESTIMATOR_URL = process.env.POWERPLANE_E2E_ESTIMATOR_URL;
const SKIP = !KUBECONFIG
  ? 'POWERPLANE_E2E_KUBECONFIG is not set: the real-cluster scheduler check is skipped'
  : !ESTIMATOR_URL
    ? 'POWERPLANE_E2E_ESTIMATOR_URL is not set: the cluster cannot reach an estimator; the scheduler check is skipped'
    : false;
const NS = `pp-e2e-sched-${Math.random().toString(36).slice(2, 8)}`;
const FM = { fieldManager: 'powerplane-e2e', force: true };

const until = <T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 120_000): Promise<T> => pollUntil(what, fn, timeoutMs, 500);

describe('powerplane-scheduler on a real cluster (e2e)', { skip: SKIP }, () => {
  let kube: KubeClient;
  let estimator: PowerplaneProcess | undefined;
  let objects: KubeObject[] = [];
  let cheapest = '';
  const dir = mkdtempSync(join(tmpdir(), 'pp-e2e-sched-'));

  before(async () => {
    kube = new KubeClient({ kubeConfig: loadKubeConfig({ kubeconfig: KUBECONFIG }).kubeConfig });
    const nodes = (await kube.list({ apiVersion: 'v1', kind: 'Node' })).items.filter(
      (n) =>
        !(n.spec as { unschedulable?: boolean } | undefined)?.unschedulable &&
        !((n.spec as { taints?: { effect: string }[] } | undefined)?.taints ?? []).some((t) => t.effect === 'NoSchedule'),
    );
    assert.ok(nodes.length > 0, 'the cluster has a schedulable node');
    // node i costs 10·(i+1) W per core: the first in name order adds the fewest watts
    const names = nodes.map((n) => n.metadata.name!).sort();
    cheapest = names[0];
    const file = join(dir, 'estimator.yaml');
    const spec = { defaultNodeConfig: { powerConsumptionPredictor: { type: 'Fake' } } };
    writeFileSync(
      file,
      JSON.stringify({
        estimators: [{ namespace: 'default', name: 'default', spec }],
        nodes: names.map((name, i) => ({
          name,
          labels: { 'waofed.bitmedia.co.jp/fakepcp.basewatts': '100', 'waofed.bitmedia.co.jp/fakepcp.wpc': String(10 * (i + 1)) },
        })),
      }),
    );
    estimator = await spawnPowerplane([
      'estimator',
      '--config',
      file,
      '--web.listen-address',
      process.env.POWERPLANE_E2E_ESTIMATOR_LISTEN ?? '0.0.0.0:5656',
    ]);
    const version = await kube.transport.request<{ gitVersion: string }>({ method: 'GET', path: '/version' });
    await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }, FM);
    objects = [
      buildSchedulerClusterRole(),
      ...buildScheduler({ namespace: NS, image: kubeSchedulerImage(version.gitVersion), estimatorUrl: ESTIMATOR_URL as string, policy: 'watts' }),
    ];
    for (const o of objects) await kube.apply(o, FM);
    await until(
      'the scheduler Deployment to be ready',
      async () =>
        ((await kube.get({ apiVersion: 'apps/v1', kind: 'Deployment' }, SCHEDULER_NAME, NS)).status as { readyReplicas?: number } | undefined)
          ?.readyReplicas === 1,
      300_000,
    );
  });

  after(async () => {
    for (const o of [...objects].reverse()) await kube?.deleteIfExists(o, o.metadata.name!, o.metadata.namespace).catch(() => undefined);
    await kube?.deleteIfExists({ apiVersion: 'v1', kind: 'Namespace' }, NS).catch(() => undefined);
    await estimator?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a pod with schedulerName powerplane-scheduler is bound to the node with the lowest predicted increase', async () => {
    await kube.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'power-aware', namespace: NS },
      spec: {
        schedulerName: SCHEDULER_NAME,
        containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.9', resources: { requests: { cpu: '100m' } } }],
      },
    } as KubeObject);
    const node = await until(
      'the pod to be bound',
      async () => ((await kube.get({ apiVersion: 'v1', kind: 'Pod' }, 'power-aware', NS)).spec as { nodeName?: string }).nodeName,
    );
    assert.equal(node, cheapest);
  });
});
