import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { WorkQueue, queueBackoff } from './queue.js';

// The queue's timers are unref'd (they must not keep a stopping process alive); keep the loop alive while testing.
const keepAlive = setInterval(() => undefined, 1000);
after(() => clearInterval(keepAlive));

test('backoff doubles and is capped', () => {
  assert.deepEqual(
    [1, 2, 3, 4].map((n) => queueBackoff(n, 100, 500)),
    [100, 200, 400, 500],
  );
});

test('keys added in a burst run once; a key added while running runs again; never concurrently', async () => {
  const runs: string[] = [];
  let active = 0;
  let maxActive = 0;
  let release: (() => void) | undefined;
  const q = new WorkQueue(
    async (k) => {
      active++;
      maxActive = Math.max(maxActive, active);
      runs.push(k);
      if (runs.length === 2) await new Promise<void>((r) => (release = r));
      active--;
    },
    { coalesceMs: 5 },
  );
  q.add('a');
  q.add('a');
  q.add('a');
  await q.idle();
  assert.deepEqual(runs, ['a']);
  q.add('a');
  while (!release) await new Promise((r) => setTimeout(r, 1));
  q.add('a');
  q.add('a');
  release();
  await q.idle();
  assert.deepEqual(runs, ['a', 'a', 'a']);
  assert.equal(maxActive, 1);
  q.stop();
});

test('failures come back after a backoff until they succeed', async () => {
  let calls = 0;
  const q = new WorkQueue(async () => (++calls < 3 ? { failed: true } : undefined), { coalesceMs: 1, baseBackoffMs: 2 });
  q.add('k');
  await q.idle();
  assert.equal(calls, 3);
  q.stop();
});
