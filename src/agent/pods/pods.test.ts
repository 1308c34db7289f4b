import { test } from 'node:test';
import assert from 'node:assert/strict';
import { indexPods, cpuMilli, bareContainerId } from './pod-index.js';
import { PolledPodResolver, kubeletAddress } from './kubelet.js';
import { silentLogger } from '../../core/logger.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const pod = (uid: string, name: string, ids: Record<string, string>, init: Record<string, string> = {}) => ({
  metadata: { uid, name, namespace: 'ns' },
  spec: { containers: Object.keys(ids).map((n) => ({ name: n, resources: { requests: { cpu: '250m' } } })) },
  status: {
    containerStatuses: Object.entries(ids).map(([n, id]) => ({ name: n, containerID: `containerd://${id}` })),
    initContainerStatuses: Object.entries(init).map(([n, id]) => ({ name: n, containerID: `cri-o://${id}` })),
  },
});

test('indexPods maps regular and init container ids (runtime prefix stripped) to their pod', () => {
  const m = indexPods([pod('u1', 'web', { app: A }, { init: B }), { metadata: { name: 'no-uid' } }]);
  assert.deepEqual(m.get(A), { uid: 'u1', name: 'web', namespace: 'ns', containerName: 'app', cpuRequestMilli: 250 });
  assert.equal(m.get(B)?.containerName, 'init');
  assert.equal(m.get(B)?.cpuRequestMilli, 0);
  assert.equal(m.size, 2);
});

test('cpuMilli and bareContainerId', () => {
  assert.equal(cpuMilli('250m'), 250);
  assert.equal(cpuMilli('2'), 2000);
  assert.equal(cpuMilli('0.5'), 500);
  assert.equal(cpuMilli('lots'), 0);
  assert.equal(cpuMilli(undefined), 0);
  assert.equal(bareContainerId('docker://abc'), 'abc');
});

test('kubeletAddress: InternalIP and the daemon endpoint port', () => {
  assert.deepEqual(
    kubeletAddress(
      {
        status: {
          addresses: [
            { type: 'Hostname', address: 'n1' },
            { type: 'InternalIP', address: '10.0.0.5' },
          ],
          daemonEndpoints: { kubeletEndpoint: { Port: 10255 } },
        },
      },
      10250,
    ),
    { host: '10.0.0.5', port: 10255 },
  );
  assert.deepEqual(kubeletAddress({ status: { addresses: [{ type: 'Hostname', address: 'n1' }] } }, 10250), { host: 'n1', port: 10250 });
  assert.equal(kubeletAddress({}, 10250), undefined);
});

test('a miss triggers an immediate refresh, coalesced and rate-limited; a failed list keeps the old map', async () => {
  let t = 0;
  let calls = 0;
  let pods = [pod('u1', 'web', { app: A })];
  let fail = false;
  const r = new PolledPodResolver(
    'kubelet',
    { list: async () => (calls++, fail ? Promise.reject(new Error('down')) : pods) },
    60_000,
    silentLogger(),
    () => t,
  );
  await r.start();
  assert.equal(calls, 1);
  assert.equal(r.lookup(A)?.name, 'web');
  pods = [pod('u1', 'web', { app: A }), pod('u2', 'db', { db: B })];
  t = 5000;
  assert.equal(r.lookup(B), undefined, 'miss');
  assert.equal(r.lookup(B), undefined, 'second miss in the same instant does not refetch');
  await r.refresh();
  assert.equal(calls, 2, 'the explicit refresh joins the one the miss started');
  assert.equal(r.lookup(B)?.name, 'db');
  fail = true;
  await r.refresh();
  assert.equal(r.lookup(A)?.name, 'web', 'old map kept');
  await r.stop();
});
