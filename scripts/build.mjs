// Builds dist/ for running, into dist/src/cli/ (npm dependencies inside the bundles, except those that must
// stay files on disk, NATIVE_OR_FILE_BOUND below):
// - the CLI (src/cli/main.ts) as one CommonJS bundle, `powerplane.cjs`, run by a small launcher,
//   `main.js` (src/cli/launcher.ts), from V8's code cache `powerplane.cjs.cache`. Node 20 keeps no code
//   cache for ES modules, so the CLI is CommonJS: one file instead of ~1,300 modules to resolve, and no
//   parse or compile of the product's code at start-up (bench/startup.bench.ts).
// - the two worker-thread entries (ESM, code splitting: a trainer is a chunk loaded only when asked for).
// - the code cache: the build runs the bundled `powerplane up` once (loopback, port 0, a temporary model
//   store), asks it for its pages, stops it, and keeps the cache of the code that run compiled. Where it
//   cannot run, the build says so and dist/ works without the cache, only starting slower.
// Then the non-TypeScript assets under src/ are copied to the same paths under dist/src/.
// Type checking is not done here: `npm test` runs tsc (`npm run typecheck` alone does too).
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listFiles } from './files.mjs';
import { copyAssets } from './copy-assets.mjs';

/**
 * Dependencies loaded from node_modules at run time, not bundled: koffi loads a native library; pino
 * starts its pretty-printing transport (pino-pretty) as a worker by file name; the Kubernetes client is
 * large and only loaded by commands that use a cluster, so it stays out of the bundle's parse cost.
 */
const NATIVE_OR_FILE_BOUND = ['koffi', 'pino', 'pino-pretty', '@kubernetes/client-node'];

/**
 * Parts of fastify that powerplane never runs, left out of the bundle (fastify requires them only when
 * used): its schema compilers (Ajv, fast-json-stringify; src/core/server.ts gives fastify its own
 * factories, since handlers check their input) and light-my-request (`inject`, for tests).
 */
const NEVER_LOADED = ['@fastify/ajv-compiler', '@fastify/fast-json-stringify-compiler', 'light-my-request'];

const OUT = 'dist/src/cli';

/** Options both builds share. */
const common = {
  outdir: OUT,
  bundle: true,
  platform: 'node',
  target: 'node20',
  external: [...NATIVE_OR_FILE_BOUND, ...NEVER_LOADED],
  // Less to parse at start-up; identifiers are kept, so stack traces name the functions.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
};

const started = Date.now();
const sources = listFiles('src', (name, path) => name.endsWith('.ts') && !name.endsWith('.test.ts') && !path.includes('/static/')).length;
rmSync('dist', { recursive: true, force: true });

const cli = await build({
  ...common,
  entryPoints: { powerplane: 'src/cli/main.ts' },
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  // ES module code asks import.meta.url for its own location (assets, worker entries beside it): in the
  // bundle that is the bundle's file. import.meta.resolve is only used when running from sources (tsx).
  define: { 'import.meta.url': '__ppModuleUrl', 'import.meta.resolve': '__ppNoResolve' },
  banner: {
    js:
      "const __ppModuleUrl = require('node:url').pathToFileURL(__filename).href; " +
      "const __ppNoResolve = () => { throw new Error('import.meta.resolve is not available in the built CLI'); };",
  },
});
const launcher = await build({ ...common, entryPoints: { main: 'src/cli/launcher.ts' }, format: 'esm', sourcemap: false });
const workers = await build({
  ...common,
  // The worker entries sit beside their chunks, so `new URL('./solve-worker.js', import.meta.url)` finds them.
  entryPoints: { 'solve-worker': 'src/estimator/solve-worker.ts', 'train-worker': 'src/modelserver/training/train-worker.ts' },
  entryNames: '[name]',
  chunkNames: 'worker-[name]-[hash]',
  splitting: true,
  format: 'esm',
  // Bundled CommonJS dependencies call require() for Node's built-ins: give every output file one.
  banner: { js: "import { createRequire as __ppCreateRequire } from 'node:module'; const require = __ppCreateRequire(import.meta.url);" },
});
const modules = [cli, launcher, workers].reduce((n, r) => n + Object.keys(r.metafile.outputs).filter((f) => /\.c?js$/.test(f)).length, 0);
const assets = copyAssets();
// The commit this build came from, for `powerplane --version` where there is no git (an installed tarball).
const git = spawnSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' });
writeFileSync('dist/build-info.json', JSON.stringify({ commit: git.status === 0 ? git.stdout.trim() : 'unknown' }) + '\n');
const cache = await writeCodeCache();
process.stderr.write(
  `powerplane: built ${modules} files and ${assets} assets into dist/ (a bundle of ${sources} sources; ${cache}) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
);

/**
 * Runs `powerplane up` from dist/ with POWERPLANE_CODE_CACHE_OUT, loads its page, metrics and APIs, and
 * stops it: the launcher then writes the code cache. Returns a few words on the outcome.
 */
async function writeCodeCache() {
  const file = join(OUT, 'powerplane.cjs.cache');
  const store = mkdtempSync(join(tmpdir(), 'pp-build-cache-'));
  const child = spawn(
    process.execPath,
    [join(OUT, 'main.js'), 'up', '--web.listen-address', '127.0.0.1:0', '--model-server.store-dir', store, '--log.level', 'error'],
    { env: { ...process.env, POWERPLANE_CODE_CACHE_OUT: file }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let timer;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const base = await new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(new Error('no "powerplane is up" within 60 s')), 60_000);
      const check = (d) => {
        out += d.toString();
        const m = /open (http:\/\/[^\s/]+)\//.exec(out);
        if (m) resolve(m[1]);
      };
      child.stdout.on('data', check);
      child.stderr.on('data', check);
      void exited.then((code) => reject(new Error(`up exited with ${code}: ${out.trim()}`)));
    });
    for (const path of ['/healthz', '/readyz', '/', '/metrics', '/api/v1/dashboard', '/api/v1/history/node', '/model', '/v1/models'])
      await fetch(base + path).then((r) => r.arrayBuffer());
    child.kill('SIGTERM');
    const code = await exited;
    if (code !== 0) throw new Error(`up exited with ${code} when stopped: ${out.trim()}`);
    return 'code cache written';
  } catch (err) {
    child.kill('SIGKILL');
    rmSync(file, { force: true });
    process.stderr.write(`powerplane: no code cache (dist/ works, starts slower): ${err instanceof Error ? err.message : err}\n`);
    return 'no code cache';
  } finally {
    clearTimeout(timer);
    rmSync(store, { recursive: true, force: true });
  }
}
