import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { parseNodeSettings, buildNodeSettingsObjects, NODE_SETTINGS_ROLE } from './node-settings.js';
import { nodeSettingsSecretName } from '../../api/v1alpha1/powermonitor.js';

const KEPLER_FILE = `
nodes:
  node-a: bmc-a
  node-b: bmc-b
  node-c: bmc-c
bmcs:
  bmc-a: {endpoint: "https://10.0.0.11", username: admin, password: pass-a, insecure: true}
  bmc-b: {endpoint: "https://10.0.0.12", username: root, password: pass-b}
  bmc-c: {ipmiExporterUrl: "http://ipmi-exporter:9290/ipmi?target=10.0.0.13"}
`;

test("Kepler's Redfish BMC file gives each node its own BMC: endpoint, user, TLS choice and password", () => {
  const { nodes, problems } = parseNodeSettings(KEPLER_FILE);
  assert.deepEqual(problems, []);
  assert.deepEqual(nodes.get('node-a'), {
    config: { platform: { redfish: { endpoint: 'https://10.0.0.11', username: 'admin', insecureSkipVerify: true } } },
    redfishPassword: 'pass-a',
  });
  assert.deepEqual(nodes.get('node-b'), {
    config: { platform: { redfish: { endpoint: 'https://10.0.0.12', username: 'root' } } },
    redfishPassword: 'pass-b',
  });
  assert.deepEqual(nodes.get('node-c'), { config: { platform: { ipmi: { exporterUrl: 'http://ipmi-exporter:9290/ipmi?target=10.0.0.13' } } } });
});

test('mistakes are named by field, and with any mistake no node gets anything', () => {
  const cases: Array<[string, string]> = [
    ['nodes: {node-a: bmc-x}\nbmcs: {bmc-a: {endpoint: "https://a"}}', 'nodes.node-a'],
    ['nodes: {node-a: bmc-a}\nbmcs: {bmc-a: {endpoint: "ftp://a"}}', 'bmcs.bmc-a.endpoint'],
    ['nodes: {node-a: bmc-a}\nbmcs: {bmc-a: {endpoint: "http://10.1.1.1", username: u, password: p}}', 'bmcs.bmc-a.endpoint'],
    ['nodes: {node-a: bmc-a}\nbmcs: {bmc-a: {endpoint: "https://a", username: u}}', 'bmcs.bmc-a.password'],
    ['nodes: {node-a: bmc-a}\nbmcs: {bmc-a: {endpoint: "https://a", passwd: x}}', 'bmcs.bmc-a.passwd'],
    ['nodes: {node-a: bmc-a}\nbmcs: {bmc-a: {username: u, password: p}}', 'bmcs.bmc-a'],
    ['nodes: {Node_A: bmc-a}\nbmcs: {bmc-a: {endpoint: "https://a"}}', 'nodes.Node_A'],
    ['nodes: [a]\n', 'nodes'],
    ['nodes: {a: b\n', 'line 2'],
    ['redfish: {}\n', 'redfish'],
  ];
  for (const [text, field] of cases) {
    const { nodes, problems } = parseNodeSettings(text);
    assert.ok(
      problems.some((p) => p.field === field),
      `${JSON.stringify(text)}: ${JSON.stringify(problems)}`,
    );
    assert.equal(nodes.size, 0);
  }
});

test("one Secret per node holds that node's entry only; the agent's Role may get exactly those Secrets", () => {
  const { nodes } = parseNodeSettings(KEPLER_FILE);
  const objects = buildNodeSettingsObjects(nodes, { namespace: 'powerplane-system', agentNamespace: 'powerplane' });
  const secrets = objects.filter((o) => o.kind === 'Secret');
  assert.deepEqual(
    secrets.map((s) => s.metadata.name),
    ['powerplane-node-node-a', 'powerplane-node-node-b', 'powerplane-node-node-c'],
  );
  const text = (name: string) =>
    JSON.stringify(
      Object.values(secrets.find((s) => s.metadata.name === name)!.data as Record<string, string>).map((v) => Buffer.from(v, 'base64').toString()),
    );
  assert.match(text('powerplane-node-node-a'), /pass-a/);
  assert.doesNotMatch(text('powerplane-node-node-a'), /pass-b|10\.0\.0\.12|10\.0\.0\.13/);
  assert.doesNotMatch(text('powerplane-node-node-b'), /pass-a|10\.0\.0\.11/);
  const a = secrets[0].data as Record<string, string>;
  assert.deepEqual(parse(Buffer.from(a['config.yaml'], 'base64').toString()), {
    platform: { redfish: { endpoint: 'https://10.0.0.11', username: 'admin', insecureSkipVerify: true } },
  });
  const role = objects.find((o) => o.kind === 'Role')!;
  assert.equal(role.metadata.name, NODE_SETTINGS_ROLE);
  assert.deepEqual(role.rules, [
    {
      apiGroups: [''],
      resources: ['secrets'],
      verbs: ['get'],
      resourceNames: ['powerplane-node-node-a', 'powerplane-node-node-b', 'powerplane-node-node-c'],
    },
  ]);
  const binding = objects.find((o) => o.kind === 'RoleBinding')!;
  assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'powerplane-agent', namespace: 'powerplane' }]);
  assert.deepEqual(buildNodeSettingsObjects(new Map(), { namespace: 'x', agentNamespace: 'y' }), []);
});

test('a node name too long for the Secret name is hashed', () => {
  const long = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(60)}`;
  const name = nodeSettingsSecretName(long);
  assert.match(name, /^powerplane-node-[0-9a-f]{16}$/);
  assert.equal(nodeSettingsSecretName('worker-1'), 'powerplane-node-worker-1');
});
