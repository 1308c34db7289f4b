import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Estimator } from './estimator.js';
import { NodeState } from './node-state.js';
import { PlacementSolver } from './solver.js';
import { solvePlacement } from './minplus.js';
import { costCurve, workloadCapacity } from './costs.js';
import { createFakePredictor, FAKE_PREDICTOR_LABELS } from './predictors/fake.js';
import { PowerplaneError } from '../core/errors.js';
import type { NodeInfo, NodeMonitor, PowerPredictor } from './types.js';

const fakeNode = (i: number, base: number, wpc: number, cores: number): NodeInfo => ({
  name: `node-${i}`,
  labels: { [FAKE_PREDICTOR_LABELS.baseWatts]: String(base), [FAKE_PREDICTOR_LABELS.wattsPerCore]: String(wpc) },
  allocatableMilli: cores * 1000,
});

/** A concave predictor (watts grow like √request), different per node: the general DP path. */
const concave: PowerPredictor = {
  type: 'Concave',
  identity: (node) => `Concave|${node.name}`,
  predict: async (reqs, _s, node) => reqs.map((r) => 100 + Number(node.name.split('-')[1]) + 3 * Math.sqrt(r)),
};

const states = (nodes: NodeInfo[], predictor: PowerPredictor, monitors: NodeMonitor[] = []) =>
  nodes.map((node) => new NodeState({ node, monitors: monitors.map((monitor) => ({ monitor, timeoutMs: 1000 })), predictor, refreshMs: 60_000 }));

test('Fake nodes answer from exact slopes, equal to the DP over predicted curves, at N = 3,000', async () => {
  const nodes = Array.from({ length: 200 }, (_v, i) => fakeNode(i, 50 + ((i * 37) % 200), 5 + ((i * 11) % 36), 8 * (1 + (i % 8))));
  const est = new Estimator('ns', 'e', states(nodes, createFakePredictor()));
  const cpu = 250;
  const n = 3000;
  const got = (await est.estimate(cpu, n)).watt_increases;
  const fake = createFakePredictor();
  const dense = await Promise.all(
    nodes.map(async (node) => ({
      cost: costCurve(
        await fake.predict(
          Array.from({ length: n + 1 }, (_v, k) => k * cpu),
          {},
          node,
          AbortSignal.timeout(1000),
        ),
        Math.min(n, workloadCapacity(node.allocatableMilli, cpu)),
      ),
      count: 1,
    })),
  );
  const want = [...solvePlacement(dense, n).totals].slice(1);
  assert.equal(got.length, n);
  got.forEach((w, k) =>
    want[k] === Infinity
      ? assert.equal(w, Infinity)
      : assert.ok(Math.abs(w - want[k]) <= 1e-9 * Math.max(1, want[k]), `k=${k + 1}: ${w} vs ${want[k]}`),
  );
  est.stop();
});

test('all-linear requests (groups ordered by slope) answer as the general solver does with explain, for every cpu_milli', async () => {
  const nodes = Array.from({ length: 40 }, (_v, i) => fakeNode(i, 50 + ((i * 37) % 200), 5 + ((i * 11) % 7), 1 + (i % 5)));
  const all = states(nodes, createFakePredictor());
  const broken = new NodeState({ node: fakeNode(99, 10, 1, 64), monitors: [], predictor: new Error('bad predictor'), refreshMs: 60_000 });
  const est = new Estimator('ns', 'e', [...all, broken]);
  for (const cpu of [250, 1000, 2500, 6000]) {
    for (const n of [1, 7, 60, 200]) {
      const fast = await est.estimate(cpu, n);
      const general = await est.estimate(cpu, n, { explain: true });
      assert.deepEqual(fast.watt_increases, general.watt_increases, `cpu_milli=${cpu} N=${n}`);
    }
  }
  // 5 kinds of capacity: at 6000 mCPU only the 5-core nodes (8 of them) take one each
  assert.deepEqual((await est.estimate(6000, 9)).watt_increases.slice(7), [(await est.estimate(6000, 8)).watt_increases[7], Infinity]);
  est.stop();
});

test('linear predictors without watts per core: the order by slope is found per cpu_milli, also where it changes', async () => {
  // slope a + b·cpu: the cheapest node at 250 mCPU is the dearest at 6,000 mCPU
  const affine: PowerPredictor = {
    type: 'Affine',
    identity: (node) => `Affine|${node.name}`,
    predict: async (reqs, _s, node) => {
      const i = Number(node.name.split('-')[1]);
      return reqs.map((r, k) => 100 + k * (40 - 3 * i + ((1 + i) * r) / Math.max(1, k) / 1000));
    },
    slope: (cpu, _s, node) => {
      const i = Number(node.name.split('-')[1]);
      return 40 - 3 * i + ((1 + i) * cpu) / 1000;
    },
  };
  const nodes = Array.from({ length: 12 }, (_v, i) => fakeNode(i, 0, 0, 2 + (i % 4)));
  const est = new Estimator('ns', 'e', states(nodes, affine));
  for (const cpu of [250, 6000, 1000, 250, 3000]) {
    for (const n of [3, 25]) {
      const fast = await est.estimate(cpu, n);
      const general = await est.estimate(cpu, n, { explain: true });
      assert.deepEqual(fast.watt_increases, general.watt_increases, `cpu_milli=${cpu} N=${n}`);
    }
  }
  assert.equal((await est.estimate(250, 1)).watt_increases[0], 40 - 3 * 11 + (12 * 250) / 1000);
  est.stop();
});

test('the node snapshot is reused between requests and rebuilt after a refresh', async () => {
  let cpuUsedMilli = 0;
  const monitor: NodeMonitor = { type: 'Test', read: async () => ({ cpuUsedMilli }) };
  const est = new Estimator('ns', 'e', states([fakeNode(0, 100, 10, 4), fakeNode(1, 100, 10, 4)], createFakePredictor(), [monitor]));
  await Promise.all(est.nodes.map((n) => n.refresh()));
  const first = est.snapshot();
  assert.equal(first.groups.length, 1);
  assert.equal(est.snapshot(), first);
  assert.deepEqual((await est.estimate(1000, 9)).watt_increases.slice(7), [80, Infinity]);
  cpuUsedMilli = 3000;
  await est.nodes[0].refresh();
  const second = est.snapshot();
  assert.notEqual(second, first);
  assert.ok(second.version > first.version);
  // node 0 now has 1 core free, node 1 (not refreshed) still 4: 5 fit, 10 W each
  assert.deepEqual((await est.estimate(1000, 6)).watt_increases.slice(4), [50, Infinity]);
  est.stop();
});

test('an answer later than the deadline is a 503 with Retry-After; a retry joins the running solve', async () => {
  const nodes = Array.from({ length: 60 }, (_v, i) => fakeNode(i, 0, 0, 64));
  const solver = new PlacementSolver({ maxSolveMs: 60_000, inlineWork: 0 });
  const est = new Estimator('ns', 'e', states(nodes, concave), Date.now, { solver });
  const n = 400;
  await assert.rejects(est.estimate(500, n, { deadlineMs: 1 }), (err: unknown) => {
    assert.ok(err instanceof PowerplaneError);
    assert.equal(err.code, 'ErrEstimatorDeadlineExceeded');
    assert.equal(err.status, 503);
    assert.equal(err.details.retryAfterSeconds, 1);
    return true;
  });
  const retried = await est.estimate(500, n, { deadlineMs: 60_000 });
  const inline = new Estimator('ns', 'inline', states(nodes, concave), Date.now, {
    solver: new PlacementSolver({ maxSolveMs: 60_000, inlineWork: Infinity }),
  });
  assert.deepEqual(retried.watt_increases, (await inline.estimate(500, n)).watt_increases);
  est.stop();
  inline.stop();
});

test('stopping the Estimator ends a solve running in the worker', async () => {
  const nodes = Array.from({ length: 400 }, (_v, i) => fakeNode(i, 0, 0, 64));
  const est = new Estimator('ns', 'e', states(nodes, concave), Date.now, { solver: new PlacementSolver({ maxSolveMs: 600_000, inlineWork: 0 }) });
  const pending = est.estimate(100, 1000, { deadlineMs: 600_000 });
  setTimeout(() => est.stop(), 50);
  await assert.rejects(pending, /stopping/);
});
