import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PodCounts } from './pod-counts.js';

const pod = (uid: string, owner: { kind: string; name: string } | undefined, nodeName?: string, phase = 'Running') => ({
  metadata: {
    name: uid,
    namespace: 'ns',
    uid,
    labels: { 'pod-template-hash': 'h1' },
    ...(owner ? { ownerReferences: [{ ...owner, controller: true }] } : {}),
  },
  spec: nodeName ? { nodeName } : {},
  status: { phase },
});
const RS = { kind: 'ReplicaSet', name: 'web-h1' };
const STS = { kind: 'StatefulSet', name: 'db' };

test('counts bound, non-terminated pods per workload and node; moves, terminations and deletes', () => {
  const bound: string[] = [];
  const c = new PodCounts((uid, node) => bound.push(`${uid}@${node}`));
  c.upsert(pod('a', RS, 'n1'));
  c.upsert(pod('b', RS, 'n1'));
  c.upsert(pod('c', RS)); // pending, unbound
  c.upsert(pod('d', STS, 'n1'));
  c.upsert(pod('e', undefined, 'n1')); // bare pod: no workload
  assert.equal(c.perNode('Deployment/ns/web')?.get('n1') ?? 0, 2);
  assert.equal(c.perNode('StatefulSet/ns/db')?.get('n1') ?? 0, 1);
  assert.deepEqual([...(c.perNode('Deployment/ns/web') ?? [])], [['n1', 2]]);
  c.upsert(pod('c', RS, 'n2')); // bound
  assert.equal(c.perNode('Deployment/ns/web')?.get('n2') ?? 0, 1);
  assert.deepEqual(bound, ['a@n1', 'b@n1', 'd@n1', 'e@n1', 'c@n2']);
  c.upsert(pod('a', RS, 'n1', 'Failed'));
  c.upsert(pod('a', RS, 'n1', 'Failed')); // seen twice: no double count
  assert.equal(c.perNode('Deployment/ns/web')?.get('n1') ?? 0, 1);
  c.remove(pod('b', RS, 'n1'));
  assert.equal(c.perNode('Deployment/ns/web')?.get('n1') ?? 0, 0);
  assert.equal(c.perNode('Deployment/ns/web')?.has('n1'), false);
  c.remove(pod('c', RS, 'n2'));
  assert.equal(c.perNode('Deployment/ns/web'), undefined);
  c.remove(pod('a', RS, 'n1', 'Failed'));
  assert.equal(c.size, 2);
  assert.equal(bound.length, 5); // updates of bound pods are not new bindings
});
