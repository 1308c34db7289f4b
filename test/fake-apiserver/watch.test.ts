import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CoreV1Api, makeInformer, type V1ConfigMap } from '@kubernetes/client-node';
import { startFakeApiServer, type FakeApiServer } from './index.js';

/** Polls until `check` returns true (bounded; no timing assertions). */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
}

/** Reads a raw watch stream until it ends or `max` events arrived. */
async function watchEvents(api: FakeApiServer, path: string, max: number): Promise<Array<{ type: string; object: any }>> {
  const res = await api.fetch(path);
  assert.equal(res.status, 200);
  const events: Array<{ type: string; object: any }> = [];
  let buffer = '';
  const decoder = new TextDecoder();
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        events.push(JSON.parse(buffer.slice(0, nl)));
        buffer = buffer.slice(nl + 1);
        if (events.length >= max) return events; // leaving the loop cancels the stream
      }
    }
  } catch (err) {
    if ((err as Error).name !== 'AbortError') throw err;
  }
  return events;
}

describe('fake API server: watch', () => {
  let api: FakeApiServer;
  let core: CoreV1Api;
  before(async () => {
    api = await startFakeApiServer({ bookmarkIntervalMs: 20 });
    core = api.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'w' } } });
  });
  after(() => api.stop());

  test('client-node makeInformer sees add, update and delete', async () => {
    const path = '/api/v1/namespaces/w/configmaps';
    const informer = makeInformer<V1ConfigMap>(api.kubeConfig, path, () => core.listNamespacedConfigMap({ namespace: 'w' }));
    const seen: string[] = [];
    informer.on('add', (o) => seen.push(`add:${o.metadata!.name}`));
    informer.on('update', (o) => seen.push(`update:${o.metadata!.name}:${o.data?.v}`));
    informer.on('delete', (o) => seen.push(`delete:${o.metadata!.name}`));
    await core.createNamespacedConfigMap({ namespace: 'w', body: { metadata: { name: 'pre' } } });
    await informer.start();
    await until(() => seen.includes('add:pre'), 'initial list');
    const cm = await core.createNamespacedConfigMap({ namespace: 'w', body: { metadata: { name: 'x' }, data: { v: '1' } } });
    await core.replaceNamespacedConfigMap({ name: 'x', namespace: 'w', body: { ...cm, data: { v: '2' } } });
    await core.deleteNamespacedConfigMap({ name: 'x', namespace: 'w' });
    await until(() => seen.includes('delete:x'), 'delete event');
    assert.deepEqual(seen, ['add:pre', 'add:x', 'update:x:2', 'delete:x']);
    assert.equal(informer.list('w').length, 1);
    await informer.stop();
  });

  test('makeInformer relists after a 410 (compacted log) and catches up', async () => {
    const path = '/api/v1/namespaces/w/secrets';
    const informer = makeInformer(api.kubeConfig, path, () => core.listNamespacedSecret({ namespace: 'w' }));
    const added: string[] = [];
    informer.on('add', (o) => added.push(o.metadata!.name!));
    await informer.start();
    await until(() => api.hooks.openWatches() > 0, 'watch open');
    api.hooks.compact();
    // While the informer is disconnected, an object appears; its next watch from the old RV gets 410.
    api.hooks.closeWatches();
    await core.createNamespacedSecret({ namespace: 'w', body: { metadata: { name: 'after-compact' } } });
    await until(() => added.includes('after-compact'), 'relist after 410');
    await informer.stop();
  });

  test('raw watch: replay from a resourceVersion, then live events; ERROR 410 when too old', async () => {
    const first = await core.createNamespacedConfigMap({ namespace: 'w', body: { metadata: { name: 'r1' } } });
    await core.createNamespacedConfigMap({ namespace: 'w', body: { metadata: { name: 'r2' } } });
    const rv = first.metadata!.resourceVersion!;
    const events = await watchEvents(api, `/api/v1/namespaces/w/configmaps?watch=true&resourceVersion=${rv}`, 1);
    assert.deepEqual(
      events.map((e) => `${e.type}:${e.object.metadata.name}`),
      ['ADDED:r2'],
    );
    api.hooks.compact();
    const gone = await watchEvents(api, `/api/v1/namespaces/w/configmaps?watch=true&resourceVersion=${rv}`, 5);
    assert.equal(gone.length, 1);
    assert.equal(gone[0].type, 'ERROR');
    assert.deepEqual([gone[0].object.kind, gone[0].object.code, gone[0].object.reason], ['Status', 410, 'Expired']);
  });

  test('watch without resourceVersion starts with ADDED for existing objects; selectors turn changes into ADDED/DELETED', async () => {
    await core.createNamespacedConfigMap({ namespace: 'w', body: { metadata: { name: 'sel', labels: { pick: 'yes' } } } });
    const pending = watchEvents(api, `/api/v1/namespaces/w/configmaps?watch=true&labelSelector=pick%3Dyes`, 3);
    await until(() => api.hooks.openWatches() > 0, 'watch open');
    const cm = await core.readNamespacedConfigMap({ name: 'sel', namespace: 'w' });
    const off = await core.replaceNamespacedConfigMap({
      name: 'sel',
      namespace: 'w',
      body: { ...cm, metadata: { ...cm.metadata, labels: { pick: 'no' } } },
    });
    await core.replaceNamespacedConfigMap({ name: 'sel', namespace: 'w', body: { ...off, metadata: { ...off.metadata, labels: { pick: 'yes' } } } });
    const events = await pending;
    assert.deepEqual(
      events.map((e) => e.type),
      ['ADDED', 'DELETED', 'ADDED'],
    );
  });

  test('timeoutSeconds ends the stream; bookmarks carry the current resourceVersion', async () => {
    const events = await watchEvents(
      api,
      `/api/v1/namespaces/w/pods?watch=true&resourceVersion=${api.store.resourceVersion()}&allowWatchBookmarks=true&timeoutSeconds=1`,
      1000,
    );
    assert.ok(events.length >= 1, 'at least one bookmark before the timeout');
    assert.ok(events.every((e) => e.type === 'BOOKMARK' && e.object.metadata.resourceVersion === String(api.store.resourceVersion())));
  });
});
