import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ratioTrainer, ratioFromJSON } from './ratio.js';

test('AbsPower ratio: idle = min, watts per unit = Σ dynamic / Σ usage', () => {
  const X = [
    [0, 5],
    [1000, 5],
    [2000, 5],
    [3000, 5],
  ];
  const Y = [[50], [60], [70], [80]];
  const m = ratioTrainer.train({ features: ['bpf_cpu_time_ms', 'other'], components: ['package'], X, Y });
  const p = m.toJSON().params as { idle: number[]; perUnit: number[]; featureIndex: number };
  assert.equal(p.featureIndex, 0);
  assert.deepEqual(p.idle, [50]);
  assert.equal(p.perUnit[0], (0 + 10 + 20 + 30) / 6000);
  assert.deepEqual(m.predict([[1500, 0]]), [[65]]);
  assert.deepEqual(ratioFromJSON(JSON.parse(JSON.stringify(m.toJSON()))).predict([[1500, 0]]), [[65]]);
});

test('DynPower ratio splits all power by usage share (attribution is additive)', () => {
  const X = [[100], [300]];
  const Y = [[10], [30]];
  const m = ratioTrainer.train({ features: ['bpf_cpu_time_ms'], components: ['package'], X, Y }, { outputType: 'DynPower' });
  // Two workloads using 100 and 200 ms/s get 10 and 20 W: the sum equals the node's prediction at 300.
  const [[a], [b], [node]] = m.predict([[100], [200], [300]]);
  assert.ok(Math.abs(a + b - node) < 1e-12);
  assert.ok(Math.abs(node - 30) < 1e-12);
});
