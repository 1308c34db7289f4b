// Copies non-TypeScript files under src/ (static dashboard files, embedded data) into dist/src/.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { listFiles } from './files.mjs';

/** Copies every non-.ts file under src/ to the same path under dist/; returns how many. */
export function copyAssets() {
  const files = listFiles('src', (name) => !name.endsWith('.ts'));
  for (const p of files) {
    const dest = join('dist', p);
    mkdirSync(dirname(dest), { recursive: true });
    copyFileSync(p, dest);
  }
  return files.length;
}
