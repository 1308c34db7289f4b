import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trainInWorker } from './train-runner.js';

test('training runs in a worker thread with progress, and worker errors come back as catalog errors', async () => {
  const X = Array.from({ length: 30 }, (_, i) => [i]);
  const Y = X.map(([x]) => [2 * x + 1]);
  const steps: number[] = [];
  const out = await trainInWorker(
    { features: ['x'], components: ['w'], X, Y },
    { trainers: ['linear'], folds: 3, outputType: 'AbsPower', isolator: 'none' },
    (d) => steps.push(d),
  );
  assert.equal(out.best, 'linear');
  assert.ok(out.outcomes[0].accuracy!.aggregate.mae < 1e-9);
  assert.deepEqual(steps, [0, 1, 2]);
  await assert.rejects(
    trainInWorker(
      { features: ['x'], components: ['w'], X: [[1]], Y: [[1]] },
      { trainers: ['linear'], folds: 3, outputType: 'AbsPower', isolator: 'none' },
    ),
    (e: Error & { code?: string; status?: number }) => e.code === 'PP_MODEL_BAD_DATASET' && e.status === 400,
  );
});

test('aborting terminates the worker and rejects with PP_MODELSERVER_CANCELLED', async () => {
  const X = Array.from({ length: 3000 }, (_, i) => [i % 97, i % 13]);
  const Y = X.map(([a, b]) => [a * 2 + b]);
  const ac = new AbortController();
  const p = trainInWorker(
    { features: ['a', 'b'], components: ['w'], X, Y },
    { trainers: ['gbt', 'gbt', 'gbt'], folds: 10, outputType: 'AbsPower', isolator: 'none' },
    () => ac.abort(),
    ac.signal,
  );
  await assert.rejects(p, (e: Error & { code?: string }) => e.code === 'PP_MODELSERVER_CANCELLED');
  await assert.rejects(
    trainInWorker(
      { features: ['a'], components: ['w'], X: [[1], [2]], Y: [[1], [2]] },
      { trainers: ['linear'], folds: 2, outputType: 'AbsPower', isolator: 'none' },
      undefined,
      ac.signal,
    ),
    (e: Error & { code?: string }) => e.code === 'PP_MODELSERVER_CANCELLED',
  );
});
