#!/usr/bin/env node
/**
 * @module cli/launcher
 * The built `powerplane` binary (dist/src/cli/main.js): runs the CLI bundle (`powerplane.cjs`, all of
 * src/cli/main.ts's code in one CommonJS file) from V8's code cache (`powerplane.cjs.cache`, written by
 * the build after a run of `powerplane up`), so that a start-up does not parse and compile the product's
 * code again (bench/startup.bench.ts). Node 20 caches no ES module code, which is why the bundle is
 * CommonJS. A cache that is missing or that V8 rejects (another Node version, other V8 flags) only makes
 * the start slower. With `POWERPLANE_CODE_CACHE_OUT=FILE` the process writes the cache of what it ran to
 * FILE when it exits (the build's use); with `POWERPLANE_CODE_CACHE_REPORT=1` it says on stderr whether
 * the cache was used (`code cache: used`, `rejected` or `missing`).
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

const bundle = fileURLToPath(new URL('./powerplane.cjs', import.meta.url));

/** The cache file's bytes, or undefined when there is none. */
function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

const cachedData = readCache(`${bundle}.cache`);
const script = new Script(Module.wrap(readFileSync(bundle, 'utf8').replace(/^#!.*/, '')), { filename: bundle, cachedData });
if (process.env.POWERPLANE_CODE_CACHE_REPORT === '1')
  process.stderr.write(`code cache: ${cachedData === undefined ? 'missing' : script.cachedDataRejected ? 'rejected' : 'used'}\n`);
const out = process.env.POWERPLANE_CODE_CACHE_OUT;
if (out) {
  process.on('exit', () => {
    writeFileSync(`${out}.tmp`, script.createCachedData());
    renameSync(`${out}.tmp`, out);
  });
}
const cjs = { exports: {} };
(script.runInThisContext() as (...args: unknown[]) => void).call(cjs.exports, cjs.exports, createRequire(bundle), cjs, bundle, dirname(bundle));
