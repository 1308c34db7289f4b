import { test } from 'node:test';
import assert from 'node:assert/strict';
import { podDemand, workloadOf } from './pod.js';

const pod = (spec: object, metadata: object = {}) => ({ metadata: { name: 'p', namespace: 'ns', uid: 'u1', ...metadata }, spec });

test('CPU as the scheduler counts it: containers (limit when no request), the larger init container, sidecars, overhead', () => {
  const c = (cpu: Record<string, string>) => ({
    name: 'c',
    resources: cpu.requests ? { requests: { cpu: cpu.requests } } : { limits: { cpu: cpu.limits } },
  });
  assert.equal(podDemand(pod({ containers: [c({ requests: '250m' }), c({ limits: '0.25' })] }), 100).cpuMilli, 500);
  assert.equal(podDemand(pod({ containers: [c({ requests: '250m' })], initContainers: [c({ requests: '1' })] }), 100).cpuMilli, 1000);
  const sidecar = { ...c({ requests: '100m' }), restartPolicy: 'Always' };
  assert.equal(podDemand(pod({ containers: [c({ requests: '250m' })], initContainers: [sidecar], overhead: { cpu: '50m' } }), 100).cpuMilli, 400);
  const none = podDemand(pod({ containers: [{ name: 'c' }] }), 100);
  assert.deepEqual([none.cpuMilli, none.defaultedCpu], [100, true]);
  assert.equal(podDemand(pod({ containers: [c({ requests: '1.0001' })] }), 100).cpuMilli, 1001);
});

test('GPUs from nvidia.com/gpu requests or limits; annotations', () => {
  const d = podDemand(
    pod(
      {
        containers: [
          { name: 'a', resources: { limits: { 'nvidia.com/gpu': '2' } } },
          { name: 'b', resources: { requests: { 'nvidia.com/gpu': 1 } } },
        ],
      },
      { annotations: { 'powerplane.io/placement': 'temperature', 'powerplane.io/spread-max-per-node': '3' } },
    ),
    100,
  );
  assert.equal(d.gpus, 3);
  assert.equal(d.placement, 'temperature');
  assert.equal(d.spreadMax, '3');
  assert.equal(d.ref, 'ns/p');
});

test('workload: a Deployment through its ReplicaSet, other controllers as they are, bare pods none', () => {
  const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d8f7', uid: 'x', controller: true };
  assert.equal(workloadOf(pod({}, { labels: { 'pod-template-hash': '5d8f7' }, ownerReferences: [rs] })), 'Deployment/ns/web');
  assert.equal(workloadOf(pod({}, { ownerReferences: [rs] })), 'ReplicaSet/ns/web-5d8f7');
  assert.equal(workloadOf(pod({}, { ownerReferences: [{ kind: 'StatefulSet', name: 'db', controller: true }] })), 'StatefulSet/ns/db');
  assert.equal(workloadOf(pod({}, { ownerReferences: [{ kind: 'DaemonSet', name: 'agent', controller: true }] })), 'DaemonSet/ns/agent');
  assert.equal(workloadOf(pod({}, { ownerReferences: [{ kind: 'Job', name: 'batch-1', controller: true }] })), 'Job/ns/batch-1');
  assert.equal(workloadOf(pod({})), undefined);
  // the label names the workload, whatever the owners
  assert.equal(workloadOf(pod({}, { labels: { 'powerplane.io/workload': 'web' }, ownerReferences: [rs] })), 'label/ns/web');
});
