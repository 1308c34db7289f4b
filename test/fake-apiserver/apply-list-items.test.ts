import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { KubeClient, KubeObject } from '../../src/kube/index.js';
import type { FakeApiServer } from './index.js';
import { startFakeKube } from '../helpers/kube.js';

type Port = { name?: string; containerPort: number; protocol?: string; hostPort?: number };
type Container = { name: string; image: string; ports?: Port[]; env?: Array<{ name: string; value: string }> };
type DaemonSet = KubeObject & { spec: { template: { spec: { containers: Container[] } } } };

const DS = { apiVersion: 'apps/v1', kind: 'DaemonSet' } as const;

/** A DaemonSet as an operator applies it: one container with one named port. */
function daemonSet(name: string, containers: Container[]): DaemonSet {
  return {
    ...DS,
    metadata: { name, namespace: 'default' },
    spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers } } },
  } as DaemonSet;
}

const agent = (port: number, extra: Partial<Container> = {}): Container => ({
  name: 'agent',
  image: 'a:1',
  ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }],
  ...extra,
});

/** The fieldsV1 of one manager's entry, as JSON text (to search for keys). */
function fieldsOf(obj: KubeObject, manager: string): string {
  const entry = obj.metadata.managedFields?.find((e) => e.manager === manager);
  return JSON.stringify(entry?.fieldsV1 ?? {});
}

describe('fake API server: server-side apply of associative list items (KubeClient)', () => {
  let api: FakeApiServer;
  let kube: KubeClient;
  before(async () => {
    ({ api, kube } = await startFakeKube());
  });
  after(() => api.stop());

  const containersOf = (o: DaemonSet) => o.spec.template.spec.containers;

  test('a changed containerPort replaces the whole port entry; the old key leaves managedFields; a repeat writes nothing', async () => {
    await kube.apply(daemonSet('port', [agent(28282)]), { fieldManager: 'op' });
    const changed = await kube.apply(daemonSet('port', [agent(28283)]), { fieldManager: 'op' });
    assert.deepEqual(containersOf(changed)[0].ports, [{ name: 'http', containerPort: 28283, protocol: 'TCP' }]);
    const mf = fieldsOf(changed, 'op');
    assert.doesNotMatch(mf, /28282/, 'the old key is no longer owned');
    assert.match(mf, /k:\{\\"containerPort\\":28283,\\"protocol\\":\\"TCP\\"\}/);
    assert.deepEqual(
      changed.metadata.managedFields?.map((e) => e.manager),
      ['op'],
    );

    const changes = api.writes.changes;
    const again = await kube.apply(daemonSet('port', [agent(28283)]), { fieldManager: 'op' });
    assert.equal(again.metadata.resourceVersion, changed.metadata.resourceVersion);
    assert.equal(api.writes.changes, changes, 'the identical apply wrote nothing');
  });

  test('a port applied without protocol is the same entry as TCP (the key default), and changing it replaces it', async () => {
    const noProtocol = (port: number): Container => ({ name: 'agent', image: 'a:1', ports: [{ name: 'http', containerPort: port }] });
    await kube.apply(daemonSet('implicit', [noProtocol(8080)]), { fieldManager: 'op' });
    const explicit = await kube.apply(daemonSet('implicit', [agent(8080)]), { fieldManager: 'op' });
    assert.deepEqual(containersOf(explicit)[0].ports, [{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    assert.match(fieldsOf(explicit, 'op'), /k:\{\\"containerPort\\":8080,\\"protocol\\":\\"TCP\\"\}/);
    const changed = await kube.apply(daemonSet('implicit', [noProtocol(9090)]), { fieldManager: 'op' });
    assert.deepEqual(containersOf(changed)[0].ports, [{ name: 'http', containerPort: 9090 }]);
    assert.doesNotMatch(fieldsOf(changed, 'op'), /8080/);
  });

  test('other associative lists: containers by name, env by name, volumeMounts by mountPath are replaced whole', async () => {
    const c = (name: string, env: string, mount: string): Container & { volumeMounts: unknown[] } => ({
      name,
      image: 'i:1',
      env: [{ name: env, value: 'v' }],
      volumeMounts: [{ name: 'data', mountPath: mount }],
    });
    await kube.apply(daemonSet('lists', [c('one', 'A', '/a'), c('two', 'X', '/x')]), { fieldManager: 'op' });
    const changed = await kube.apply(daemonSet('lists', [c('one', 'B', '/b')]), { fieldManager: 'op' });
    assert.deepEqual(containersOf(changed), [
      { name: 'one', image: 'i:1', env: [{ name: 'B', value: 'v' }], volumeMounts: [{ name: 'data', mountPath: '/b' }] },
    ]);
    assert.doesNotMatch(fieldsOf(changed, 'op'), /\\"two\\"|\\"A\\"|\/a/);
  });

  test('a list emptied by the apply is removed, as the real server drops it', async () => {
    await kube.apply(daemonSet('emptied', [agent(7000)]), { fieldManager: 'op' });
    const changed = await kube.apply(daemonSet('emptied', [{ name: 'agent', image: 'a:1' }]), { fieldManager: 'op' });
    assert.deepEqual(containersOf(changed), [{ name: 'agent', image: 'a:1' }]);
  });

  test('another applier shares the old entry: only the fields the first manager alone owned go', async () => {
    await kube.apply(daemonSet('shared', [agent(28282)]), { fieldManager: 'op' });
    await kube.apply(daemonSet('shared', [{ name: 'agent', image: 'a:1', ports: [{ containerPort: 28282, protocol: 'TCP', hostPort: 28282 }] }]), {
      fieldManager: 'mesh',
    });
    const changed = await kube.apply(daemonSet('shared', [agent(28283)]), { fieldManager: 'op' });
    assert.deepEqual(containersOf(changed)[0].ports, [
      { containerPort: 28282, protocol: 'TCP', hostPort: 28282 },
      { name: 'http', containerPort: 28283, protocol: 'TCP' },
    ]);
    assert.doesNotMatch(fieldsOf(changed, 'op'), /28282/);
    assert.match(fieldsOf(changed, 'mesh'), /28282/);
    const rv = changed.metadata.resourceVersion;
    assert.equal((await kube.apply(daemonSet('shared', [agent(28283)]), { fieldManager: 'op' })).metadata.resourceVersion, rv);
  });

  test('an Update owns one field inside the old entry: the entry stays with its key and that field', async () => {
    await kube.apply(daemonSet('patched', [agent(28282)]), { fieldManager: 'op' });
    await kube.jsonPatch(
      DS,
      'patched',
      'default',
      [{ op: 'add', path: '/spec/template/spec/containers/0/ports/0/hostPort', value: 28282 }],
      'kubectl-edit',
    );
    const changed = await kube.apply(daemonSet('patched', [agent(28283)]), { fieldManager: 'op' });
    assert.deepEqual(containersOf(changed)[0].ports, [
      { containerPort: 28282, protocol: 'TCP', hostPort: 28282 },
      { name: 'http', containerPort: 28283, protocol: 'TCP' },
    ]);
    assert.doesNotMatch(fieldsOf(changed, 'op'), /28282/);
    assert.match(fieldsOf(changed, 'kubectl-edit'), /28282.*f:hostPort/);
  });
});
