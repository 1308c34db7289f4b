/**
 * @module core/config
 * Loads the configuration of core/config-keys' schema: defaults, then the YAML file, then flags.
 * Kepler 0.11 file keys are read as their powerplane keys (a notice each) or refused with the reason;
 * other unknown keys warn. An invalid value throws `PP_INVALID_CONFIG` (file: path, line and key) or
 * `PP_INVALID_FLAG` (flag), so the CLI exits 2 and nothing starts.
 */
import { readFileSync } from 'node:fs';
import { parseDocument, LineCounter, type Document } from 'yaml';
import {
  CONFIG_KEYS,
  KEPLER_ALIASES,
  KEPLER_KEYS,
  flagForKey,
  keySpec,
  type KeySpec,
  type KeyProblem,
  type PowerplaneConfig,
} from './config-keys.js';
import { ERR_INVALID_CONFIG, ERR_INVALID_FLAG, ERR_MALFORMED_FILE, ERR_FILE_UNREADABLE, errorMessage } from './errors.js';
import { parseDuration } from './duration.js';

export type { PowerplaneConfig } from './config-keys.js';
export { flagForKey } from './config-keys.js';

/** The result of {@link loadConfig}. */
export interface LoadedConfig {
  config: PowerplaneConfig;
  /** Human-readable warnings (unknown keys). */
  warnings: string[];
  /** One line per Kepler key read (an alias, or a Kepler setting powerplane honours anyway). */
  notices: string[];
}

/** A raw flag value: a string as typed, a boolean switch, or the values of a repeated flag. */
export type RawFlag = string | boolean | readonly string[] | undefined;

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Path of a YAML config file. */
  file?: string;
  /** Raw flag values by dotted key. */
  flags?: Record<string, RawFlag>;
  /** Per-command defaults that override the table's (e.g. `web.listenAddress`), in loaded form. */
  defaults?: Record<string, unknown>;
}

/** Returns the configuration built from the key table's defaults alone (overrides in loaded form). */
export function defaultConfig(overrides: Record<string, unknown> = {}): PowerplaneConfig {
  const cfg: Record<string, unknown> = {};
  for (const spec of CONFIG_KEYS) setPath(cfg, spec.key, structuredClone(overrides[spec.key] ?? spec.default));
  return cfg as unknown as PowerplaneConfig;
}

/** Loads defaults, the YAML file, then flags, validating every value. */
export function loadConfig(opts: LoadConfigOptions = {}): LoadedConfig {
  const cfg = defaultConfig(opts.defaults) as unknown as Record<string, unknown>;
  const warnings: string[] = [];
  const notices: string[] = [];

  if (opts.file) {
    const path = opts.file;
    const { root, lineOf } = readYaml(path);
    const values = readInput(
      root,
      { unknown: (key) => warnings.push(`config ${path}: unknown key ${key} (ignored)`), notice: (m) => notices.push(`config ${path}: ${m}`) },
      (problem, source) => {
        const line = lineOf(source);
        throw ERR_INVALID_CONFIG(`config ${path}${line ? `:${line}` : ''}: key ${problem.key}: ${problem.message}`, {
          key: problem.key,
          path,
          ...(line ? { line } : {}),
        });
      },
    );
    for (const [key, value] of values) setPath(cfg, key, value);
  }
  for (const [key, raw] of Object.entries(opts.flags ?? {})) {
    if (raw === undefined) continue;
    const spec = keySpec(key);
    const flag = flagForKey(key);
    if (!spec) throw ERR_INVALID_FLAG(`unknown flag ${flag}`, { flag });
    try {
      setPath(cfg, key, coerce(spec, flagValue(spec, raw)));
    } catch (e) {
      throw ERR_INVALID_FLAG(`flag ${flag}: ${errorMessage(e)}`, { flag, key });
    }
  }
  return { config: cfg as unknown as PowerplaneConfig, warnings, notices };
}

/** A repeated flag's values: accumulated for lists (each may be a comma list), the last one otherwise. */
function flagValue(spec: KeySpec, raw: RawFlag): unknown {
  if (!Array.isArray(raw)) return raw;
  return spec.type === 'list' ? raw.join(',') : raw[raw.length - 1];
}

/**
 * The problems of a configuration in file form (a parsed YAML file, a PowerMonitor's
 * `spec.agent.config`): unknown keys, refused Kepler keys and invalid values, by dotted key. Pure.
 */
export function configInputProblems(input: unknown): KeyProblem[] {
  const problems: KeyProblem[] = [];
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return [{ key: '(root)', message: 'must be a mapping' }];
  readInput(input as Record<string, unknown>, { unknown: (key) => problems.push({ key, message: 'unknown key' }), notice: () => undefined }, (p) => {
    problems.push(p);
  });
  return problems;
}

/** Where {@link readInput} reports what it reads. */
interface InputSink {
  unknown(key: string): void;
  notice(message: string): void;
}

/** Every dotted key the file form knows: powerplane keys, their Kepler aliases and Kepler's other keys. */
const KNOWN_INPUT_KEYS: readonly string[] = [...CONFIG_KEYS.map((k) => k.key), ...KEPLER_ALIASES.keys(), ...Object.keys(KEPLER_KEYS)];

/**
 * Reads nested file-form input into loaded values by key. Kepler aliases and rules apply (notices);
 * unknown keys warn; each invalid value goes to `fail` with the dotted source key (the one written,
 * possibly Kepler's). A key set twice (by itself and an alias) with different values fails too.
 */
function readInput(root: Record<string, unknown>, sink: InputSink, fail: (problem: KeyProblem, source: string) => void): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const from = new Map<string, string>();
  const set = (key: string, value: unknown, source: string) => {
    const prev = from.get(key);
    if (prev !== undefined && JSON.stringify(out.get(key)) !== JSON.stringify(value)) {
      fail({ key: source, message: `sets ${key}, which ${prev} sets to another value` }, source);
      return;
    }
    out.set(key, value);
    from.set(key, source);
  };
  const take = (key: string, raw: unknown, source: string) => {
    try {
      set(key, coerce(keySpec(key)!, raw), source);
    } catch (e) {
      fail({ key: source, message: errorMessage(e) }, source);
    }
  };
  const walk = (node: Record<string, unknown>, prefix: string) => {
    for (const [k, v] of Object.entries(node)) {
      const key = prefix ? `${prefix}.${k}` : k;
      const alias = KEPLER_ALIASES.get(key);
      const rule = KEPLER_KEYS[key];
      if (keySpec(key)) take(key, v, key);
      else if (alias) {
        sink.notice(`Kepler key ${key} read as ${alias}`);
        take(alias, v, key);
      } else if (rule) {
        const r = rule(v);
        if ('refuse' in r) fail({ key, message: `Kepler setting ${JSON.stringify(v)} is not supported: ${r.refuse}` }, key);
        else {
          sink.notice(`Kepler key ${r.note}`);
          if ('set' in r) for (const [target, value] of Object.entries(r.set)) take(target, value, key);
        }
      } else if (v !== null && typeof v === 'object' && !Array.isArray(v) && KNOWN_INPUT_KEYS.some((known) => known.startsWith(key + '.')))
        walk(v as Record<string, unknown>, key);
      else sink.unknown(key);
    }
  };
  walk(root, '');
  return out;
}

/** Reads and parses a YAML config file; `lineOf(dotted key)` gives the line of a key's value. */
function readYaml(path: string): { root: Record<string, unknown>; lineOf: (key: string) => number | undefined } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw ERR_FILE_UNREADABLE(`cannot read config file ${path}: ${(e as NodeJS.ErrnoException).code ?? errorMessage(e)}`, { path });
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
  return { root: root as Record<string, unknown>, lineOf: (key) => lineOfKey(doc, lc, key) };
}

/** The 1-based line of the value at a dotted key (whose parts may contain dots, as Kepler's `dev.fake-cpu-meter`). */
function lineOfKey(doc: Document, lc: LineCounter, key: string): number | undefined {
  const find = (node: unknown, rest: string): number | undefined => {
    const items = (node as { items?: Array<{ key?: { value?: unknown; range?: [number, number, number] }; value?: unknown }> })?.items;
    for (const pair of items ?? []) {
      const name = String(pair.key?.value);
      if (rest === name) return pair.key?.range ? lc.linePos(pair.key.range[0]).line : undefined;
      if (rest.startsWith(name + '.')) {
        const found = find(pair.value, rest.slice(name.length + 1));
        if (found !== undefined) return found;
      }
    }
    return undefined;
  };
  return find(doc.contents, key);
}

/** Converts a raw value (YAML or flag string) to the key's type, or throws with the reason. */
export function coerce(spec: Pick<KeySpec, 'type' | 'min' | 'items'>, raw: unknown): unknown {
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
      if (!Number.isFinite(n) || (t === 'int' && !Number.isInteger(n)))
        throw new Error(`must be ${t === 'int' ? 'an integer' : 'a number'}, got ${JSON.stringify(raw)}`);
      return checkMin(n);
    }
    case 'duration': {
      const ms = typeof raw === 'number' ? raw * 1000 : parseDuration(String(raw));
      if (ms === undefined) throw new Error(`must be a duration like 5s, 500ms or 1h30m, got ${JSON.stringify(raw)}`);
      return checkMin(ms);
    }
    case 'list': {
      const items = Array.isArray(raw)
        ? raw.map(String)
        : String(raw)
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean);
      if (items.length === 0) throw new Error('must name at least one item');
      for (const it of items)
        if (spec.items && !spec.items.includes(it)) throw new Error(`unknown item ${JSON.stringify(it)}; allowed: ${spec.items.join(', ')}`);
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
