/**
 * Heap snapshots of a child Node process for benchmarks that hunt leaks: the child runs with
 * `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=DIR`; {@link heapSnapshotSummary} signals it, waits for
 * the file, and sums the snapshot's nodes by constructor (V8 collects garbage before it writes one, so
 * the sums are the live heap). {@link growth} lists what grew between two summaries.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** Live objects of one snapshot: count and self size per constructor (or node type), and the total. */
export interface HeapSummary {
  totalBytes: number;
  byName: Map<string, { count: number; bytes: number }>;
}

/** Signals `child` to write a heap snapshot into `dir` and summarises it (then deletes the file). */
export async function heapSnapshotSummary(child: ChildProcess, dir: string): Promise<HeapSummary> {
  const before = new Set(existsSync(dir) ? readdirSync(dir) : []);
  child.kill('SIGUSR2');
  const deadline = Date.now() + 300_000;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`no heap snapshot in ${dir} within 300 s`);
    const fresh = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.heapsnapshot') && !before.has(f)) : [];
    if (fresh.length > 0) {
      const file = join(dir, fresh[0]);
      // V8 writes the file in pieces: it is complete when it parses
      let parsed: Snapshot | undefined;
      while (!parsed) {
        if (Date.now() > deadline) throw new Error(`heap snapshot ${file} incomplete after 300 s`);
        await new Promise((r) => setTimeout(r, 1000));
        try {
          parsed = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
        } catch {
          /* still being written */
        }
      }
      const summary = summarise(parsed);
      rmSync(file);
      return summary;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

function summarise(s: Snapshot): HeapSummary {
  const fields = s.snapshot.meta.node_fields;
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const types = s.snapshot.meta.node_types[0];
  const byName = new Map<string, { count: number; bytes: number }>();
  let totalBytes = 0;
  for (let i = 0; i < s.nodes.length; i += width) {
    const type = types[s.nodes[i + typeAt]];
    const bytes = s.nodes[i + sizeAt];
    // objects by constructor; strings, arrays, code, closures by their node type
    const name = type === 'object' ? s.strings[s.nodes[i + nameAt]] : `(${type})`;
    const e = byName.get(name) ?? { count: 0, bytes: 0 };
    e.count++;
    e.bytes += bytes;
    byName.set(name, e);
    totalBytes += bytes;
  }
  return { totalBytes, byName };
}

/** The `top` constructors whose live bytes grew most from `a` to `b`. */
export function growth(a: HeapSummary, b: HeapSummary, top: number): Array<{ name: string; countDelta: number; kibDelta: number }> {
  const rows: Array<{ name: string; countDelta: number; kibDelta: number }> = [];
  for (const [name, e] of b.byName) {
    const before = a.byName.get(name) ?? { count: 0, bytes: 0 };
    rows.push({ name, countDelta: e.count - before.count, kibDelta: Math.round((e.bytes - before.bytes) / 102.4) / 10 });
  }
  return rows.sort((x, y) => y.kibDelta - x.kibDelta).slice(0, top);
}
