/**
 * Locates the project's shared data sets (`../shared/data` beside the checkout, or `$POWERPLANE_SHARED_DATA`).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Absolute path of a file or folder under shared/data; throws when the folder is missing. */
export function sharedDataPath(...parts: string[]): string {
  const base = process.env.POWERPLANE_SHARED_DATA ?? join(repoRoot, '..', 'shared', 'data');
  if (!existsSync(base)) throw new Error(`shared data not found at ${base} (set POWERPLANE_SHARED_DATA)`);
  return join(base, ...parts);
}

/** Absolute path of the repository root. */
export const REPO_ROOT = repoRoot;
