/**
 * @module models/parsers/kepler-csv
 * Kepler model-server preprocessed training CSVs (`preprocess_<abs|dyn>_<extractor>[_<isolator>]_<source>_<group>.csv`,
 * e.g. kepler-model-db `models/v0.6/nx12/preprocessed_data/`): feature columns by Kepler's names, one
 * `<component>_power` column per component, and `node_type` (used as row groups). Bookkeeping columns
 * (the unnamed index, `timestamp`, `id`, `packge_ratio_*`) are ignored; all-zero power columns (core and
 * uncore on many machines) are dropped unless asked to keep them. Older names are mapped to current ones
 * (`bpf_cpu_time_us` → `bpf_cpu_time_ms`: the published data already holds CPU ms per second).
 */
import { readFile, stat } from 'node:fs/promises';
import type { Dataset } from '../types.js';
import { ERR_FILE_UNREADABLE, ERR_MALFORMED_FILE, errorMessage } from '../../core/errors.js';
import { CATEGORICAL_FEATURES, FEATURE_ALIASES, KNOWN_FEATURES } from '../features.js';
import { MAX_CSV_BYTES, numericCell, parseCsv } from './csv.js';

/** Options of {@link parseKeplerCsv}. */
export interface KeplerCsvOptions {
  /** Keep power columns that are zero on every row (default false). */
  keepZeroComponents?: boolean;
}

const IGNORED = /^(|timestamp|id|node_type|unnamed: ?0|packa?ge_ratio_.*)$/i;

/**
 * Parses a Kepler preprocessed training CSV into a data set.
 * @throws PP_MALFORMED_FILE (with path and line) for a missing feature or power column or a non-numeric cell.
 */
export function parseKeplerCsv(text: string, path = 'kepler.csv', options: KeplerCsvOptions = {}): Dataset {
  const table = parseCsv(text, path);
  const features: string[] = [];
  const featureCols: number[] = [];
  const components: string[] = [];
  const componentCols: number[] = [];
  table.header.forEach((h, j) => {
    const power = /^(.+)_power$/.exec(h);
    if (power) {
      components.push(power[1]);
      componentCols.push(j);
      return;
    }
    if (IGNORED.test(h)) return;
    const name = FEATURE_ALIASES[h] ?? h;
    if ((KNOWN_FEATURES.has(name) || CATEGORICAL_FEATURES.has(name)) && !features.includes(name)) {
      features.push(name);
      featureCols.push(j);
    }
  });
  if (features.length === 0) throw ERR_MALFORMED_FILE(`${path}: no Kepler feature column (columns: ${table.header.join(', ')})`, { path, line: 1 });
  if (components.length === 0) throw ERR_MALFORMED_FILE(`${path}: no <component>_power column`, { path, line: 1 });
  const X = table.rows.map((r) => featureCols.map((j) => numericCell(table, r, j, path)));
  let Y = table.rows.map((r) => componentCols.map((j) => numericCell(table, r, j, path)));
  const nodeType = table.header.indexOf('node_type');
  const ts = table.header.indexOf('timestamp');
  let keep = components.map((_, k) => options.keepZeroComponents === true || Y.some((y) => y[k] !== 0));
  if (!keep.some(Boolean)) keep = components.map(() => true);
  Y = Y.map((y) => y.filter((_, k) => keep[k]));
  return {
    features,
    components: components.filter((_, k) => keep[k]),
    X,
    Y,
    ...(nodeType >= 0 ? { groups: table.rows.map((r) => normalizeNodeType(r.cells[nodeType])) } : {}),
    ...(ts >= 0 ? { timestamps: table.rows.map((r) => numericCell(table, r, ts, path)) } : {}),
  };
}

/** `1.0` → `1`; other values trimmed. */
function normalizeNodeType(v: string): string {
  const n = Number(v.trim());
  return Number.isInteger(n) ? String(n) : v.trim();
}

/**
 * Reads and parses a Kepler preprocessed training CSV file.
 * @throws PP_FILE_UNREADABLE, PP_MALFORMED_FILE.
 */
export async function readKeplerCsv(path: string, options: KeplerCsvOptions = {}): Promise<Dataset> {
  let text: string;
  try {
    const st = await stat(path);
    if (st.size > MAX_CSV_BYTES) throw ERR_MALFORMED_FILE(`${path}: larger than ${MAX_CSV_BYTES} bytes`, { path });
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (ERR_MALFORMED_FILE.is(err)) throw err;
    throw ERR_FILE_UNREADABLE(`${path}: ${errorMessage(err)}`, { path }, { cause: err });
  }
  return parseKeplerCsv(text, path, options);
}
