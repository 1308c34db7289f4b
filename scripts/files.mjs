// Shared file discovery for the project's scripts (no globbing in node --test on Node 20).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Lists files under `dir` (recursively) whose name satisfies `match`, sorted. */
export function listFiles(dir, match) {
  const out = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules') out.push(...listFiles(p, match));
    } else if (match(e.name, p)) out.push(p);
  }
  return out.sort();
}

/** Newest modification time (ms) of any file under `dir`. */
export function newestMtime(dir) {
  let newest = 0;
  for (const f of listFiles(dir, () => true)) newest = Math.max(newest, statSync(f).mtimeMs);
  return newest;
}
