/**
 * @module dashboard/top-table
 * The text of `powerplane top`: a header with node power (measured or estimated, the meter named),
 * the zones, and a table of the top workloads, cut to the terminal's width and height. Pure.
 */
import type { NodeView, WorkloadsResponse, WorkloadView } from '../core/contracts.js';

/** Sort orders of the table. */
export const TOP_SORTS = ['watts', 'joules'] as const;
/** A sort order of the table. */
export type TopSort = (typeof TOP_SORTS)[number];

/** Options of {@link renderTopTable}. */
export interface TopTableOptions {
  /** Terminal columns. */
  width: number;
  /** Most workload rows. */
  rows: number;
  sort: TopSort;
}

/** Formats watts for the table (two decimals below 100 W). */
export function formatWatts(w: number): string {
  return Math.abs(w) >= 100 ? w.toFixed(0) : w.toFixed(2);
}

/** Formats joules with a unit (J, kJ, MJ). */
export function formatJoules(j: number): string {
  if (Math.abs(j) >= 1e6) return `${(j / 1e6).toFixed(2)}M`;
  if (Math.abs(j) >= 1e3) return `${(j / 1e3).toFixed(2)}k`;
  return j.toFixed(1);
}

const EMPTY: Record<WorkloadView['level'], string> = {
  pod: '(no pods: pods need --kube.enable on the agent; try --level container or process)',
  container: '(no containers on this node)',
  process: '(no processes)',
  vm: '(no virtual machines on this node)',
};

function fit(text: string, width: number): string {
  const clean = text.replace(/[\x00-\x1f\x7f]/g, '?');
  return clean.length <= width ? clean.padEnd(width) : `${clean.slice(0, Math.max(0, width - 1))}…`;
}

function where(w: WorkloadView): string {
  if (w.level === 'container') return [w.namespace, w.podName].filter(Boolean).join('/');
  if (w.level === 'process' && w.containerId) return w.containerId.slice(0, 12);
  return w.namespace ?? '';
}

/** Orders workloads by the chosen column, largest first, ties by id. */
export function sortWorkloads(items: readonly WorkloadView[], sort: TopSort): WorkloadView[] {
  const key = sort === 'watts' ? (w: WorkloadView) => w.watts : (w: WorkloadView) => w.joulesTotal;
  return [...items].sort((a, b) => key(b) - key(a) || a.id.localeCompare(b.id));
}

/** Renders the whole screen as lines (no ANSI codes), each at most `width` characters. */
export function renderTopTable(node: NodeView | undefined, wl: WorkloadsResponse, opts: TopTableOptions): string[] {
  const width = Math.max(40, opts.width);
  const lines: string[] = [];
  if (node) {
    const how = node.meter.estimated
      ? `ESTIMATED by ${node.meter.name}${node.meter.model ? ` (${node.meter.model})` : ''}`
      : `measured by ${node.meter.name}`;
    lines.push(`${node.nodeName}  ${formatWatts(node.watts)} W ${how}  at ${new Date(node.timestamp).toISOString().slice(11, 19)}Z`);
    lines.push(
      `active ${formatWatts(node.activeWatts)} W  idle ${formatWatts(node.idleWatts)} W  CPU busy ${(node.busyRatio * 100).toFixed(1)}% of ${node.cpus} CPUs${node.platformWatts !== undefined ? `  platform ${formatWatts(node.platformWatts)} W` : ''}`,
    );
    lines.push(`zones: ${node.zones.map((z) => `${z.zone} ${formatWatts(z.watts)} W`).join('  ') || 'none'}`);
  } else lines.push('no node snapshot yet');
  const sorted = sortWorkloads(wl.items, opts.sort);
  const shown = sorted.slice(0, Math.max(0, opts.rows));
  lines.push('');
  lines.push(`${wl.level}: ${shown.length} of ${wl.total}, by ${opts.sort === 'watts' ? 'watts now' : 'joules since start'}`);
  const fixed = 9 + 1 + 10 + 1 + 9 + 1 + 12 + 1;
  const rest = width - fixed;
  const nameW = Math.max(8, Math.floor(rest * 0.55));
  const whereW = Math.max(0, rest - nameW - 1);
  const header = `${'W NOW'.padStart(9)} ${'J TOTAL'.padStart(10)} ${'CPU S'.padStart(9)} ${fit('ID', 12)} ${fit('NAME', nameW)}${whereW > 0 ? ` ${fit(wl.level === 'container' ? 'NAMESPACE/POD' : wl.level === 'process' ? 'CONTAINER' : 'NAMESPACE', whereW)}` : ''}`;
  lines.push(header);
  for (const w of shown) {
    lines.push(
      `${formatWatts(w.watts).padStart(9)} ${formatJoules(w.joulesTotal).padStart(10)} ${w.cpuSecondsTotal.toFixed(1).padStart(9)} ${fit(w.id, 12)} ${fit(w.state === 'terminated' ? `${w.name} (ended)` : w.name, nameW)}${whereW > 0 ? ` ${fit(where(w), whereW)}` : ''}`,
    );
  }
  if (wl.total === 0) lines.push(EMPTY[wl.level]);
  return lines.map((l) => (l.length > width ? l.slice(0, width) : l.trimEnd()));
}
