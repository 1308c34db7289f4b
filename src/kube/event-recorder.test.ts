import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventRecorder, buildEvent } from './event-recorder.js';
import type { KubeObject } from './types.js';

const PM = { apiVersion: 'powerplane.io/v1alpha1', kind: 'PowerMonitor', metadata: { name: 'powerplane', uid: 'u1', resourceVersion: '7' } };
const SOURCE = { controller: 'powerplane.io/operator', instance: 'op-0' };

test('buildEvent: events.k8s.io/v1 with the required fields; a cluster-scoped object gets its events in default', () => {
  const e = buildEvent(
    PM,
    { type: 'Warning', reason: 'InvalidSpec', action: 'Validate', note: 'x'.repeat(2000) },
    SOURCE,
    new Date('2026-01-02T03:04:05.678Z'),
    'abc',
  );
  assert.equal(e.metadata.namespace, 'default');
  assert.equal(e.metadata.name, 'powerplane.abc');
  assert.equal(e.eventTime, '2026-01-02T03:04:05.678000Z');
  assert.deepEqual(e.regarding, { apiVersion: 'powerplane.io/v1alpha1', kind: 'PowerMonitor', name: 'powerplane', uid: 'u1', resourceVersion: '7' });
  assert.equal((e.note as string).length, 1024);
  const ns = buildEvent(
    { apiVersion: 'powerplane.io/v1alpha1', kind: 'Estimator', metadata: { name: 'e', namespace: 'team' } },
    { type: 'Normal', reason: 'R', action: 'A', note: 'n' },
    SOURCE,
    new Date(0),
    's',
  );
  assert.equal(ns.metadata.namespace, 'team');
});

test('EventRecorder: an identical event is written once per repeat interval; a failed write is reported, not thrown, and retried next time', async () => {
  const created: KubeObject[] = [];
  let fail = true;
  const errors: unknown[] = [];
  let now = 0;
  const rec = new EventRecorder({
    kube: {
      create: async <T extends KubeObject>(o: T) => {
        if (fail) throw new Error('forbidden');
        created.push(o);
        return o;
      },
    },
    source: SOURCE,
    repeatMs: 1000,
    now: () => new Date(now),
    onError: (e) => errors.push(e),
  });
  await rec.record(PM, 'Warning', 'ReconcileError', 'apply', 'boom');
  assert.equal(errors.length, 1);
  fail = false;
  await rec.record(PM, 'Warning', 'ReconcileError', 'apply', 'boom');
  await rec.record(PM, 'Warning', 'ReconcileError', 'apply', 'boom');
  assert.equal(created.length, 1);
  await rec.record(PM, 'Warning', 'ReconcileError', 'apply', 'other');
  assert.equal(created.length, 2);
  now = 1000;
  await rec.record(PM, 'Warning', 'ReconcileError', 'apply', 'boom');
  assert.equal(created.length, 3);
});
