/**
 * Per-node settings end to end on the fake API server (HTTPS): the operator splits the referenced
 * Secret into one Secret per node and a Role; each agent, authenticated as the agent ServiceAccount
 * and authorized by the Role the operator wrote (evaluated here, as the fake server does not
 * evaluate RBAC), reads its own node's Secret and nothing else.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from '../../src/kube/client.js';
import { loadNodeSettings, withNodeSettings } from '../../src/agent/node-settings.js';
import { loadConfig } from '../../src/core/config.js';
import { silentLogger } from '../../src/core/logger.js';
import type { FakeRequestInfo } from '../fake-apiserver/index.js';
import { startHarness, createPowerMonitor } from './harness.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const OPERATOR_NS = 'powerplane-system';
const AGENT_USER = 'system:serviceaccount:powerplane:powerplane-agent';
const FILE = `
nodes:
  node-a: bmc-a
  node-b: bmc-b
bmcs:
  bmc-a: {endpoint: "https://10.0.0.11", username: admin-a, password: secret-a, insecure: true}
  bmc-b: {endpoint: "https://10.0.0.12", username: admin-b, password: secret-b}
`;

test("each node's agent gets its own BMC credentials and never another node's", async () => {
  const h = await startHarness();
  const dirs: string[] = [];
  try {
    h.api.store.seed(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: OPERATOR_NS } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'powerplane', labels: { 'app.kubernetes.io/managed-by': 'powerplane-operator' } } },
    );
    await h.kube.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'bmc', namespace: 'powerplane' }, data: { 'nodes.yaml': b64(FILE) } });
    await createPowerMonitor(h.kube, 'powerplane', { agent: { nodeSettingsSecretRef: { name: 'bmc' } } });
    await h.settle();

    // RBAC as the API server would apply it to the agent: only what the operator's Role allows.
    const agentRequests: FakeRequestInfo[] = [];
    h.api.hooks.onRequest((r) => {
      if (r.user?.name !== AGENT_USER) return undefined;
      agentRequests.push(r);
      const role = h.api.store.get('rbac.authorization.k8s.io/v1', 'Role', 'powerplane-agent-node-settings', OPERATOR_NS);
      const binding = h.api.store.get('rbac.authorization.k8s.io/v1', 'RoleBinding', 'powerplane-agent-node-settings', OPERATOR_NS);
      const bound = ((binding?.subjects ?? []) as Array<{ name: string; namespace: string }>).some(
        (s) => `system:serviceaccount:${s.namespace}:${s.name}` === AGENT_USER,
      );
      const allowed =
        bound &&
        r.namespace === OPERATOR_NS &&
        ((role?.rules ?? []) as Array<{ resources: string[]; verbs: string[]; resourceNames?: string[] }>).some(
          (rule) =>
            rule.resources.includes(r.plural) &&
            rule.verbs.includes(r.verb) &&
            (!rule.resourceNames || (r.name !== undefined && rule.resourceNames.includes(r.name))),
        );
      return allowed
        ? undefined
        : { code: 403, reason: 'Forbidden', message: `${r.plural} is forbidden: User "${AGENT_USER}" cannot ${r.verb} resource "${r.plural}"` };
    });
    h.api.auth.addToken('agent-token', AGENT_USER, ['system:serviceaccounts', 'system:serviceaccounts:powerplane']);
    const kc = new KubeConfig();
    const exported = JSON.parse(h.api.kubeConfigAs('token').exportConfig());
    exported.users[0].user = { token: 'agent-token' };
    kc.loadFromString(JSON.stringify(exported));
    const agentKube = new KubeClient({ kubeConfig: kc }); // for the forbidden reads below
    const work = await mkdtemp(join(tmpdir(), 'pp-node-settings-'));
    dirs.push(work);
    const kubeconfigFile = join(work, 'kubeconfig');
    await writeFile(kubeconfigFile, JSON.stringify(exported), { mode: 0o600 });
    // the agent ConfigMap names the operator's namespace and the memory-backed directory
    const configFile = join(work, 'config.yaml');
    await writeFile(
      configFile,
      (h.api.store.get('v1', 'ConfigMap', 'powerplane-agent-config', 'powerplane')!.data as Record<string, string>)['config.yaml'],
    );
    assert.deepEqual(loadConfig({ file: configFile }).config.kube.nodeSettings, { namespace: OPERATOR_NS, dir: '/run/powerplane' });

    // each node's agent: its loaded ConfigMap (the memory directory and kubeconfig given as flags, as a test can't write /run)
    const agentOn = async (node: string) => {
      const dir = await mkdtemp(join(tmpdir(), `pp-node-${node}-`));
      dirs.push(dir);
      const loaded = loadConfig({ file: configFile, flags: { 'kube.nodeSettings.dir': dir, 'kube.config': kubeconfigFile } }).config;
      const values = await loadNodeSettings(loaded, node, silentLogger());
      return { values, dir, config: withNodeSettings(loaded, values) };
    };
    const a = await agentOn('node-a');
    assert.equal(a.config.platform.redfish.endpoint, 'https://10.0.0.11');
    assert.equal(a.config.platform.redfish.username, 'admin-a');
    assert.equal(a.config.platform.redfish.insecureSkipVerify, true);
    assert.equal(await readFile(a.config.platform.redfish.passwordFile, 'utf8'), 'secret-a');
    assert.equal((await stat(a.config.platform.redfish.passwordFile)).mode & 0o777, 0o600);
    // node A asked for its own Secret only, and nothing it received names B's BMC or password
    assert.deepEqual(
      agentRequests.map((r) => [r.verb, r.plural, r.name]),
      [['get', 'secrets', 'powerplane-node-node-a']],
    );
    assert.doesNotMatch(JSON.stringify([...a.values!]), /secret-b|10\.0\.0\.12|admin-b/);
    const b = await agentOn('node-b');
    assert.equal(b.config.platform.redfish.endpoint, 'https://10.0.0.12');
    assert.equal(await readFile(b.config.platform.redfish.passwordFile, 'utf8'), 'secret-b');
    assert.equal(b.config.platform.redfish.insecureSkipVerify, false);
    // a node without an entry keeps the config file's platform settings
    const c = await agentOn('node-c');
    assert.equal(c.values, undefined);
    assert.equal(c.config.platform.redfish.endpoint, '');
    // the agent cannot list the per-node Secrets, nor read the user's Secret holding every node
    await assert.rejects(agentKube.list({ apiVersion: 'v1', kind: 'Secret' }, { namespace: OPERATOR_NS }), /403|forbidden/i);
    await assert.rejects(agentKube.get({ apiVersion: 'v1', kind: 'Secret' }, 'bmc', 'powerplane'), /403|forbidden/i);

    // the pods roll when the node settings change; an invalid file changes nothing and says why
    const pod = () => (h.api.store.get('apps/v1', 'DaemonSet', 'powerplane-agent', 'powerplane')!.spec as any).template;
    assert.deepEqual(
      pod().spec.volumes.find((v: { name: string }) => v.name === 'node-settings'),
      { name: 'node-settings', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
    );
    const hashBefore = pod().metadata.annotations['powerplane.io/secret-hash'];
    await h.kube.mergePatch({ apiVersion: 'v1', kind: 'Secret' }, 'bmc', 'powerplane', {
      data: { 'nodes.yaml': b64('nodes: {node-a: bmc-a}\nbmcs: {bmc-a: {endpoint: "ftp://x"}}\n') },
    });
    h.manager.enqueue();
    await h.settle();
    const reconciled = () =>
      (
        (h.api.store.get('powerplane.io/v1alpha1', 'PowerMonitor', 'powerplane')!.status as any).conditions as Array<{
          type: string;
          reason: string;
          message: string;
        }>
      ).find((x) => x.type === 'Reconciled')!;
    assert.equal(reconciled().reason, 'InvalidNodeSettings');
    assert.match(
      reconciled().message,
      /spec\.agent\.nodeSettingsSecretRef: Secret powerplane\/bmc key nodes\.yaml: bmcs\.bmc-a\.endpoint: must be http or https/,
    );
    assert.ok(h.api.store.get('v1', 'Secret', 'powerplane-node-node-b', OPERATOR_NS), 'an invalid file prunes nothing');
    await h.kube.mergePatch({ apiVersion: 'v1', kind: 'Secret' }, 'bmc', 'powerplane', {
      data: { 'nodes.yaml': b64('nodes: {node-a: bmc-a}\nbmcs: {bmc-a: {endpoint: "https://10.0.0.99"}}\n') },
    });
    h.manager.enqueue();
    await h.settle();
    assert.equal(reconciled().reason, 'ReconcileSuccess');
    assert.notEqual(pod().metadata.annotations['powerplane.io/secret-hash'], hashBefore);
    assert.equal(h.api.store.get('v1', 'Secret', 'powerplane-node-node-b', OPERATOR_NS), undefined, "node-b's Secret is pruned");
    const role = h.api.store.get('rbac.authorization.k8s.io/v1', 'Role', 'powerplane-agent-node-settings', OPERATOR_NS)!;
    assert.deepEqual((role.rules as Array<{ resourceNames: string[] }>)[0].resourceNames, ['powerplane-node-node-a']);

    // deleting the PowerMonitor removes the per-node Secrets, the Role and the RoleBinding
    await h.kube.deleteIfExists({ apiVersion: 'powerplane.io/v1alpha1', kind: 'PowerMonitor' }, 'powerplane');
    await h.settle();
    for (const [kind, apiVersion, name] of [
      ['Secret', 'v1', 'powerplane-node-node-a'],
      ['Role', 'rbac.authorization.k8s.io/v1', 'powerplane-agent-node-settings'],
      ['RoleBinding', 'rbac.authorization.k8s.io/v1', 'powerplane-agent-node-settings'],
    ]) {
      assert.equal(h.api.store.get(apiVersion, kind, name, OPERATOR_NS), undefined, `${kind} ${name} is deleted`);
    }
  } finally {
    await h.stop();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  }
});
