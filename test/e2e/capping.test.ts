/**
 * End-to-end capping scenario against a real cluster, opt-in: set POWERPLANE_E2E_KUBECONFIG to a
 * kubeconfig of a disposable cluster (kind, k3d, or a bare API server). It applies the CRDs, creates a
 * Deployment (and, on an API server without controllers, its ReplicaSet and pods), serves pod power
 * series for those pods to a local real Prometheus, runs `powerplane operator --capping.prometheus-url`
 * out of cluster, and checks through the API: DryRun recommends and changes nothing, Enforce lowers
 * `spec.replicas` through the scale subresource, and deleting the policy restores it.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../helpers/shared-data.js';
import { freePort } from '../helpers/cli.js';
import { startPrometheus, type TestPrometheus } from '../helpers/prometheus.js';
import { KubeClient } from '../../src/kube/client.js';
import { loadKubeConfig } from '../../src/kube/kubeconfig.js';
import type { KubeObject } from '../../src/kube/types.js';
import type { PowerCapPolicy } from '../../src/api/v1alpha1/powercappolicy.js';
import { servePodExposition, type Served } from '../capping/fixtures.js';
import { until as pollUntil } from './until.js';

const KUBECONFIG = process.env.POWERPLANE_E2E_KUBECONFIG;
const SKIP = KUBECONFIG ? false : 'POWERPLANE_E2E_KUBECONFIG is not set: the real-cluster capping scenario is skipped';
const suffix = Math.random().toString(36).slice(2, 8);
const OPERATOR_NS = `pp-e2e-capop-${suffix}`;
const NS = `pp-e2e-cap-${suffix}`;
const PCP = { apiVersion: 'powerplane.io/v1alpha1', kind: 'PowerCapPolicy' } as const;
const DEPLOY = { apiVersion: 'apps/v1', kind: 'Deployment' } as const;

const until = <T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 90_000): Promise<T> => pollUntil(what, fn, timeoutMs, 500);

describe('capping on a real cluster (e2e)', { skip: SKIP }, () => {
  let kube: KubeClient;
  let operator: ChildProcess | undefined;
  let prom: TestPrometheus | undefined;
  let exposition: Served | undefined;
  let refresh: NodeJS.Timeout | undefined;
  let log = '';
  const replicas = async () => ((await kube.get(DEPLOY, 'cap-e2e', NS)).spec as { replicas: number }).replicas;
  const policy = () => kube.get(PCP, 'cap', NS) as Promise<PowerCapPolicy & KubeObject>;

  before(async () => {
    kube = new KubeClient({ kubeConfig: loadKubeConfig({ kubeconfig: KUBECONFIG }).kubeConfig });
    const crds = execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'render', '--crds-only'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    for (const doc of parseAllDocuments(crds)) await kube.apply(doc.toJS() as KubeObject, { fieldManager: 'powerplane-e2e', force: true });
    await until(
      'CRD established',
      async () =>
        (await kube.crdExists('powerplane.io', 'powercappolicies')) &&
        (await kube.resource(PCP).then(
          () => true,
          () => false,
        )),
    );
    for (const name of [OPERATOR_NS, NS])
      await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, { fieldManager: 'powerplane-e2e' });
    const labels = { app: 'cap-e2e' };
    const template = { metadata: { labels }, spec: { containers: [{ name: 'main', image: 'registry.k8s.io/pause:3.9' }] } };
    const dep: KubeObject = await kube.create<KubeObject>({
      ...DEPLOY,
      metadata: { name: 'cap-e2e', namespace: NS },
      spec: { replicas: 4, selector: { matchLabels: labels }, template },
    });
    // A bare API server has no controllers: make the ReplicaSet and pods the controllers would.
    await new Promise((r) => setTimeout(r, 5000));
    if ((await kube.list({ apiVersion: 'v1', kind: 'Pod' }, { namespace: NS, labelSelector: labels })).items.length === 0) {
      const rs: KubeObject = await kube.create<KubeObject>({
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: 'cap-e2e-1',
          namespace: NS,
          labels,
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'cap-e2e', uid: dep.metadata.uid!, controller: true }],
        },
        spec: { replicas: 4, selector: { matchLabels: labels }, template },
      });
      for (let i = 0; i < 4; i++)
        await kube.create({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: `cap-e2e-1-p${i}`,
            namespace: NS,
            labels,
            ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'cap-e2e-1', uid: rs.metadata.uid!, controller: true }],
          },
          spec: template.spec,
        });
    }
    // 300 W per pod of the Deployment, whatever the pods are called.
    exposition = await servePodExposition();
    const sync = async () => {
      const pods = (await kube.list({ apiVersion: 'v1', kind: 'Pod' }, { namespace: NS, labelSelector: labels })).items;
      exposition!.watts.clear();
      for (const p of pods) if (!p.metadata.deletionTimestamp) exposition!.watts.set(`${NS}/${p.metadata.name}`, 300);
    };
    await sync();
    refresh = setInterval(() => void sync().catch(() => undefined), 1000);
    prom = await startPrometheus({ scrapeTargets: [exposition.url.replace('http://', '')], scrapeIntervalS: 1 });
    await prom.waitForValue(`count(rate(kepler_pod_cpu_joules_total{pod_namespace="${NS}"}[1m]) > 0)`, 1, 90_000);
    const port = await freePort();
    operator = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'operator',
        '--kubeconfig',
        KUBECONFIG!,
        '--namespace',
        OPERATOR_NS,
        '--health.listen-address',
        `127.0.0.1:${port}`,
        '--capping.prometheus-url',
        prom.url,
        '--log.format',
        'json',
      ],
      { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    operator.stderr!.on('data', (c) => (log += c));
    await until('operator ready', async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok);
  });

  after(async () => {
    await kube?.deleteIfExists(PCP, 'cap', NS).catch(() => undefined);
    await until('policy gone', async () => (await kube.getOrUndefined(PCP, 'cap', NS)) === undefined, 60_000).catch(() => undefined);
    operator?.kill('SIGTERM');
    if (refresh) clearInterval(refresh);
    await prom?.stop();
    await exposition?.close();
    for (const ns of [NS, OPERATOR_NS]) await kube?.deleteIfExists({ apiVersion: 'v1', kind: 'Namespace' }, ns).catch(() => undefined);
    if (process.env.POWERPLANE_E2E_LOG) process.stderr.write(log);
  });

  test('DryRun: a recommendation with the measured watts, nothing changed', async () => {
    await kube.create({
      ...PCP,
      metadata: { name: 'cap', namespace: NS },
      spec: {
        targets: [{ kind: 'Deployment', name: 'cap-e2e', minReplicas: 1 }],
        budget: { watts: 700 },
        thresholds: { interval: '2s', cooldown: '10s', stabilizationWindow: '10s' },
        prometheusUrl: prom!.url,
      },
    });
    // rate() over 1m ramps up while the series are younger than the window: wait for the full four pods at 300 W.
    const p = await until(
      'recommendation at full power',
      async () => {
        const x = await policy();
        return x.status?.targets?.[0]?.recommendation && (x.status.currentWatts ?? 0) > 1000 ? x : undefined;
      },
      180_000,
    );
    assert.ok((p.status?.currentWatts ?? 0) < 1400, `four pods at 300 W: ${p.status?.currentWatts}`);
    assert.ok((p.status?.targets?.[0].recommendation?.maxReplicas ?? 99) < 4);
    assert.equal(await replicas(), 4);
  });

  test('Enforce lowers replicas through the scale subresource', async () => {
    await kube.mergePatch(PCP, 'cap', NS, { spec: { mode: 'Enforce' } });
    await until('replicas lowered', async () => (await replicas()) < 4);
    const dep = await kube.get(DEPLOY, 'cap-e2e', NS);
    assert.equal(dep.metadata.annotations?.['powerplane.io/capper-original'], '4');
    const events = (await kube.list({ apiVersion: 'v1', kind: 'Event' }, { namespace: NS })).items as Array<KubeObject & { reason: string }>;
    assert.ok(events.some((e) => e.reason === 'PowerCapLimited'));
  });

  test('deleting the policy restores the replicas', async () => {
    await kube.delete(PCP, 'cap', NS);
    await until('policy gone', async () => (await kube.getOrUndefined(PCP, 'cap', NS)) === undefined);
    assert.equal(await replicas(), 4);
    assert.equal((await kube.get(DEPLOY, 'cap-e2e', NS)).metadata.annotations?.['powerplane.io/capper-original'], undefined);
  });
});
