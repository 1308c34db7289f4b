// Builds dist/ when it is missing or older than any source file (used by `npm start`). The build is an
// esbuild transpile (about a second); `npm ci` already ran it through the `prepare` script.
import { existsSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { newestMtime } from './files.mjs';

const entry = 'dist/src/cli/main.js';
const stale = !existsSync(entry) || statSync(entry).mtimeMs < Math.max(newestMtime('src'), statSync('package.json').mtimeMs);
if (stale) {
  process.stderr.write('powerplane: sources changed since the last build, building dist/ (scripts/build.mjs)…\n');
  const r = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
