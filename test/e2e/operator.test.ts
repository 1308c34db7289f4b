/**
 * End-to-end operator scenarios against a real cluster, opt-in: set POWERPLANE_E2E_KUBECONFIG to a
 * kubeconfig of a disposable cluster (kind, k3d, or a bare API server: nodes and kubelets are
 * optional). The suite applies `powerplane render --crds-only` and the operator's ServiceAccount and
 * RBAC from `render`, runs `powerplane operator` out of cluster *as that ServiceAccount* (the
 * kubeconfig's user impersonates `system:serviceaccount:<ns>:powerplane-operator`, so the RBAC that
 * `render` grants is what is tested), and checks objects and statuses through the API only. With a
 * node, the agent DaemonSet must become Ready and each agent write its PowerNode: set
 * POWERPLANE_E2E_IMAGE to an image the nodes can pull (default: the operator's default image). Optional:
 * POWERPLANE_E2E_WEBHOOK_URL (an https URL the API server can reach this machine at) with
 * POWERPLANE_E2E_WEBHOOK_LISTEN (the local host:port behind it) to exercise the webhooks too.
 * The cluster must not already have a PowerMonitor named `powerplane`.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { parseAllDocuments } from 'yaml';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/shared-data.js';
import { KubeClient } from '../../src/kube/client.js';
import { buildInstallManifests, OPERATOR_NAME } from '../../src/operator/components/install.js';
import { defaultImage } from '../../src/operator/render.js';
import { loadKubeConfig } from '../../src/kube/kubeconfig.js';
import type { KubeObject } from '../../src/kube/types.js';
import { until as pollUntil } from './until.js';

const KUBECONFIG = process.env.POWERPLANE_E2E_KUBECONFIG;
const SKIP = KUBECONFIG
  ? false
  : "POWERPLANE_E2E_KUBECONFIG is not set: the real-cluster operator suite is skipped (set it to a disposable cluster's kubeconfig to run it)";
const PM = { apiVersion: 'powerplane.io/v1alpha1', kind: 'PowerMonitor' } as const;
const suffix = Math.random().toString(36).slice(2, 8);
const OPERATOR_NS = `pp-e2e-op-${suffix}`;
const OPERAND_NS = `pp-e2e-${suffix}`;

const until = <T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> => pollUntil(what, fn, timeoutMs, 250);

describe('operator on a real cluster (e2e)', { skip: SKIP }, () => {
  let kube: KubeClient;
  let operator: ChildProcess | undefined;
  let log = '';
  let rbac: KubeObject[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'pp-e2e-'));
  const image = process.env.POWERPLANE_E2E_IMAGE ?? defaultImage();

  const condition = async (name: string, type: string) => {
    const pm = await kube.get(PM, name);
    return (
      (pm.status as { conditions?: Array<{ type: string; status: string; reason: string; observedGeneration?: number }> } | undefined)?.conditions ??
      []
    ).find((c) => c.type === type);
  };

  before(async () => {
    kube = new KubeClient({ kubeConfig: loadKubeConfig({ kubeconfig: KUBECONFIG }).kubeConfig });
    assert.equal(
      await kube.getOrUndefined(PM, 'powerplane').catch(() => undefined),
      undefined,
      'the cluster already has a PowerMonitor named powerplane; use a disposable cluster',
    );
    const crds = execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'render', '--crds-only'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    for (const doc of parseAllDocuments(crds)) await kube.apply(doc.toJS() as KubeObject, { fieldManager: 'powerplane-e2e', force: true });
    await until(
      'CRDs established',
      async () =>
        (await kube.crdExists('powerplane.io', 'powermonitors')) &&
        (await kube.resource(PM).then(
          () => true,
          () => false,
        )),
    );
    await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: OPERATOR_NS } }, { fieldManager: 'powerplane-e2e' });
    // The operator's ServiceAccount, ClusterRole, Role and bindings exactly as `render` makes them.
    rbac = buildInstallManifests({ namespace: OPERATOR_NS, image }).filter(
      (o) => ['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'].includes(o.kind) && o.metadata.name === OPERATOR_NAME,
    );
    for (const o of rbac) await kube.apply(o, { fieldManager: 'powerplane-e2e', force: true });
    // The operator's kubeconfig: the same cluster and credentials, impersonating its ServiceAccount.
    const asOperator = loadKubeConfig({ kubeconfig: KUBECONFIG }).kubeConfig;
    const user = asOperator.getCurrentUser();
    assert.ok(user, 'the kubeconfig has a current user');
    asOperator.users = asOperator.users.map((u) =>
      u.name === user.name ? { ...u, impersonateUser: `system:serviceaccount:${OPERATOR_NS}:${OPERATOR_NAME}` } : u,
    );
    const operatorKubeconfig = join(dir, 'operator-kubeconfig');
    writeFileSync(operatorKubeconfig, asOperator.exportConfig(), { mode: 0o600 });
    const port = await new Promise<number>((r) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => r(p));
      });
    });
    const args = [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'operator',
      '--kubeconfig',
      operatorKubeconfig,
      '--namespace',
      OPERATOR_NS,
      '--image',
      image,
      '--health.listen-address',
      `127.0.0.1:${port}`,
      '--log.format',
      'json',
    ];
    if (process.env.POWERPLANE_E2E_WEBHOOK_URL)
      args.push(
        '--webhook-url',
        process.env.POWERPLANE_E2E_WEBHOOK_URL,
        '--webhook.listen-address',
        process.env.POWERPLANE_E2E_WEBHOOK_LISTEN ?? ':9443',
      );
    operator = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    operator.stderr!.on('data', (c) => (log += c));
    await until('operator ready', async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok);
  });

  after(async () => {
    await kube?.deleteIfExists(PM, 'powerplane').catch(() => undefined);
    await kube?.deleteIfExists(PM, 'e2e-other').catch(() => undefined);
    await until('PowerMonitor gone', async () => (await kube.getOrUndefined(PM, 'powerplane')) === undefined, 60_000).catch(() => undefined);
    operator?.kill('SIGTERM');
    for (const o of [...rbac].reverse()) await kube?.deleteIfExists(o, o.metadata.name!, o.metadata.namespace).catch(() => undefined);
    await kube?.deleteIfExists({ apiVersion: 'v1', kind: 'Namespace' }, OPERATOR_NS).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    if (process.env.POWERPLANE_E2E_LOG) process.stderr.write(log);
  });

  test('create: everything is installed and Reconciled=True for the current generation', async () => {
    await kube.create({ ...PM, metadata: { name: 'powerplane' }, spec: { namespace: OPERAND_NS } });
    await until('agent DaemonSet', () => kube.getOrUndefined({ apiVersion: 'apps/v1', kind: 'DaemonSet' }, 'powerplane-agent', OPERAND_NS));
    const c = await until('Reconciled', async () => {
      const x = await condition('powerplane', 'Reconciled');
      return x?.status === 'True' ? x : undefined;
    });
    assert.equal(c.observedGeneration, (await kube.get(PM, 'powerplane')).metadata.generation);
    assert.ok(await kube.getOrUndefined({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole' }, 'powerplane-agent'));
  });

  test('the agent DaemonSet becomes Ready on every node and each agent writes its PowerNode (no node: nothing is scheduled)', async (t) => {
    const nodes = (await kube.list({ apiVersion: 'v1', kind: 'Node' })).items;
    const ds = () =>
      kube.get({ apiVersion: 'apps/v1', kind: 'DaemonSet' }, 'powerplane-agent', OPERAND_NS) as Promise<
        KubeObject & { status?: { desiredNumberScheduled?: number; numberReady?: number } }
      >;
    if (nodes.length === 0) {
      t.diagnostic('the cluster has no node: the DaemonSet schedules no pod');
      const s = await until('DaemonSet status', async () => (await ds()).status);
      assert.equal(s.desiredNumberScheduled ?? 0, 0);
      return;
    }
    const ready = await until(
      'agent DaemonSet Ready',
      async () => {
        const s = (await ds()).status;
        return s && (s.desiredNumberScheduled ?? 0) > 0 && s.numberReady === s.desiredNumberScheduled ? s : undefined;
      },
      300_000,
    );
    t.diagnostic(`agents ready on ${ready.numberReady} nodes`);
    const pods = (
      await kube.list({ apiVersion: 'v1', kind: 'Pod' }, { namespace: OPERAND_NS, labelSelector: { 'app.kubernetes.io/component': 'agent' } })
    ).items;
    const nodeNames = [...new Set(pods.map((p) => (p.spec as { nodeName?: string }).nodeName).filter((n): n is string => Boolean(n)))];
    assert.ok(nodeNames.length > 0, 'agent pods are bound to nodes');
    for (const node of nodeNames) {
      const pn = await until(
        `PowerNode ${node}`,
        async () => {
          const o = await kube.getOrUndefined({ apiVersion: 'powerplane.io/v1alpha1', kind: 'PowerNode' }, node);
          return (o?.status as { watts?: number } | undefined)?.watts !== undefined ? o : undefined;
        },
        180_000,
      );
      assert.equal(typeof (pn.status as { watts: number }).watts, 'number');
    }
  });

  test('missing ServiceMonitor CRD: the install proceeds and the status says so', async () => {
    const has = await kube.crdExists('monitoring.coreos.com', 'servicemonitors');
    const pm = await kube.get(PM, 'powerplane');
    assert.equal((pm.status as { integrations: { serviceMonitor: string } }).integrations.serviceMonitor, has ? 'Installed' : 'CRDMissing');
  });

  test('update: export changes reach the agent ConfigMap', async () => {
    await kube.mergePatch(PM, 'powerplane', undefined, { spec: { export: { levels: ['node', 'pod'] } } });
    await until(
      'ConfigMap updated',
      async () =>
        /- pod\n/.test(
          ((await kube.get({ apiVersion: 'v1', kind: 'ConfigMap' }, 'powerplane-agent-config', OPERAND_NS)).data as Record<string, string>)[
            'config.yaml'
          ],
        ) &&
        !/- vm\n/.test(
          ((await kube.get({ apiVersion: 'v1', kind: 'ConfigMap' }, 'powerplane-agent-config', OPERAND_NS)).data as Record<string, string>)[
            'config.yaml'
          ],
        ),
    );
  });

  test('a child deleted by hand comes back', async () => {
    await kube.delete({ apiVersion: 'v1', kind: 'ConfigMap' }, 'powerplane-agent-config', OPERAND_NS);
    await until('ConfigMap back', () => kube.getOrUndefined({ apiVersion: 'v1', kind: 'ConfigMap' }, 'powerplane-agent-config', OPERAND_NS));
  });

  test('a conflicting writer is overruled', async () => {
    await kube.apply(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'powerplane-agent-config', namespace: OPERAND_NS },
        data: { 'config.yaml': 'tampered: true\n' },
      },
      { fieldManager: 'someone-else', force: true },
    );
    await until(
      'ConfigMap restored',
      async () =>
        !/tampered/.test(
          ((await kube.get({ apiVersion: 'v1', kind: 'ConfigMap' }, 'powerplane-agent-config', OPERAND_NS)).data as Record<string, string>)[
            'config.yaml'
          ],
        ),
    );
  });

  test('singleton: another PowerMonitor is rejected by the webhook or ignored with a condition', async () => {
    try {
      await kube.create({ ...PM, metadata: { name: 'e2e-other' }, spec: { namespace: `${OPERAND_NS}-other` } });
    } catch (err) {
      assert.match(String(err), /only one PowerMonitor/);
      return;
    }
    const c = await until('Ignored condition', async () => {
      const x = await condition('e2e-other', 'Reconciled');
      return x?.reason === 'Ignored' ? x : undefined;
    });
    assert.equal(c.status, 'False');
    assert.equal(await kube.getOrUndefined({ apiVersion: 'v1', kind: 'Namespace' }, `${OPERAND_NS}-other`), undefined);
  });

  test('delete: nothing the PowerMonitor made is left (terminating namespaces count as gone)', async () => {
    await kube.delete(PM, 'powerplane');
    await until('PowerMonitor gone', async () => (await kube.getOrUndefined(PM, 'powerplane')) === undefined);
    for (const [apiVersion, kind] of [
      ['apps/v1', 'DaemonSet'],
      ['v1', 'ConfigMap'],
      ['v1', 'Service'],
      ['v1', 'ServiceAccount'],
      ['rbac.authorization.k8s.io/v1', 'ClusterRole'],
      ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
      ['v1', 'Namespace'],
    ]) {
      const left = (await kube.list({ apiVersion, kind }, { labelSelector: { 'app.kubernetes.io/managed-by': 'powerplane-operator' } })).items.filter(
        (o) => !o.metadata.deletionTimestamp && (o.metadata.namespace === undefined || o.metadata.namespace === OPERAND_NS),
      );
      assert.deepEqual(
        left.map((o) => o.metadata.name),
        [],
        `${kind} left behind`,
      );
    }
  });
});
