/**
 * @module core/config
 * Loads the configuration: defaults, then the YAML file, then flags. Unknown keys in the file warn;
 * an invalid value throws `PP_INVALID_CONFIG` (file) or `PP_INVALID_FLAG` (flag) naming the key,
 * so the CLI exits 2 and nothing starts.
 */
import { readFileSync } from 'node:fs';
import { parseDocument, LineCounter } from 'yaml';
import { CONFIG_KEYS, type KeySpec, type PowerplaneConfig } from './config-keys.js';
import { ERR_INVALID_CONFIG, ERR_INVALID_FLAG, ERR_MALFORMED_FILE, ERR_FILE_UNREADABLE } from './errors.js';
import { parseDuration } from './duration.js';

export type { PowerplaneConfig } from './config-keys.js';

/** Converts a dotted key to its flag: `web.listenAddress` → `--web.listen-address`. */
export function flagForKey(key: string): string {
  return '--' + key.split('.').map((p) => p.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())).join('.');
}

/** The result of {@link loadConfig}. */
export interface LoadedConfig {
  config: PowerplaneConfig;
  /** Human-readable warnings (unknown keys). */
  warnings: string[];
}

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Path of a YAML config file. */
  file?: string;
  /** Raw flag values by dotted key (strings as typed, booleans for switches). */
  flags?: Record<string, string | boolean | undefined>;
  /** Per-command defaults that override the table's (e.g. `web.listenAddress`). */
  defaults?: Record<string, unknown>;
}

/** Returns the configuration built from the key table's defaults alone. */
export function defaultConfig(overrides: Record<string, unknown> = {}): PowerplaneConfig {
  const cfg: Record<string, unknown> = {};
  for (const spec of CONFIG_KEYS) setPath(cfg, spec.key, structuredClone(overrides[spec.key] ?? spec.default));
  return cfg as unknown as PowerplaneConfig;
}

/** Loads defaults, the YAML file, then flags, validating every value. */
export function loadConfig(opts: LoadConfigOptions = {}): LoadedConfig {
  const cfg = defaultConfig(opts.defaults) as unknown as Record<string, unknown>;
  const warnings: string[] = [];
  const byKey = new Map(CONFIG_KEYS.map((k) => [k.key, k]));

  if (opts.file) {
    const fileValues = readYamlConfig(opts.file, warnings, byKey);
    for (const [key, raw] of fileValues) {
      const spec = byKey.get(key)!;
      try {
        setPath(cfg, key, coerce(spec, raw));
      } catch (e) {
        throw ERR_INVALID_CONFIG(`config ${opts.file}: key ${key}: ${(e as Error).message}`, { key, path: opts.file });
      }
    }
  }
  for (const [key, raw] of Object.entries(opts.flags ?? {})) {
    if (raw === undefined) continue;
    const spec = byKey.get(key);
    const flag = flagForKey(key);
    if (!spec) throw ERR_INVALID_FLAG(`unknown flag ${flag}`, { flag });
    try {
      setPath(cfg, key, coerce(spec, raw));
    } catch (e) {
      throw ERR_INVALID_FLAG(`flag ${flag}: ${(e as Error).message}`, { flag, key });
    }
  }
  return { config: cfg as unknown as PowerplaneConfig, warnings };
}

function readYamlConfig(path: string, warnings: string[], byKey: Map<string, KeySpec>): Map<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw ERR_FILE_UNREADABLE(`cannot read config file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { path });
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    const line = err.linePos?.[0].line;
    throw ERR_MALFORMED_FILE(`${path}${line ? `:${line}` : ''}: ${err.message.split('\n')[0]}`, { path, line });
  }
  const root: unknown = doc.toJS() ?? {};
  if (typeof root !== 'object' || Array.isArray(root)) throw ERR_MALFORMED_FILE(`${path}: the config file must be a mapping`, { path, line: 1 });
  const out = new Map<string, unknown>();
  const walk = (node: Record<string, unknown>, prefix: string) => {
    for (const [k, v] of Object.entries(node)) {
      const key = prefix ? `${prefix}.${k}` : k;
      if (byKey.has(key)) out.set(key, v);
      else if (v !== null && typeof v === 'object' && !Array.isArray(v) && [...byKey.keys()].some((known) => known.startsWith(key + '.'))) walk(v as Record<string, unknown>, key);
      else warnings.push(`config ${path}: unknown key ${key} (ignored)`);
    }
  };
  walk(root as Record<string, unknown>, '');
  return out;
}

/** Converts a raw value (YAML or flag string) to the key's type, or throws with the reason. */
export function coerce(spec: KeySpec, raw: unknown): unknown {
  const t = spec.type;
  const checkMin = (n: number) => {
    if (spec.min !== undefined && n < spec.min) throw new Error(`must be at least ${spec.min}${t === 'duration' ? 'ms' : ''}, got ${String(raw)}`);
    return n;
  };
  if (typeof t === 'object') {
    const s = String(raw);
    if (!t.enum.includes(s)) throw new Error(`must be one of ${t.enum.join(', ')}, got ${JSON.stringify(raw)}`);
    return s;
  }
  switch (t) {
    case 'string':
      if (typeof raw !== 'string' && typeof raw !== 'number') throw new Error(`must be a string, got ${JSON.stringify(raw)}`);
      return String(raw);
    case 'bool':
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      throw new Error(`must be true or false, got ${JSON.stringify(raw)}`);
    case 'int':
    case 'number': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(n) || (t === 'int' && !Number.isInteger(n))) throw new Error(`must be ${t === 'int' ? 'an integer' : 'a number'}, got ${JSON.stringify(raw)}`);
      return checkMin(n);
    }
    case 'duration': {
      const ms = typeof raw === 'number' ? raw * 1000 : parseDuration(String(raw));
      if (ms === undefined) throw new Error(`must be a duration like 5s or 500ms, got ${JSON.stringify(raw)}`);
      return checkMin(ms);
    }
    case 'list': {
      const items = Array.isArray(raw) ? raw.map(String) : String(raw).split(',').map((s) => s.trim()).filter(Boolean);
      if (items.length === 0) throw new Error('must name at least one item');
      for (const it of items) if (spec.items && !spec.items.includes(it)) throw new Error(`unknown item ${JSON.stringify(it)}; allowed: ${spec.items.join(', ')}`);
      return [...new Set(items)];
    }
  }
}

function setPath(obj: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let cur = obj;
  for (const p of parts.slice(0, -1)) {
    if (typeof cur[p] !== 'object' || cur[p] === null) cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]] = value;
}
