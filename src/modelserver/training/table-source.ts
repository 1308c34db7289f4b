/**
 * @module modelserver/training/table-source
 * Training data from CSV text: plain CSVs, Kepler's preprocessed training CSVs (`<component>_power`
 * columns, `bpf_cpu_time_us` for CPU ms/s), and the agent's self-calibration file
 * (`timestamp,<feature columns>,<zone>_watts…`, ISO 8601 timestamps). Features are resolved by name (or Kepler's older
 * alias); targets are the named columns, or by default every `*_watts` / `*_power` column that is not
 * zero throughout. Component names drop the `_watts` / `_power` suffix. Rows can be limited to a time
 * window when the file has a `timestamp` column (Unix seconds, or ISO 8601).
 */
import type { Dataset } from '../../models/types.js';
import { FEATURE_ALIASES, FEATURE_GROUPS, resolveFeatures } from '../../models/features.js';
import { parseCsv, numericCell } from '../../models/parsers/csv.js';
import { ERR_MALFORMED_FILE } from '../../core/errors.js';
import { ERR_TRAINING_DATA } from '../errors.js';

/** What to take from a table. */
export interface TableSelection {
  /** Feature group name or comma list of columns. */
  features: string;
  /** Target columns (comma list); default every non-zero `*_watts` / `*_power` column. */
  target?: string;
  /** Keep rows with timestamp ≥ start (Unix seconds; needs a `timestamp` column). */
  start?: number;
  /** Keep rows with timestamp ≤ end. */
  end?: number;
  /**
   * Ignore a last line without a newline (the agent's calibration file may end in a row torn by a
   * crash; readers skip it).
   */
  dropIncompleteLastLine?: boolean;
}

/** A data set and what was adjusted on the way (dropped features, chosen targets). */
export interface SourcedDataset {
  data: Dataset;
  notes: string[];
  /** First and last timestamp (Unix seconds) when known. */
  span?: [number, number];
}

/** A timestamp cell as Unix seconds: a number (seconds; milliseconds when above 1e11) or an ISO 8601 time; NaN otherwise. */
export function timestampCell(cell: string): number {
  const c = cell.trim();
  if (/^-?\d+(\.\d+)?$/.test(c)) {
    const n = Number(c);
    return Math.abs(n) > 1e11 ? n / 1000 : n;
  }
  return /^\d{4}-\d{2}-\d{2}T/.test(c) ? Date.parse(c) / 1000 : NaN;
}

/** `package_watts` → `package`, `dram_power` → `dram`; other names stay. */
export function componentName(column: string): string {
  const m = /^(.+)_(watts|power)$/.exec(column);
  return m ? m[1] : column;
}

function isGroupName(text: string): boolean {
  return Object.keys(FEATURE_GROUPS).some((g) => g.toLowerCase() === text.trim().toLowerCase());
}

/** Builds a data set from CSV text (`path` is named in errors, with the line). */
export function datasetFromCsvText(text: string, path: string, sel: TableSelection): SourcedDataset {
  const complete = sel.dropIncompleteLastLine && !text.endsWith('\n') ? text.slice(0, text.lastIndexOf('\n') + 1) : text;
  const table = parseCsv(complete, path);
  const notes: string[] = [];
  const header = table.header.map((h) => h.trim());
  const findColumn = (name: string): number => {
    const direct = header.indexOf(name);
    if (direct >= 0) return direct;
    return header.findIndex((h) => FEATURE_ALIASES[h] === name);
  };
  const wanted = resolveFeatures(sel.features);
  const features: string[] = [];
  const featureCols: number[] = [];
  for (const f of wanted) {
    const j = findColumn(f);
    if (j >= 0) {
      features.push(f);
      featureCols.push(j);
    } else if (isGroupName(sel.features)) {
      notes.push(`feature ${f} of group ${sel.features} is not in ${path}; trained without it`);
    } else {
      throw ERR_MALFORMED_FILE(`${path}: no column ${f} (columns: ${header.join(', ')})`, { path, line: 1, field: 'features' });
    }
  }
  if (features.length === 0)
    throw ERR_TRAINING_DATA(`${path}: none of the features ${wanted.join(', ')} is a column (columns: ${header.join(', ')})`, {
      path,
      field: 'features',
    });

  let targetCols: number[];
  if (sel.target !== undefined && sel.target.trim() !== '') {
    targetCols = sel.target
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean)
      .map((t) => {
        const j = header.indexOf(t);
        if (j < 0) throw ERR_MALFORMED_FILE(`${path}: no target column ${t} (columns: ${header.join(', ')})`, { path, line: 1, field: 'target' });
        return j;
      });
  } else {
    targetCols = header.map((h, j) => (/_(watts|power)$/.test(h) ? j : -1)).filter((j) => j >= 0);
    if (targetCols.length === 0) throw ERR_TRAINING_DATA(`${path}: no *_watts or *_power column; name the target`, { path, field: 'target' });
  }
  const ts = header.indexOf('timestamp');
  if ((sel.start !== undefined || sel.end !== undefined) && ts < 0) {
    throw ERR_TRAINING_DATA(`${path}: --start/--end need a timestamp column`, { path, field: 'start' });
  }
  const group = header.indexOf('node_type');
  const X: number[][] = [];
  let Y: number[][] = [];
  const groups: string[] = [];
  let first = Infinity;
  let last = -Infinity;
  for (const r of table.rows) {
    if (ts >= 0) {
      const t = timestampCell(r.cells[ts]);
      if (!Number.isFinite(t))
        throw ERR_MALFORMED_FILE(`${path}:${r.line}: timestamp ${JSON.stringify(r.cells[ts])} is neither Unix seconds nor an ISO 8601 time`, {
          path,
          line: r.line,
          field: 'timestamp',
        });
      if ((sel.start !== undefined && t < sel.start) || (sel.end !== undefined && t > sel.end)) continue;
      first = Math.min(first, t);
      last = Math.max(last, t);
    }
    X.push(featureCols.map((j) => numericCell(table, r, j, path)));
    Y.push(targetCols.map((j) => numericCell(table, r, j, path)));
    if (group >= 0) groups.push(r.cells[group].trim().replace(/\.0+$/, ''));
  }
  let components = targetCols.map((j) => componentName(header[j]));
  if (sel.target === undefined || sel.target.trim() === '') {
    const keep = components.map((_, k) => Y.some((y) => y[k] !== 0));
    if (keep.some(Boolean) && !keep.every(Boolean)) {
      notes.push(
        `dropped all-zero target column(s) ${targetCols
          .filter((_, k) => !keep[k])
          .map((j) => header[j])
          .join(', ')}`,
      );
      components = components.filter((_, k) => keep[k]);
      Y = Y.map((y) => y.filter((_, k) => keep[k]));
    }
  }
  if (new Set(components).size !== components.length)
    throw ERR_TRAINING_DATA(`${path}: target columns name the same component twice (${components.join(', ')})`, { path, field: 'target' });
  if (X.length === 0)
    throw ERR_TRAINING_DATA(`${path}: no rows${sel.start !== undefined || sel.end !== undefined ? ' in the time window' : ''}`, {
      path,
      field: 'start',
    });
  return {
    data: { features, components, X, Y, ...(group >= 0 ? { groups } : {}) },
    notes,
    ...(Number.isFinite(first) ? { span: [first, last] as [number, number] } : {}),
  };
}
