/**
 * Generated configuration values for tests that cover every key of the schema: for each key a valid
 * value that is not its default, in config-file form and as it loads.
 */
import type { KeySpec } from '../../src/core/config-keys.js';
import { formatDuration } from '../../src/core/duration.js';

/** A valid value of `spec` other than its default (varied by `i`), in file form, and what it loads as. */
export function generatedValue(spec: KeySpec, i: number): { file: unknown; loaded: unknown } {
  const t = spec.type;
  if (typeof t === 'object') {
    const v = t.enum.find((e) => e !== spec.default) ?? t.enum[0];
    return { file: v, loaded: v };
  }
  switch (t) {
    case 'bool':
      return { file: !spec.default, loaded: !spec.default };
    case 'int': {
      const v = (spec.min ?? 0) + 7 + i;
      return { file: v, loaded: v };
    }
    case 'number': {
      const v = (spec.min ?? 0) + 1.5 + i;
      return { file: v, loaded: v };
    }
    case 'duration': {
      const ms = (spec.min ?? 0) + 1250 + i;
      return { file: formatDuration(ms), loaded: ms };
    }
    case 'list': {
      const v = spec.items ? [spec.items[1], spec.items[0]] : [`a${i}.example`, `b${i}.example`];
      return { file: v, loaded: v };
    }
    case 'string': {
      const v = /url|endpoint/i.test(spec.key) ? `https://bmc${i}.example/x` : `/var/lib/powerplane/${spec.key}`;
      return { file: v, loaded: v };
    }
  }
}

/** Nests dotted keys into a config-file mapping. */
export function nestKeys(entries: Array<[string, unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of entries) {
    const parts = key.split('.');
    let node = out;
    for (const p of parts.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>;
    node[parts[parts.length - 1]] = v;
  }
  return out;
}
