import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupDigits, infiniteReasons, type NodeFacts } from './reasons.js';

const facts = (over: Partial<NodeFacts>): NodeFacts => ({ cpuMilli: 500, predictorType: 'Fake', wattsWithOne: 105, monitors: [], ...over });

test('no free CPU names used and allocatable millicores, rounded and grouped', () => {
  assert.deepEqual(infiniteReasons(facts({ allocatableMilli: 2000, usedMilli: 1950.4 })), [
    'no free CPU: used 1,950 of 2,000 millicores, a workload asks for 500',
  ]);
  // 550 free holds one 500m workload: no reason
  assert.deepEqual(infiniteReasons(facts({ allocatableMilli: 2000, usedMilli: 1450 })), []);
  // unknown allocatable: capacity is not the cause
  assert.deepEqual(infiniteReasons(facts({ usedMilli: 1e9 })), []);
});

test('predictor invalid, failed, or giving +Inf; stale monitors added as context', () => {
  assert.deepEqual(infiniteReasons(facts({ predictorInvalid: 'unknown type "X"', wattsWithOne: Infinity })), ['predictor invalid: unknown type "X"']);
  const stale = [
    { type: 'Redfish', stale: true, ageSeconds: 41.6, error: 'connection refused' },
    { type: 'Fake', stale: false, ageSeconds: 1, error: null },
    { type: 'IPMI', stale: true, ageSeconds: null, error: null },
  ];
  assert.deepEqual(infiniteReasons(facts({ predictorType: 'MLServer', predictorError: 'HTTP 500', wattsWithOne: Infinity, monitors: stale })), [
    'predictor MLServer failed: HTTP 500',
    'monitor Redfish stale for 42 s (last error: connection refused)',
    'monitor IPMI has no reading yet',
  ]);
  assert.deepEqual(infiniteReasons(facts({ predictorType: 'None', wattsWithOne: Infinity })), ['predictor None: this node takes no workloads']);
  assert.deepEqual(infiniteReasons(facts({ wattsWithOne: Infinity })), ['predictor Fake gives no finite watts for one workload']);
  // a stale monitor on a node that can take workloads is not a reason for +Inf
  assert.deepEqual(infiniteReasons(facts({ monitors: stale })), []);
});

test('groupDigits rounds and groups thousands', () => {
  assert.equal(groupDigits(1234567.5), '1,234,568');
  assert.equal(groupDigits(0.4), '0');
});
