import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JobQueue } from './jobs.js';
import { ERR_BAD_REQUEST } from '../../core/errors.js';
import { ERR_JOB_QUEUE_FULL } from '../errors.js';

test('jobs run one at a time, report progress, and keep results and errors', async () => {
  const q = new JobQueue();
  const order: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const a = q.submit({ what: 'a' }, async (report) => {
    order.push('a-start');
    report(1, 4, 'fold 1');
    await gate;
    order.push('a-end');
    return { ok: 1 };
  });
  const b = q.submit({ what: 'b' }, async () => {
    order.push('b');
    throw ERR_BAD_REQUEST('no data', { field: 'source' });
  });
  await new Promise((r) => setImmediate(r));
  assert.equal(q.get(a.id)?.state, 'running');
  assert.deepEqual(q.get(a.id)?.progress, { done: 1, total: 4, fraction: 0.25, message: 'fold 1' });
  assert.equal(q.get(b.id)?.state, 'queued');
  release();
  await q.idle();
  assert.deepEqual(order, ['a-start', 'a-end', 'b']);
  assert.deepEqual(q.get(a.id)?.result, { ok: 1 });
  assert.equal(q.get(a.id)?.state, 'succeeded');
  assert.deepEqual(q.get(b.id)?.error, { code: 'PP_BAD_REQUEST', message: 'no data', field: 'source' });
  assert.equal(q.get('nope'), undefined);
});

test('the queue is bounded and forgets old finished jobs', async () => {
  const q = new JobQueue({ maxQueued: 1, keep: 1 });
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const first = q.submit({}, () => gate);
  const second = q.submit({}, async () => 2);
  assert.throws(
    () => q.submit({}, async () => 3),
    (e) => ERR_JOB_QUEUE_FULL.is(e) && e.status === 429,
  );
  release();
  await q.idle();
  assert.equal(q.get(first.id), undefined);
  assert.equal(q.get(second.id)?.result, 2);
  await q.close();
  assert.throws(
    () => q.submit({}, async () => 4),
    (e) => ERR_JOB_QUEUE_FULL.is(e),
  );
});

test('close aborts the running job and fails the queued ones', async () => {
  const q = new JobQueue();
  const running = q.submit({}, (_report, signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))));
  const queued = q.submit({}, async () => 1);
  await new Promise((r) => setImmediate(r));
  await q.close();
  assert.equal(q.get(running.id)?.state, 'failed');
  assert.match(q.get(running.id)!.error!.message, /shut down during the job/);
  assert.equal(q.get(queued.id)?.state, 'failed');
});
