import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSteps } from './runner.js';
import { CONTINUE, type Step } from './types.js';
import { kubeErrorFromResponse } from '../../kube/errors.js';

test('steps run in order until one stops or requeues', async () => {
  const seen: string[] = [];
  const step = (name: string, result = CONTINUE): Step<string[]> => ({ name, run: async (ctx) => (ctx.push(name), result) });
  const r = await runSteps([step('a'), step('b', { action: 'requeue', afterMs: 5, reason: 'wait' }), step('c')], seen);
  assert.deepEqual(seen, ['a', 'b']);
  assert.deepEqual(r, { result: { action: 'requeue', afterMs: 5, reason: 'wait' }, step: 'b' });
  const all = await runSteps([step('x'), step('y')], []);
  assert.deepEqual(all.result, CONTINUE);
});

test('a 409 from a step requeues; other errors stop with the error', async () => {
  const conflict: Step<null> = {
    name: 'apply',
    run: async () => {
      throw kubeErrorFromResponse(409, { kind: 'Status', reason: 'Conflict', code: 409, message: 'stale' }, 'PATCH x');
    },
  };
  const r = await runSteps([conflict], null);
  assert.deepEqual(r.result, { action: 'requeue', reason: 'conflict in apply', conflict: true });
  const boom: Step<null> = {
    name: 'boom',
    run: async () => {
      throw new Error('boom');
    },
  };
  const s = await runSteps([boom], null);
  assert.equal(s.result.action, 'stop');
  assert.equal((s.result as { error: Error }).error.message, 'boom');
});
