/**
 * @module core/version
 * The product's version and commit, for `powerplane version`, logs and PowerNode status.
 */
import { readFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

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

/** Version of powerplane, the git commit it was built from (`POWERPLANE_COMMIT`, else git, else the build's record, else `unknown`), and Node's. */
export function versionInfo(): { version: string; commit: string; node: string } {
  if (cached) return cached;
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
  let commit = process.env.POWERPLANE_COMMIT ?? '';
  if (!commit) {
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
