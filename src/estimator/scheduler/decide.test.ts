import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decide, exclusionReason, scores, unresolvable, EXCLUSION_KINDS, type Candidates, type Policy } from './decide.js';
import { gpuWatts, parseGpuCurve } from './gpu-curve.js';

const watts: Policy = { name: 'watts', spreadMax: 1, maxInletTemp: 27 };
const POD = { cpuMilli: 500, gpus: 0 };
interface Cand {
  cpuWatts?: number;
  gpuWatts?: number;
  freeMilli?: number;
  inletTemp?: number;
  workloadPods?: number;
}
const cand = (cpuWatts: number | undefined, extra: Cand = {}): Cand => ({ cpuWatts, ...extra });
/** Columns from candidate objects (undefined → NaN). */
function cols(items: Cand[]): Candidates {
  const col = (f: (c: Cand) => number | undefined, dflt = NaN) => Float64Array.from(items, (c) => f(c) ?? dflt);
  return {
    n: items.length,
    cpuWatts: col((c) => c.cpuWatts),
    gpuWatts: col((c) => c.gpuWatts, 0),
    freeMilli: col((c) => c.freeMilli),
    inletTemp: col((c) => c.inletTemp),
    workloadPods: col((c) => c.workloadPods, 0),
  };
}
function run(items: Cand[], policy: Policy = watts, pod = POD) {
  const c = cols(items);
  const codes = new Uint8Array(c.n);
  const fallback = decide(c, pod, policy, codes);
  const out = new Uint8Array(c.n);
  scores(c, pod, codes, out);
  return { c, codes, fallback, scores: [...out], kinds: [...codes].map((k) => EXCLUSION_KINDS[k]) };
}

test('10 for the fewest watts, 0 for the most, linear between; unknown nodes 0', () => {
  const d = run([cand(5), cand(10), cand(15), cand(undefined)]);
  assert.deepEqual(d.scores, [10, 5, 0, 0]);
  assert.equal(d.fallback, false);
});

test('equal watts: all 10, and the roomiest of a tie keeps its score', () => {
  assert.deepEqual(run([cand(5, { freeMilli: 1000 }), cand(5, { freeMilli: 4000 }), cand(5, { freeMilli: 4000 })]).scores, [9, 10, 10]);
  assert.deepEqual(run([cand(5, { freeMilli: 1000 }), cand(5, { freeMilli: 2000 }), cand(25, { freeMilli: 9000 })]).scores, [9, 10, 0]);
  // equal up to floating-point noise is a tie; an unknown headroom loses it
  assert.deepEqual(run([cand(0.1 + 0.2, { freeMilli: 1000 }), cand(0.3, { freeMilli: 2000 }), cand(0.3), cand(7)]).scores, [9, 10, 9, 0]);
});

test('scores are deterministic whatever the input order', () => {
  const items = [cand(3.3, { freeMilli: 100 }), cand(7.1, { freeMilli: 900 }), cand(3.3, { freeMilli: 800 }), cand(12)];
  assert.deepEqual(run(items).scores, run([...items].reverse()).scores.reverse());
});

/** The scores as the rule states them, computed the plain way (objects, a comparator sort). */
function reference(items: Cand[], pod = POD): number[] {
  const added = items.map((c) => (c.cpuWatts ?? NaN) + (c.gpuWatts ?? 0));
  const ok = added.map((a) => Number.isFinite(a));
  const fin = added.filter((_a, i) => ok[i]);
  const min = Math.min(...fin);
  const max = Math.max(...fin);
  const same = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  const out = added.map((a, i) => (!ok[i] ? 0 : max - min <= 0 || same(max, min) ? 10 : Math.round((10 * (max - a)) / (max - min))));
  const order = added
    .map((_a, i) => i)
    .filter((i) => ok[i])
    .sort((a, b) => added[a] - added[b] || a - b);
  const head = (i: number) => (items[i].freeMilli === undefined ? -Infinity : items[i].freeMilli! - pod.cpuMilli);
  for (let g = 0; g < order.length; ) {
    let h = g + 1;
    while (h < order.length && same(added[order[g]], added[order[h]])) h++;
    const best = Math.max(...order.slice(g, h).map(head));
    for (let k = g; k < h; k++) if (head(order[k]) < best) out[order[k]] = Math.max(0, out[order[k]] - 1);
    g = h;
  }
  return out;
}

test('the columnar scores match the plain statement of the rule (property)', () => {
  const item = fc.record({
    cpuWatts: fc.option(fc.oneof(fc.constantFrom(1, 2, 2.5, 10, Infinity), fc.double({ min: 0, max: 50, noNaN: true })), { nil: undefined }),
    freeMilli: fc.option(fc.constantFrom(0, 1000, 2000, 4000), { nil: undefined }),
  });
  fc.assert(
    fc.property(fc.array(item, { maxLength: 40 }), (items) => {
      assert.deepEqual(
        run(items.map((c) => ({ ...c, freeMilli: c.freeMilli === undefined ? undefined : c.freeMilli + 500 }))).scores,
        reference(items.map((c) => ({ ...c, freeMilli: c.freeMilli === undefined ? undefined : c.freeMilli + 500 }))),
      );
    }),
  );
});

test('exclusions: +Inf prediction and GPU curve are unresolvable, CPU and spread are not; temperature only under its policy', () => {
  const items = [
    cand(Infinity),
    cand(5, { gpuWatts: Infinity }),
    cand(5, { freeMilli: 300 }),
    cand(5, { inletTemp: 31.5 }),
    cand(5, { workloadPods: 1 }),
    cand(6),
  ];
  const w = run(items);
  assert.deepEqual(w.kinds, ['prediction', 'gpu', 'cpu', '', '', '']);
  assert.match(exclusionReason(w.codes[0], w.c, 0, POD, watts, 'predictor None'), /no power prediction for this node: predictor None/);
  assert.deepEqual([...w.codes].map(unresolvable), [true, true, false, false, false, false]);
  assert.match(exclusionReason(w.codes[2], w.c, 2, POD, watts), /needs 500 mCPU; 300 mCPU free/);
  const t = run(items, { ...watts, name: 'temperature' });
  assert.equal(t.kinds[3], 'temperature');
  assert.equal(unresolvable(t.codes[3]), true);
  assert.match(exclusionReason(t.codes[3], t.c, 3, POD, watts), /inlet 31.5 °C is above 27 °C/);
  const s = run(items, { ...watts, name: 'spread' });
  assert.equal(s.kinds[4], 'spread');
  assert.equal(unresolvable(s.codes[4]), false);
  assert.match(exclusionReason(s.codes[4], s.c, 4, POD, watts), /spread: 1 pod\(s\) of this workload already on the node \(at most 1\)/);
  assert.deepEqual(s.scores, [0, 0, 0, 10, 0, 0]);
});

test('a policy that would exclude every node excludes none (fallback) and scores by watts', () => {
  const d = run([cand(5, { workloadPods: 3 }), cand(8, { workloadPods: 1 })], { ...watts, name: 'spread' });
  assert.equal(d.fallback, true);
  assert.deepEqual(d.kinds, ['', '']);
  assert.deepEqual(d.scores, [10, 0]);
  assert.equal(run([]).fallback, false);
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
