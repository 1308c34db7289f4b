// The level ledger: terminated accounts leave the list (too small, beyond the cap, exported) into one
// aggregate, so listed + aggregate + unattributed always equals what the level was given.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LevelLedger, TERMINATED_AGGREGATE_ID, type TerminatedPolicy } from './ledger.js';

const POLICY: TerminatedPolicy = { maxTerminated: 2, minEnergyJoules: 1, primaryZone: 0 };
const meta = (id: string) => ({ id, name: id });

/** One interval: each workload [key, µJ of zone 0, µJ of zone 1], then the residual. */
function interval(
  l: LevelLedger,
  seq: number,
  exportedSeq: number,
  work: Array<[string, number, number]>,
  residual: [number, number] = [0, 0],
): number {
  l.begin(seq, exportedSeq, 0.01, 1);
  work.forEach(([key, a, b]) => l.add(key, meta(key), -1, 10, [a, b], [1, 1], 0, 0));
  l.addUnattributed(residual, [5, 5]);
  l.end(POLICY);
  return work.reduce((s, [, a]) => s + a, 0) + residual[0];
}

function total(l: LevelLedger): number {
  const r = l.remainder();
  return l.accounts().reduce((s, a) => s + a.energyUj[0], 0) + r.terminated.energyUj[0] + r.unattributed.energyUj[0];
}

test('terminated accounts go into the aggregate when too small, beyond the cap or exported; nothing is lost', () => {
  const l = new LevelLedger('container', 2);
  let given = interval(
    l,
    1,
    0,
    [
      ['a', 3_000_000, 1],
      ['b', 2_000_000, 1],
      ['c', 1_500_000, 1],
      ['tiny', 10, 1],
    ],
    [7, 0],
  );
  assert.equal(total(l), given);
  // all four end: tiny is under 1 J (aggregate at once), the cap keeps the two largest (c goes)
  given += interval(l, 2, 0, [['d', 4, 4]]);
  assert.deepEqual(
    l
      .accounts()
      .filter((a) => a.state === 'terminated')
      .map((a) => a.key),
    ['a', 'b'],
  );
  let r = l.remainder();
  assert.deepEqual(r.terminated.energyUj, [1_500_010, 2]);
  assert.equal(r.terminated.meta.id, TERMINATED_AGGREGATE_ID);
  assert.equal(r.terminated.state, 'terminated');
  assert.deepEqual(r.terminated.idleUj, [2, 2], 'idle energy follows into the aggregate');
  assert.ok(Math.abs(r.terminated.cpuSeconds - 0.2) < 1e-12, 'CPU seconds too');
  assert.equal(total(l), given);
  // a scrape exported seq 2: a and b leave the list for the aggregate at the next refresh
  given += interval(l, 3, 2, [['d', 4, 4]]);
  r = l.remainder();
  assert.deepEqual(
    l.accounts().map((a) => a.key),
    ['d'],
  );
  assert.deepEqual(r.terminated.energyUj, [6_500_010, 4]);
  assert.deepEqual(r.unattributed.energyUj, [7, 0]);
  assert.deepEqual(r.unattributed.idleUj, [15, 15]);
  assert.equal(total(l), given);
});

test('a listed terminated account that comes back continues its counters; the remainder is a copy', () => {
  const l = new LevelLedger('pod', 1);
  l.begin(1, 0, 0.01, 1);
  l.add('p', meta('p'), -1, 1, [2_000_000], undefined, 0, 0);
  l.end(POLICY);
  l.begin(2, 0, 0.01, 1);
  l.end(POLICY);
  const before = l.remainder();
  l.begin(3, 0, 0.01, 1);
  l.add('p', meta('p'), -1, 1, [1], undefined, 0, 0);
  l.end(POLICY);
  const [p] = l.accounts();
  assert.equal(p.state, 'running');
  assert.equal(p.energyUj[0], 2_000_001);
  assert.deepEqual(l.remainder().terminated.energyUj, [0]);
  l.begin(4, 3, 0.01, 1);
  l.end({ ...POLICY, maxTerminated: 0 });
  assert.deepEqual(l.remainder().terminated.energyUj, [2_000_001]);
  assert.deepEqual(before.terminated.energyUj, [0], 'an earlier remainder does not change');
});
