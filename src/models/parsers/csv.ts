/**
 * @module models/parsers/csv
 * A small RFC 4180 CSV reader (quoted fields, doubled quotes, CRLF) that keeps line numbers for
 * errors, and {@link parseCsvDataset}: a CSV with a header row → a {@link Dataset} from named feature
 * and target columns.
 */
import type { Dataset } from '../types.js';
import { ERR_MALFORMED_FILE } from '../../core/errors.js';
import { resolveFeatures } from '../features.js';
import { MAX_DATASET_ROWS } from '../dataset.js';

/** Largest CSV text accepted (bytes). */
export const MAX_CSV_BYTES = 64 * 1024 * 1024;

/** One data row: its cells, whether each was quoted, and its 1-based line number. */
export interface CsvRow {
  cells: string[];
  quoted: boolean[];
  line: number;
}

/** A parsed CSV: the header and the data rows (blank lines skipped). */
export interface CsvTable {
  header: string[];
  rows: CsvRow[];
}

/**
 * Parses CSV text. `path` is named in errors.
 * @throws PP_MALFORMED_FILE for an unterminated quote, a row of the wrong width, or oversized input.
 */
export function parseCsv(text: string, path = 'csv'): CsvTable {
  if (text.length > MAX_CSV_BYTES) throw ERR_MALFORMED_FILE(`${path}: larger than ${MAX_CSV_BYTES} bytes`, { path });
  const records: CsvRow[] = [];
  let cells: string[] = [];
  let quoted: boolean[] = [];
  let cell = '';
  let isQuoted = false;
  let inQuotes = false;
  let line = 1;
  let startLine = 1;
  const endCell = () => {
    cells.push(cell);
    quoted.push(isQuoted);
    cell = '';
    isQuoted = false;
  };
  const endRow = () => {
    endCell();
    if (!(cells.length === 1 && cells[0].trim() === '' && !quoted[0])) records.push({ cells, quoted, line: startLine });
    cells = [];
    quoted = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '"' && cell.trim() === '') {
      inQuotes = true;
      isQuoted = true;
      cell = '';
    } else if (ch === ',') endCell();
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      startLine = line;
    } else cell += ch;
  }
  if (inQuotes) throw ERR_MALFORMED_FILE(`${path}:${startLine}: unterminated quoted field`, { path, line: startLine });
  if (cell !== '' || cells.length > 0) endRow();
  if (records.length === 0) throw ERR_MALFORMED_FILE(`${path}: empty file (no header row)`, { path, line: 1 });
  const [head, ...rows] = records;
  const header = head.cells.map((h) => h.trim());
  for (const r of rows) {
    if (r.cells.length !== header.length) {
      throw ERR_MALFORMED_FILE(`${path}:${r.line}: ${r.cells.length} fields, the header has ${header.length}`, { path, line: r.line });
    }
  }
  return { header, rows };
}

/**
 * Parses a numeric cell. With `decimalComma`, a quoted `"57,88"` reads as 57.88.
 * @returns NaN when the cell is not a number.
 */
export function parseNumberCell(cell: string, quoted: boolean, decimalComma = false): number {
  let s = cell.trim();
  if (decimalComma && quoted && /^[-+]?\d+,\d+$/.test(s)) s = s.replace(',', '.');
  if (s === '' || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return NaN;
  return Number(s);
}

/** Index of each named column. @throws PP_MALFORMED_FILE naming a missing column. */
export function columnIndices(table: CsvTable, names: readonly string[], path: string): number[] {
  return names.map((n) => {
    const j = table.header.indexOf(n);
    if (j < 0) throw ERR_MALFORMED_FILE(`${path}: no column ${n} (columns: ${table.header.join(', ')})`, { path, line: 1, field: n });
    return j;
  });
}

/** Reads the numeric cell (row, column) or throws with path and line. */
export function numericCell(table: CsvTable, row: CsvRow, j: number, path: string, decimalComma = false): number {
  const v = parseNumberCell(row.cells[j], row.quoted[j], decimalComma);
  if (!Number.isFinite(v)) {
    throw ERR_MALFORMED_FILE(`${path}:${row.line}: column ${table.header[j]} is not a number (${JSON.stringify(row.cells[j])})`, {
      path,
      line: row.line,
      field: table.header[j],
    });
  }
  return v;
}

/** Options of {@link parseCsvDataset}. */
export interface CsvDatasetOptions {
  /** Feature group name, comma list, or list of column names. */
  features: string | readonly string[];
  /** Target column name(s) (a comma list is accepted); each becomes a component of the same name. */
  target: string | readonly string[];
  /** Optional column whose values become row groups (e.g. `node_type`). */
  groupColumn?: string;
  /** Named in errors. */
  path?: string;
  /** Read quoted `"1,5"` as 1.5. */
  decimalComma?: boolean;
}

/**
 * A CSV with a header row → a data set of the named feature and target columns.
 * @throws PP_MALFORMED_FILE naming the path, line and column of a missing column or a non-numeric cell.
 */
export function parseCsvDataset(text: string, options: CsvDatasetOptions): Dataset {
  const path = options.path ?? 'csv';
  const table = parseCsv(text, path);
  if (table.rows.length > MAX_DATASET_ROWS) throw ERR_MALFORMED_FILE(`${path}: more than ${MAX_DATASET_ROWS} rows`, { path });
  const features = resolveFeatures(options.features);
  const targets =
    typeof options.target === 'string'
      ? options.target
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [...options.target];
  if (targets.length === 0) throw ERR_MALFORMED_FILE(`${path}: no target column given`, { path, field: 'target' });
  const fi = columnIndices(table, features, path);
  const ti = columnIndices(table, targets, path);
  const gi = options.groupColumn !== undefined ? columnIndices(table, [options.groupColumn], path)[0] : undefined;
  const dc = options.decimalComma ?? false;
  return {
    features,
    components: targets,
    X: table.rows.map((r) => fi.map((j) => numericCell(table, r, j, path, dc))),
    Y: table.rows.map((r) => ti.map((j) => numericCell(table, r, j, path, dc))),
    ...(gi !== undefined ? { groups: table.rows.map((r) => r.cells[gi].trim()) } : {}),
  };
}
