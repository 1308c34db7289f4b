// Builds dist/ for running: esbuild bundles the CLI (src/cli/main.ts) and the two worker-thread entry
// points into dist/src/cli/ (ESM, code splitting: every command's module and every lazily imported
// registry entry is its own chunk, loaded only when used), with the npm dependencies inside the bundle
// except those that must stay files on disk (NATIVE_OR_FILE_BOUND below). One bundle of ~120 files
// instead of ~1,300 separately resolved modules is what makes start-up fast (bench/startup.bench.ts).
// Then the non-TypeScript assets under src/ are copied to the same paths under dist/src/.
// Type checking is not done here: `npm test` runs tsc (`npm run typecheck` alone does too).
import { build } from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { listFiles } from './files.mjs';
import { copyAssets } from './copy-assets.mjs';

/**
 * Dependencies loaded from node_modules at run time, not bundled: koffi loads a native library; pino
 * starts its pretty-printing transport (pino-pretty) as a worker by file name; the Kubernetes client is
 * large and only loaded by commands that use a cluster, so it stays out of the bundle's parse cost.
 */
const NATIVE_OR_FILE_BOUND = ['koffi', 'pino', 'pino-pretty', '@kubernetes/client-node'];

const started = Date.now();
const sources = listFiles('src', (name, path) => name.endsWith('.ts') && !name.endsWith('.test.ts') && !path.includes('/static/')).length;
rmSync('dist', { recursive: true, force: true });
const result = await build({
  // The worker entries sit beside every chunk, so `new URL('./solve-worker.js', import.meta.url)` finds them.
  entryPoints: {
    main: 'src/cli/main.ts',
    'solve-worker': 'src/estimator/solve-worker.ts',
    'train-worker': 'src/modelserver/training/train-worker.ts',
  },
  outdir: 'dist/src/cli',
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: NATIVE_OR_FILE_BOUND,
  // Bundled CommonJS dependencies call require() for Node's built-ins: give every output file one.
  banner: { js: "import { createRequire as __ppCreateRequire } from 'node:module'; const require = __ppCreateRequire(import.meta.url);" },
  // Less to parse at start-up; identifiers are kept, so stack traces name the functions.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
});
const modules = Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js')).length;
const assets = copyAssets();
// The commit this build came from, for `powerplane --version` where there is no git (an installed tarball).
const git = spawnSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' });
writeFileSync('dist/build-info.json', JSON.stringify({ commit: git.status === 0 ? git.stdout.trim() : 'unknown' }) + '\n');
process.stderr.write(
  `powerplane: built ${modules} modules and ${assets} assets into dist/ (a bundle of ${sources} sources) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
);
