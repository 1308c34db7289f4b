import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, scores, type Candidate, type Policy } from './decide.js';
import { gpuWatts, parseGpuCurve } from './gpu-curve.js';

const watts: Policy = { name: 'watts', spreadMax: 1, maxInletTemp: 27 };
const cand = (name: string, cpuWatts: number | undefined, extra: Partial<Candidate> = {}): Candidate => ({ name, cpuWatts, gpuWatts: 0, gpus: 0, cpuMilli: 500, workloadPods: 0, ...extra });

test('10 for the fewest watts, 0 for the most, linear between; unknown nodes 0', () => {
  const d = decide([cand('a', 5), cand('b', 10), cand('c', 15), cand('d', undefined)], watts);
  assert.deepEqual(scores(d.items), [10, 5, 0, 0]);
  assert.equal(d.fallback, false);
});

test('equal watts: all 10, and the roomiest of a tie keeps its score', () => {
  const same = decide([cand('a', 5, { freeMilli: 1000 }), cand('b', 5, { freeMilli: 4000 }), cand('c', 5, { freeMilli: 4000 })], watts);
  assert.deepEqual(scores(same.items), [9, 10, 10]);
  const mixed = decide([cand('a', 5, { freeMilli: 1000 }), cand('b', 5, { freeMilli: 2000 }), cand('c', 25, { freeMilli: 9000 })], watts);
  assert.deepEqual(scores(mixed.items), [9, 10, 0]);
});

test('scores are deterministic whatever the input order', () => {
  const items = [cand('a', 3.3, { freeMilli: 100 }), cand('b', 7.1, { freeMilli: 900 }), cand('c', 3.3, { freeMilli: 800 }), cand('d', 12)];
  const s1 = scores(decide(items, watts).items);
  const rev = [...items].reverse();
  const s2 = scores(decide(rev, watts).items).reverse();
  assert.deepEqual(s1, s2);
});

test('exclusions: +Inf prediction and GPU curve are unresolvable, CPU and spread are not; temperature only under its policy', () => {
  const items = [
    cand('noPred', Infinity, { predictionError: 'predictor None' }),
    cand('gpu', 5, { gpus: 2, gpuWatts: Infinity }),
    cand('full', 5, { freeMilli: 300 }),
    cand('hot', 5, { inletTemp: 31.5 }),
    cand('crowded', 5, { workloadPods: 1 }),
    cand('ok', 6),
  ];
  const w = decide(items, watts).items;
  assert.match(w[0].exclusion!.reason, /predictor None/);
  assert.equal(w[0].exclusion!.unresolvable, true);
  assert.equal(w[1].exclusion!.kind, 'gpu');
  assert.equal(w[2].exclusion!.unresolvable, false);
  assert.match(w[2].exclusion!.reason, /needs 500 mCPU; 300 mCPU free/);
  assert.equal(w[3].exclusion, undefined);
  assert.equal(w[4].exclusion, undefined);
  const t = decide(items, { ...watts, name: 'temperature' }).items;
  assert.match(t[3].exclusion!.reason, /inlet 31.5 °C is above 27 °C/);
  const s = decide(items, { ...watts, name: 'spread' }).items;
  assert.equal(s[4].exclusion!.kind, 'spread');
  assert.deepEqual(scores(s), [0, 0, 0, 10, 0, 0]);
});

test('a policy that would exclude every node excludes none (fallback) and scores by watts', () => {
  const d = decide([cand('a', 5, { workloadPods: 3 }), cand('b', 8, { workloadPods: 1 })], { ...watts, name: 'spread' });
  assert.equal(d.fallback, true);
  assert.deepEqual(d.items.map((i) => i.exclusion), [undefined, undefined]);
  assert.deepEqual(scores(d.items), [10, 0]);
  assert.equal(decide([], watts).fallback, false);
});

test('GPU curve label: cumulative watts per GPU count, +Inf beyond it or when malformed, 0 without one', () => {
  const node = (v?: string) => ({ name: 'n', labels: (v === undefined ? {} : { 'powerplane.io/gpu-watts': v }) as Record<string, string> });
  assert.deepEqual(parseGpuCurve('300, 600,900'), [300, 600, 900]);
  assert.ok(parseGpuCurve('300,x') instanceof Error);
  assert.equal(gpuWatts(node('300,600'), 2), 600);
  assert.equal(gpuWatts(node('300,600'), 3), Infinity);
  assert.equal(gpuWatts(node('-1'), 1), Infinity);
  assert.equal(gpuWatts(node(), 4), 0);
  assert.equal(gpuWatts(node('300'), 0), 0);
});
