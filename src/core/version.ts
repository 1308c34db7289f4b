/**
 * @module core/version
 * The product's version and commit, for `powerplane version`, logs and PowerNode status.
 */
import { readFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join, sep } from 'node:path';

/** Root of the package (works from src/ under tsx and from dist/src/ when built). */
export const PACKAGE_ROOT: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json')) && !dir.endsWith('dist')) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
})();

/** The commit recorded by the build in dist/build-info.json (an installed package has no git), else `unknown`. */
function builtCommit(): string {
  try {
    const info = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'dist', 'build-info.json'), 'utf8')) as { commit?: unknown };
    return typeof info.commit === 'string' && info.commit !== '' ? info.commit : 'unknown';
  } catch {
    return 'unknown';
  }
}

let cached: { version: string; commit: string; node: string } | undefined;

/** True when this code runs from the build in dist/ (whose commit the build recorded), not from src/. */
const RUNNING_BUILT = fileURLToPath(import.meta.url).includes(`${sep}dist${sep}`);

/**
 * Version of powerplane, the git commit it comes from, and Node's. The commit is `POWERPLANE_COMMIT`;
 * else, run from dist/, the build's record (no git process at start-up, and the checkout may have moved
 * on since the build); else git's HEAD; else `unknown`.
 */
export function versionInfo(): { version: string; commit: string; node: string } {
  if (cached) return cached;
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
  let commit = process.env.POWERPLANE_COMMIT || (RUNNING_BUILT ? builtCommit() : '');
  if (!commit || commit === 'unknown') {
    try {
      commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim();
    } catch {
      commit = builtCommit();
    }
  }
  cached = { version: pkg.version, commit, node: process.version };
  return cached;
}
