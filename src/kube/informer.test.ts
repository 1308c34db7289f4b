import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startFakeApiServer, type FakeApiServer } from '../../test/fake-apiserver/index.js';
import { KubeClient } from './client.js';
import type { KubeError } from './errors.js';
import { Informer, backoffDelay } from './informer.js';
import type { KubeObject } from './types.js';

const CM = { apiVersion: 'v1', kind: 'ConfigMap' } as const;

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
}

test('backoff doubles and is capped', () => {
  assert.deepEqual(
    [0, 1, 2, 3, 10].map((a) => backoffDelay(a, 100, 1000)),
    [100, 200, 400, 800, 1000],
  );
});

describe('Informer on the fake API server', () => {
  let api: FakeApiServer;
  let client: KubeClient;
  before(async () => {
    api = await startFakeApiServer();
    client = new KubeClient({ kubeConfig: api.kubeConfig });
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'inf' } });
  });
  after(() => api.stop());

  test('lists, then delivers add/update/delete with selectors and namespace scope; cache follows', async () => {
    await client.create({ ...CM, metadata: { name: 'pre', namespace: 'inf', labels: { owned: 'yes' } } });
    await client.create({ ...CM, metadata: { name: 'other', namespace: 'inf' } });
    await client.create({ ...CM, metadata: { name: 'elsewhere', namespace: 'default', labels: { owned: 'yes' } } });
    const inf = new Informer(client, CM, { namespace: 'inf', labelSelector: { owned: 'yes' } });
    const seen: string[] = [];
    inf.on('add', (o) => seen.push(`add:${o.metadata.name}`));
    inf.on('update', (o, old) => seen.push(`update:${o.metadata.name}:${old.metadata.resourceVersion !== o.metadata.resourceVersion}`));
    inf.on('delete', (o) => seen.push(`delete:${o.metadata.name}`));
    await inf.start();
    assert.ok(inf.hasSynced());
    assert.deepEqual(
      inf.list().map((o) => o.metadata.name),
      ['pre'],
    );
    assert.equal(inf.get('pre', 'inf')?.kind, 'ConfigMap');
    await client.create({ ...CM, metadata: { name: 'x', namespace: 'inf', labels: { owned: 'yes' } } });
    await client.mergePatch(CM, 'x', 'inf', { data: { a: '1' } });
    await client.delete(CM, 'x', 'inf');
    await until(() => seen.includes('delete:x'), 'delete');
    assert.deepEqual(seen, ['add:pre', 'add:x', 'update:x:true', 'delete:x']);
    assert.equal(inf.get('x', 'inf'), undefined);
    await inf.stop();
  });

  test('restarts with backoff after errors (where client-node 1.4.0 informers stop)', async () => {
    let failures = 2;
    const off = api.hooks.onRequest((r) =>
      r.verb === 'watch' && r.plural === 'secrets' && failures-- > 0 ? { code: 500, reason: 'InternalError', message: 'injected' } : undefined,
    );
    const inf = new Informer<KubeObject>(client, { apiVersion: 'v1', kind: 'Secret' }, { namespace: 'inf', initialBackoffMs: 5, maxBackoffMs: 20 });
    const errors: KubeError[] = [];
    inf.on('error', (e) => errors.push(e));
    await inf.start();
    await until(() => api.hooks.openWatches() > 0 && failures < 0, 'watch after failures');
    await client.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'inf' } });
    await until(() => inf.get('s', 'inf') !== undefined, 'event after restart');
    assert.equal(errors.length, 2);
    assert.equal(errors[0].httpStatus, 500);
    off();
    await inf.stop();
  });

  test('resumes from the last resourceVersion when the stream closes; relists on 410', async () => {
    const inf = new Informer(client, CM, { namespace: 'inf', initialBackoffMs: 5 });
    let synced = 0;
    const deleted: string[] = [];
    inf.on('synced', () => synced++);
    inf.on('delete', (o) => deleted.push(o.metadata.name!));
    await inf.start();
    await until(() => api.hooks.openWatches() > 0, 'watch open');
    api.hooks.closeWatches();
    await client.create({ ...CM, metadata: { name: 'resumed', namespace: 'inf' } });
    await until(() => inf.get('resumed', 'inf') !== undefined, 'event after resume');
    assert.equal(synced, 1, 'no relist for a plain close');

    await until(() => api.hooks.openWatches() > 0, 'watch open again');
    // Keep the informer disconnected while the object goes and the event log is compacted.
    let blocked = true;
    const off = api.hooks.onRequest((r) => (blocked && r.verb === 'watch' ? { code: 503, reason: 'ServiceUnavailable' } : undefined));
    api.hooks.closeWatches();
    await client.delete(CM, 'resumed', 'inf');
    api.hooks.compact();
    blocked = false;
    off();
    await until(() => synced === 2, 'relist after 410');
    await until(() => deleted.includes('resumed'), 'delete detected by relist');
    await inf.stop();
  });

  test('periodic resync re-delivers cached objects as updates', async () => {
    const inf = new Informer(client, CM, { namespace: 'inf', resyncMs: 20 });
    let resyncs = 0;
    inf.on('update', (o, old) => {
      if (o === old) resyncs++;
    });
    await inf.start();
    await until(() => resyncs >= 2, 'two resyncs');
    await inf.stop();
  });

  test('stop before the first list resolves start() with hasSynced() false', async () => {
    const inf = new Informer(client, { apiVersion: 'example.invalid/v1', kind: 'Nothing' }, { initialBackoffMs: 5 });
    let errors = 0;
    inf.on('error', () => errors++);
    const started = inf.start();
    await until(() => errors > 0, 'an error');
    await inf.stop();
    await started;
    assert.equal(inf.hasSynced(), false);
  });

  test('start on a kind that is not served keeps retrying and syncs once its CRD appears', async () => {
    const ref = { apiVersion: 'example.net/v1', kind: 'Thing' };
    const inf = new Informer(client, ref, { initialBackoffMs: 5, maxBackoffMs: 10 });
    const errors: KubeError[] = [];
    inf.on('error', (e) => errors.push(e));
    const started = inf.start();
    await until(() => errors.length > 0, 'first error');
    assert.equal(inf.hasSynced(), false);
    await client.create({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'things.example.net' },
      spec: {
        group: 'example.net',
        scope: 'Cluster',
        names: { plural: 'things', kind: 'Thing' },
        versions: [
          { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } },
        ],
      },
    });
    await started;
    assert.ok(inf.hasSynced());
    await inf.stop();
  });
});
