/**
 * @module modelserver/store/store-cleanup
 * Removes what an interrupted save or delete leaves in the model store: the store writes a model into
 * `.<name>.tmp-<hex>` and swaps directories through `.<name>.old-<hex>` / `.<name>.deleted-<hex>`;
 * a `kill -9` in between leaves them behind. They are hidden from listings but take disk space, so
 * the model server removes them when it starts.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** The names of the store's transient directories (see {@link ModelStore.save} and `delete`). */
const LEFTOVER = /^\..+\.(tmp|old|deleted)-[0-9a-f]{12}$/;
/** Model directories sit at `<pipeline>/<energy_source>/<output_type>/<feature_group>/<name>`. */
const MODEL_DEPTH = 5;

/**
 * Removes leftover transient directories anywhere in the store's model tree whose last change is at
 * least `minAgeMs` old (a younger one may belong to a save running in another process). Returns the
 * removed paths.
 */
export async function removeStoreLeftovers(root: string, minAgeMs: number, now = Date.now()): Promise<string[]> {
  const removed: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const path = join(dir, e.name);
      if (LEFTOVER.test(e.name)) {
        const changed = await stat(path).then(
          (s) => s.mtimeMs,
          () => now,
        );
        if (now - changed >= minAgeMs) {
          await rm(path, { recursive: true, force: true });
          removed.push(path);
        }
      } else if (!e.name.startsWith('.') && depth < MODEL_DEPTH - 1) {
        await walk(path, depth + 1);
      }
    }
  };
  await walk(root, 0);
  return removed;
}
