/**
 * @module core/config-watch
 * Watches the config file (`--config.file`) by polling its metadata, which also sees a Kubernetes
 * ConfigMap volume update (the kubelet swaps a symlink: a new inode), and calls back on each change,
 * one call at a time.
 */
import { watchFile, unwatchFile, type Stats } from 'node:fs';
import type { Logger } from '../core/logger.js';

/** Polling period of the config file. */
export const CONFIG_POLL_MS = 2000;

/** Calls `onChange` after the file changes; returns the stop function. */
export function watchConfigFile(path: string, onChange: () => Promise<void>, log: Logger, intervalMs = CONFIG_POLL_MS): () => void {
  let chain = Promise.resolve();
  const listener = (cur: Stats, prev: Stats) => {
    if (cur.mtimeMs === prev.mtimeMs && cur.ino === prev.ino && cur.size === prev.size) return;
    chain = chain.then(onChange).catch((err: unknown) => log.warn({ err, file: path }, 'config reload failed; keeping the running configuration'));
  };
  watchFile(path, { interval: intervalMs, persistent: false }, listener);
  return () => unwatchFile(path, listener);
}
