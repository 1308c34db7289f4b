import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startFakeApiServer, type FakeApiServer } from '../../test/fake-apiserver/index.js';
import { KubeClient } from './client.js';
import { LeaderElector } from './leader-elector.js';
import { LeaseLock, microTime, type Lease } from './lease-lock.js';

test('microTime has microsecond precision', () => {
  assert.equal(microTime(Date.UTC(2026, 0, 2, 3, 4, 5, 678)), '2026-01-02T03:04:05.678000Z');
});

describe('LeaseLock with two contenders', () => {
  let api: FakeApiServer;
  let client: KubeClient;
  before(async () => {
    api = await startFakeApiServer();
    client = new KubeClient({ kubeConfig: api.kubeConfig });
  });
  after(() => api.stop());

  test("one acquires, the other waits; renewals keep it; expiry (on the waiter's clock) hands it over", async () => {
    let clockA = 1_000_000;
    let clockB = 5_000_000; // a different, skewed clock: only elapsed time matters
    const a = new LeaseLock(client, { name: 'op', namespace: 'default', identity: 'a', leaseDurationSeconds: 10, now: () => clockA });
    const b = new LeaseLock(client, { name: 'op', namespace: 'default', identity: 'b', leaseDurationSeconds: 10, now: () => clockB });
    assert.equal(await a.tryAcquireOrRenew(), true);
    assert.equal(await b.tryAcquireOrRenew(), false);
    assert.equal(await b.holder(), 'a');
    clockA += 5000;
    clockB += 5000;
    assert.equal(await a.tryAcquireOrRenew(), true, 'renew');
    assert.equal(await b.tryAcquireOrRenew(), false, 'b observes the renewal now');
    clockB += 9000;
    assert.equal(await b.tryAcquireOrRenew(), false, "a renewed 9 s ago on b's observation");
    clockB += 2000;
    assert.equal(await b.tryAcquireOrRenew(), true, 'expired: b takes over');
    const lease = await client.get<Lease>({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' }, 'op', 'default');
    assert.equal(lease.spec?.holderIdentity, 'b');
    assert.equal(lease.spec?.leaseTransitions, 1);
    clockA += 1000;
    assert.equal(await a.tryAcquireOrRenew(), false, 'a lost it');
    assert.equal(a.isLeader, false);
  });

  test('release lets the other contender acquire at once', async () => {
    const a = new LeaseLock(client, { name: 'rel', namespace: 'default', identity: 'a' });
    const b = new LeaseLock(client, { name: 'rel', namespace: 'default', identity: 'b' });
    assert.equal(await a.tryAcquireOrRenew(), true);
    assert.equal(await b.tryAcquireOrRenew(), false);
    await a.release();
    assert.equal(await b.holder(), undefined);
    assert.equal(await b.tryAcquireOrRenew(), true);
  });

  test('two contenders racing for a free lease: exactly one wins', async () => {
    const locks = ['x', 'y', 'z'].map((id) => new LeaseLock(client, { name: 'race', namespace: 'default', identity: id }));
    const results = await Promise.all(locks.map((l) => l.tryAcquireOrRenew()));
    assert.equal(results.filter(Boolean).length, 1);
  });

  test('LeaderElector: the second replica takes over when the first stops', async () => {
    const events: string[] = [];
    const mk = (id: string) =>
      new LeaderElector(new LeaseLock(client, { name: 'elect', namespace: 'default', identity: id, leaseDurationSeconds: 15 }), {
        retryPeriodMs: 10,
        renewDeadlineMs: 1000,
        onStartedLeading: () => events.push(`${id}:start`),
        onStoppedLeading: () => events.push(`${id}:stop`),
      });
    const one = mk('one');
    const two = mk('two');
    one.start();
    for (let i = 0; i < 300 && !one.leading; i++) await new Promise((r) => setTimeout(r, 10));
    two.start();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(two.leading, false);
    await one.stop();
    for (let i = 0; i < 300 && !two.leading; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(two.leading, true);
    await two.stop();
    assert.deepEqual(events, ['one:start', 'one:stop', 'two:start', 'two:stop']);
  });
});
