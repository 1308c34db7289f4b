/**
 * @module modelserver/cli/text-table
 * Plain-text tables for the CLI (left-aligned text, right-aligned numbers) and number formatting.
 */

/** Renders rows under a header; columns listed in `right` are right-aligned. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[], right: ReadonlySet<number> = new Set()): string {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => (r[j] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, j) => (right.has(j) ? c.padStart(widths[j]) : c.padEnd(widths[j])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** A number with `digits` decimals, or `-` when absent or not finite. */
export function num(v: number | undefined, digits = 2): string {
  return v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits);
}
