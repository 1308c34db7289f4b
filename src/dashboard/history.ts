/**
 * @module dashboard/history
 * Chart history kept in memory: one point per agent refresh (node power per zone, active/idle,
 * CPU busy ratio, and the watts of the top workloads of each level), in a {@link RingBuffer} of
 * `dashboard.historyLength` points. Memory is bounded by historyLength × (zones + levels × topPerLevel);
 * points keep their workloads as parallel arrays (ids, watts) rather than objects keyed by id, and
 * workload names are kept only while a retained point refers to them.
 */
import type { NodeView, WorkloadLevel, WorkloadView } from '../core/contracts.js';
import { RingBuffer } from './ring-buffer.js';

/** The workload levels in the order the dashboard shows them. */
export const DASHBOARD_LEVELS: readonly WorkloadLevel[] = ['pod', 'container', 'process', 'vm'];

/** One recorded refresh. */
export interface HistoryPoint {
  /** ms since epoch. */
  t: number;
  watts: number;
  activeWatts: number;
  idleWatts: number;
  busyRatio: number;
  platformWatts: number | null;
  /** Watts per zone, keyed by {@link zoneKey}. */
  zones: Record<string, number>;
  /** Watts of the top workloads per level, keyed by workload id. */
  workloads: Partial<Record<WorkloadLevel, Record<string, number>>>;
}

/** What the dashboard shows of a workload besides its numbers. */
export type WorkloadCaption = Pick<WorkloadView, 'id' | 'name' | 'namespace' | 'podName'>;

interface MetaEntry {
  meta: WorkloadCaption;
  /** Retained points that name this workload. */
  refs: number;
  /** Time and watts of the newest point that names it. */
  lastT: number;
  lastWatts: number;
}

/** `GET /api/v1/history/node`: columns aligned with `timestamps`. */
export interface NodeHistory {
  timestamps: number[];
  watts: number[];
  activeWatts: number[];
  idleWatts: number[];
  busyRatio: number[];
  platformWatts: (number | null)[];
  zones: { zone: string; path: string; watts: (number | null)[] }[];
}

/** One workload's series, aligned with the history's timestamps (null where it was not in the top). */
export interface WorkloadSeries extends WorkloadCaption {
  watts: (number | null)[];
}

/** `GET /api/v1/history/workloads?level=`. */
export interface WorkloadHistory {
  level: WorkloadLevel;
  timestamps: number[];
  series: WorkloadSeries[];
}

/** Options of {@link ChartHistory}. */
export interface ChartHistoryOptions {
  /** Points kept (dashboard.historyLength). */
  length: number;
  /** Workloads recorded per level and refresh (the top by watts). */
  topPerLevel: number;
}

/** The key of a zone in {@link HistoryPoint.zones}: zone name and sysfs path. */
export function zoneKey(zone: string, path: string): string {
  return `${zone}\t${path}`;
}

function splitZoneKey(key: string): { zone: string; path: string } {
  const i = key.indexOf('\t');
  return { zone: key.slice(0, i), path: key.slice(i + 1) };
}

/** Builds the point recorded for one refresh; keeps only the `topPerLevel` workloads by watts per level. */
export function toHistoryPoint(
  node: NodeView,
  workloads: Partial<Record<WorkloadLevel, readonly WorkloadView[]>>,
  topPerLevel: number,
): HistoryPoint {
  const zones: Record<string, number> = {};
  for (const z of node.zones) zones[zoneKey(z.zone, z.path)] = z.watts;
  const byLevel: Partial<Record<WorkloadLevel, Record<string, number>>> = {};
  for (const level of DASHBOARD_LEVELS) {
    const items = workloads[level];
    if (!items) continue;
    const top = [...items].sort((a, b) => b.watts - a.watts || a.id.localeCompare(b.id)).slice(0, topPerLevel);
    byLevel[level] = Object.fromEntries(top.map((w) => [w.id, w.watts]));
  }
  return {
    t: node.timestamp,
    watts: node.watts,
    activeWatts: node.activeWatts,
    idleWatts: node.idleWatts,
    busyRatio: node.busyRatio,
    platformWatts: node.platformWatts ?? null,
    zones,
    workloads: byLevel,
  };
}

/** A point as stored: workloads as parallel arrays, which take a fraction of the memory of keyed objects. */
interface StoredPoint extends Omit<HistoryPoint, 'workloads'> {
  workloads: Partial<Record<WorkloadLevel, { ids: string[]; watts: number[] }>>;
}

/**
 * Stores `p`. When a level's workloads are the same set as in the previous point (the common case,
 * whatever their order by watts), the previous id list is shared and the watts follow its order.
 */
function toStored(p: HistoryPoint, previous: StoredPoint | undefined): StoredPoint {
  const workloads: StoredPoint['workloads'] = {};
  for (const level of DASHBOARD_LEVELS) {
    const byId = p.workloads[level];
    if (!byId) continue;
    const ids = Object.keys(byId);
    const prev = previous?.workloads[level]?.ids;
    const same = prev !== undefined && prev.length === ids.length && prev.every((id) => Object.hasOwn(byId, id));
    workloads[level] = same ? { ids: prev, watts: prev.map((id) => byId[id]) } : { ids, watts: ids.map((id) => byId[id]) };
  }
  return { ...p, workloads };
}

/** Bounded in-memory history of node and workload power for the dashboard's charts. */
export class ChartHistory {
  private readonly points: RingBuffer<StoredPoint>;
  private newest: HistoryPoint | undefined;
  private readonly topPerLevel: number;
  /** Workload metadata with the number of retained points that refer to it and its last sighting, per level. */
  private readonly meta = new Map<WorkloadLevel, Map<string, MetaEntry>>();

  constructor(opts: ChartHistoryOptions) {
    this.points = new RingBuffer<StoredPoint>(opts.length);
    this.topPerLevel = opts.topPerLevel;
    for (const level of DASHBOARD_LEVELS) this.meta.set(level, new Map());
  }

  /** Points held. */
  get length(): number {
    return this.points.length;
  }

  /** Records one refresh and returns the point recorded. */
  record(node: NodeView, workloads: Partial<Record<WorkloadLevel, readonly WorkloadView[]>>): HistoryPoint {
    const point = toHistoryPoint(node, workloads, this.topPerLevel);
    for (const level of DASHBOARD_LEVELS) {
      const ids = point.workloads[level];
      if (!ids) continue;
      const table = this.meta.get(level)!;
      const views = new Map((workloads[level] ?? []).map((w) => [w.id, w]));
      for (const id of Object.keys(ids)) {
        const w = views.get(id)!;
        const entry = table.get(id);
        const meta: WorkloadCaption = {
          id,
          name: w.name,
          ...(w.namespace ? { namespace: w.namespace } : {}),
          ...(w.podName ? { podName: w.podName } : {}),
        };
        if (entry) {
          entry.refs++;
          entry.meta = meta;
          entry.lastT = point.t;
          entry.lastWatts = w.watts;
        } else table.set(id, { meta, refs: 1, lastT: point.t, lastWatts: w.watts });
      }
    }
    const evicted = this.points.push(toStored(point, this.points.last()));
    if (evicted) this.release(evicted);
    this.newest = point;
    return point;
  }

  private release(point: StoredPoint): void {
    for (const level of DASHBOARD_LEVELS) {
      const table = this.meta.get(level)!;
      for (const id of point.workloads[level]?.ids ?? []) {
        const entry = table.get(id);
        if (!entry) continue;
        if (--entry.refs <= 0) table.delete(id);
      }
    }
  }

  /** The newest point, if any. */
  latest(): HistoryPoint | undefined {
    return this.newest;
  }

  /** Node series as columns. */
  node(): NodeHistory {
    const pts = this.points.toArray();
    const keys: string[] = [];
    const seen = new Set<string>();
    for (const p of pts) for (const k of Object.keys(p.zones)) if (!seen.has(k)) seen.add(k), keys.push(k);
    return {
      timestamps: pts.map((p) => p.t),
      watts: pts.map((p) => p.watts),
      activeWatts: pts.map((p) => p.activeWatts),
      idleWatts: pts.map((p) => p.idleWatts),
      busyRatio: pts.map((p) => p.busyRatio),
      platformWatts: pts.map((p) => p.platformWatts),
      zones: keys.map((k) => ({ ...splitZoneKey(k), watts: pts.map((p) => p.zones[k] ?? null) })),
    };
  }

  /**
   * Series of the workloads of `level` in the retained points (or only `id`): the most recently seen
   * first, then the largest watts when last seen; at most `limit` series (default twice the workloads
   * recorded per refresh), so the answer stays small however many workloads came and went.
   */
  workloads(level: WorkloadLevel, id?: string, limit = 2 * this.topPerLevel): WorkloadHistory {
    const pts = this.points.toArray();
    const table = this.meta.get(level)!;
    const entries = id === undefined ? [...table.values()] : table.has(id) ? [table.get(id)!] : [];
    entries.sort((a, b) => b.lastT - a.lastT || b.lastWatts - a.lastWatts || a.meta.id.localeCompare(b.meta.id));
    const series: WorkloadSeries[] = entries.slice(0, limit).map(({ meta }) => ({ ...meta, watts: new Array<number | null>(pts.length).fill(null) }));
    const index = new Map(series.map((s, i) => [s.id, i]));
    pts.forEach((p, t) => {
      const w = p.workloads[level];
      if (!w) return;
      for (let k = 0; k < w.ids.length; k++) {
        const i = index.get(w.ids[k]);
        if (i !== undefined) series[i].watts[t] = w.watts[k];
      }
    });
    return { level, timestamps: pts.map((p) => p.t), series };
  }

  /** True when `id` of `level` is in the retained history. */
  hasWorkload(level: WorkloadLevel, id: string): boolean {
    return this.meta.get(level)!.has(id);
  }
}
