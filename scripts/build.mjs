// Builds dist/ for running: esbuild transpiles every source file under src/ (tests excluded) one to one,
// keeping tsc's layout (dist/src/...), then the non-TypeScript assets are copied beside them.
// Type checking is not done here: `npm test` runs tsc (`npm run typecheck` alone does too).
import { build } from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { listFiles } from './files.mjs';
import { copyAssets } from './copy-assets.mjs';

const started = Date.now();
const entryPoints = listFiles('src', (name, path) => name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts') && !path.includes('/static/'));
rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints,
  outdir: 'dist/src',
  outbase: 'src',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
});
const assets = copyAssets();
// The commit this build came from, for `powerplane --version` where there is no git (an installed tarball).
const git = spawnSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' });
writeFileSync('dist/build-info.json', JSON.stringify({ commit: git.status === 0 ? git.stdout.trim() : 'unknown' }) + '\n');
process.stderr.write(`powerplane: built ${entryPoints.length} modules and ${assets} assets into dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
