/**
 * @module core/worker
 * Starts a worker thread from a module next to the caller. Built code runs the `.js` file; under the
 * TypeScript loader (tests, `tsx`) the worker registers the same loader first and runs the `.ts` file.
 */
import { Worker } from 'node:worker_threads';

/** True when this code runs from TypeScript sources (tsx), false when built. */
const FROM_SOURCES = import.meta.url.endsWith('.ts');

/**
 * Starts a worker running `entry` (the URL of the built `.js` module, e.g.
 * `new URL('./solve-worker.js', import.meta.url)`), with `workerData`.
 */
export function startModuleWorker(entry: URL, workerData?: unknown): Worker {
  if (!FROM_SOURCES) return new Worker(entry, { workerData });
  const source = entry.href.replace(/\.js$/, '.ts');
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => m.register()).then(() => import(${JSON.stringify(source)}))`;
  return new Worker(boot, { eval: true, workerData });
}
