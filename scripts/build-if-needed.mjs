// Builds dist/ when it is missing or older than any source file (used by `npm start`).
import { existsSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { newestMtime } from './files.mjs';

const entry = 'dist/src/cli/main.js';
const stale = !existsSync(entry) || statSync(entry).mtimeMs < Math.max(newestMtime('src'), statSync('package.json').mtimeMs);
if (stale) {
  process.stderr.write('powerplane: building (npm run build)…\n');
  const r = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
