import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyGuards, emptyGuardMemory } from './guard.js';
import type { CappingDecisions } from './types.js';
import { capState, capTarget } from '../../../test/helpers/capping.js';

const target = capTarget;
const state = capState;

const propose = (...pairs: Array<[string, number]>): CappingDecisions => ({
  replicas: pairs.map(([n, m]) => ({ target: `Deployment/ns/${n}`, maxReplicas: m, reason: 'test' })),
});

test('proposals are clamped to floors and max', () => {
  const s = state([target('a', { minReplicas: 2 }), target('b')], { currentWatts: 990 });
  const { decisions } = applyGuards(s, propose(['a', 0], ['b', 20]), emptyGuardMemory());
  assert.equal(decisions.targets[0].maxReplicas, 2);
  assert.equal(decisions.targets[0].change, 'lower');
  assert.match(decisions.targets[0].reason, /floor 2/);
  assert.equal(decisions.targets[1].maxReplicas, 8);
  assert.equal(decisions.targets[1].change, 'none');
  assert.equal(decisions.targets[1].uncapped, true);
});

test('a target without power data keeps its limit whatever is proposed', () => {
  const s = state([target('a', { wattsPerReplica: undefined, currentLimit: 6 })], { currentWatts: 2000 });
  const { decisions } = applyGuards(s, propose(['a', 1]), emptyGuardMemory());
  assert.equal(decisions.targets[0].maxReplicas, 6);
  assert.equal(decisions.targets[0].change, 'none');
  assert.match(decisions.targets[0].reason, /no power data/);
});

test('below the act line running replicas are not cut: the limit becomes a ceiling at the running count', () => {
  const s = state([target('a', { replicas: 5 })], { currentWatts: 900 }); // act line 950
  const { decisions } = applyGuards(s, propose(['a', 3]), emptyGuardMemory());
  assert.equal(decisions.targets[0].maxReplicas, 5);
  assert.equal(decisions.targets[0].change, 'lower');
  const over = applyGuards(state([target('a', { replicas: 5 })], { currentWatts: 960 }), propose(['a', 3]), emptyGuardMemory());
  assert.equal(over.decisions.targets[0].maxReplicas, 3);
  // a forecast at the act line counts as being there
  const fc = applyGuards(state([target('a', { replicas: 5 })], { currentWatts: 500, forecastWatts: 950 }), propose(['a', 3]), emptyGuardMemory());
  assert.equal(fc.decisions.targets[0].maxReplicas, 3);
});

test('cooldown holds a change; after it the change goes through', () => {
  const t = target('a', { replicas: 5, secondsSinceLastAction: 30 });
  const held = applyGuards(state([t], { currentWatts: 990 }), propose(['a', 3]), emptyGuardMemory());
  assert.equal(held.decisions.targets[0].change, 'none');
  assert.match(held.decisions.targets[0].reason, /cooldown/);
  const done = applyGuards(state([{ ...t, secondsSinceLastAction: 60 }], { currentWatts: 990 }), propose(['a', 3]), emptyGuardMemory());
  assert.equal(done.decisions.targets[0].maxReplicas, 3);
});

test('raises go only to the lowest proposal of the stabilization window', () => {
  let memory = emptyGuardMemory();
  const at = (now: number, proposal: number, limit: number) => {
    const r = applyGuards(
      state([target('a', { replicas: 2, currentLimit: limit })], { nowSeconds: now, currentWatts: 200 }),
      propose(['a', proposal]),
      memory,
    );
    memory = r.memory;
    return r.decisions.targets[0];
  };
  assert.equal(at(0, 3, 3).change, 'none');
  assert.equal(at(100, 6, 3).maxReplicas, 3); // 3 was proposed 100 s ago
  assert.equal(at(200, 6, 3).maxReplicas, 3);
  assert.equal(at(301, 6, 3).maxReplicas, 6); // the 3 left the window
});

test('above the release line a raise passes only when funded within the budget, by priority', () => {
  // budget 1000, power 850 (release line 800): worst case = 850 + headroom of unraised targets
  const a = target('a', { replicas: 4, currentLimit: 4, priority: 1 });
  const b = target('b', { replicas: 4, currentLimit: 4, priority: 5 });
  const s = state([a, b], { currentWatts: 850 });
  const { decisions } = applyGuards(s, propose(['a', 5], ['b', 5]), emptyGuardMemory());
  // b (higher priority) gets +1 (950 W worst case); a would make 1050 W: held
  assert.equal(decisions.targets[1].maxReplicas, 5);
  assert.equal(decisions.targets[0].maxReplicas, 4);
  assert.match(decisions.targets[0].reason, /not funded/);
  // below the release line both pass
  const low = applyGuards(state([a, b], { currentWatts: 700 }), propose(['a', 5], ['b', 5]), emptyGuardMemory());
  assert.deepEqual(
    low.decisions.targets.map((d) => d.maxReplicas),
    [5, 5],
  );
});

test('pod decisions need their action allowed, the act line and the floor', () => {
  const pods = [
    { name: 'p1', ready: true },
    { name: 'p2', ready: true },
  ];
  const t = target('a', { replicas: 2, minReplicas: 1, pods });
  const proposal: CappingDecisions = {
    ...propose(['a', 2]),
    pods: pods.map((p) => ({ target: t.id, pod: p.name, action: 'Evict' as const, reason: 'x' })),
  };
  assert.equal(applyGuards(state([t], { currentWatts: 990 }), proposal, emptyGuardMemory()).decisions.pods.length, 1);
  assert.equal(applyGuards(state([t], { currentWatts: 500 }), proposal, emptyGuardMemory()).decisions.pods.length, 0);
  const noEvict = state([t], { currentWatts: 990 });
  noEvict.policy.actions = ['LimitReplicas'];
  assert.equal(applyGuards(noEvict, proposal, emptyGuardMemory()).decisions.pods.length, 0);
});

test('floors over the budget raise an alert when alerts are allowed', () => {
  const s = state([target('a', { minReplicas: 6 }), target('b', { minReplicas: 6 })], { currentWatts: 990 });
  const { decisions } = applyGuards(s, propose(['a', 1], ['b', 1]), emptyGuardMemory());
  assert.deepEqual(
    decisions.targets.map((d) => d.maxReplicas),
    [6, 6],
  );
  assert.match(decisions.alerts[0].reason, /floors alone need 1200 W/);
});
