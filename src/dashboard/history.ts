/**
 * @module dashboard/history
 * Chart history kept in memory: one point per agent refresh (node power per zone, active/idle,
 * CPU busy ratio, and the watts of the top workloads of each level), covering the last
 * `dashboard.historyLength` refreshes in two tiers:
 *
 * - the last hour ({@link FULL_RESOLUTION_MS}) at full resolution, one point per refresh, in a
 *   {@link RingBuffer};
 * - older refreshes as 1-minute means ({@link AVERAGE_STEP_MS}) in an {@link AveragedTier} of typed
 *   arrays: energy-preserving time-weighted means, partial buckets and gaps marked, nothing interpolated.
 *
 * Refreshes move from the first tier to the second a whole minute at a time, so the boundary falls
 * between buckets. Workload ids are interned per level in a {@link WorkloadCatalog}; a workload's
 * caption is kept only while a retained point or bucket refers to it, so memory stays bounded however
 * many workloads come and go.
 */
import type { NodeView, WorkloadLevel, WorkloadView } from '../core/contracts.js';
import { RingBuffer } from './ring-buffer.js';
import { AveragedTier, type NodeReadingColumns, type NodeReadings, type TierColumns, type TierPoint } from './averaged-tier.js';
import { WorkloadCatalog, captionOf, type WorkloadCaption } from './workload-catalog.js';

export type { WorkloadCaption } from './workload-catalog.js';

/** The workload levels in the order the dashboard shows them. */
export const DASHBOARD_LEVELS: readonly WorkloadLevel[] = ['pod', 'container', 'process', 'vm'];

/** Span of the newest history kept at full resolution (one point per refresh): one hour. */
export const FULL_RESOLUTION_MS = 3_600_000;
/** Width of the buckets older history is averaged into: one minute. */
export const AVERAGE_STEP_MS = 60_000;

/** One recorded refresh (zones keyed by {@link zoneKey}). */
export interface HistoryPoint extends NodeReadings {
  /** ms since epoch. */
  t: number;
  /** Watts of the top workloads per level, keyed by workload id. */
  workloads: Partial<Record<WorkloadLevel, Record<string, number>>>;
}

/**
 * A run of the history's columns at one resolution: indices `[start, end)` of `timestamps`.
 * Averaged points are the time-weighted means of the refreshes in `stepMs` buckets, stamped with
 * the bucket's start; full-resolution points are one per refresh, `stepMs` being the refresh interval.
 */
export interface HistorySegment {
  start: number;
  end: number;
  stepMs: number;
  averaged: boolean;
}

/** `GET /api/v1/history/node`: columns aligned with `timestamps`. */
export interface NodeHistory extends NodeReadingColumns {
  timestamps: number[];
  /** `partial`: averaged points where the zone had no reading at some of the bucket's refreshes (the mean is of those it had). */
  zones: { zone: string; path: string; watts: (number | null)[]; partial: number[] }[];
  /** Resolution of each part of the columns, oldest first. */
  segments: HistorySegment[];
  /** Points with time before them (or, averaged, within their bucket) that no recorded refresh covers. */
  gaps: number[];
}

/** One workload's series, aligned with the history's timestamps (null where it was not in the top). */
export interface WorkloadSeries extends WorkloadCaption {
  watts: (number | null)[];
  /** Averaged points where the workload was outside the top at some of the bucket's refreshes (the mean is of the refreshes where it was in). */
  partial: number[];
}

/** `GET /api/v1/history/workloads?level=`. */
export interface WorkloadHistory {
  level: WorkloadLevel;
  timestamps: number[];
  series: WorkloadSeries[];
  segments: HistorySegment[];
  gaps: number[];
}

/** Options of {@link ChartHistory}. */
export interface ChartHistoryOptions {
  /** Refreshes covered (dashboard.historyLength). */
  length: number;
  /** Workloads recorded per level and refresh (the top by watts). */
  topPerLevel: number;
  /** The agent's refresh interval (ms): sizes the tiers; a refresh without its own interval is weighted by it. */
  intervalMs: number;
}

/** How many refreshes each tier holds for `opts`. */
export interface TierSizes {
  /** Refreshes kept at full resolution (the ring holds up to a minute more, so whole minutes move). */
  fullResolution: number;
  /** Capacity of the full-resolution ring. */
  rawCapacity: number;
  /** Buckets of averaged history (0: none, everything at full resolution). */
  buckets: number;
}

/**
 * Sizes of the two tiers for a history of `length` refreshes every `intervalMs`: the last hour at
 * full resolution, the rest in 1-minute buckets (none when a refresh is a minute or longer).
 */
export function tierSizes(length: number, intervalMs: number): TierSizes {
  if (intervalMs >= AVERAGE_STEP_MS) return { fullResolution: length, rawCapacity: length, buckets: 0 };
  const fullResolution = Math.min(length, Math.ceil(FULL_RESOLUTION_MS / intervalMs));
  const older = length - fullResolution;
  if (older === 0) return { fullResolution, rawCapacity: length, buckets: 0 };
  return {
    fullResolution,
    rawCapacity: fullResolution + Math.ceil(AVERAGE_STEP_MS / intervalMs) + 2,
    buckets: Math.ceil((older * intervalMs) / AVERAGE_STEP_MS) + 1,
  };
}

/** The key of a zone in {@link HistoryPoint.zones}: zone name and sysfs path. */
export function zoneKey(zone: string, path: string): string {
  return `${zone}\t${path}`;
}

function splitZoneKey(key: string): { zone: string; path: string } {
  const i = key.indexOf('\t');
  return { zone: key.slice(0, i), path: key.slice(i + 1) };
}

/** The top `n` workloads by watts (ties by id). */
function topByWatts(items: readonly WorkloadView[], n: number): WorkloadView[] {
  return [...items].sort((a, b) => b.watts - a.watts || a.id.localeCompare(b.id)).slice(0, n);
}

/** The top `n` workloads by watts of each level present. */
function topWorkloads(workloads: Partial<Record<WorkloadLevel, readonly WorkloadView[]>>, n: number): Partial<Record<WorkloadLevel, WorkloadView[]>> {
  const tops: Partial<Record<WorkloadLevel, WorkloadView[]>> = {};
  for (const level of DASHBOARD_LEVELS) {
    const items = workloads[level];
    if (items) tops[level] = topByWatts(items, n);
  }
  return tops;
}

/** The point of one refresh, given each level's top workloads. */
function pointOf(node: NodeView, tops: Partial<Record<WorkloadLevel, readonly WorkloadView[]>>): HistoryPoint {
  const zones: Record<string, number> = {};
  for (const z of node.zones) zones[zoneKey(z.zone, z.path)] = z.watts;
  const byLevel: Partial<Record<WorkloadLevel, Record<string, number>>> = {};
  for (const level of DASHBOARD_LEVELS) {
    const top = tops[level];
    if (top) byLevel[level] = Object.fromEntries(top.map((w) => [w.id, w.watts]));
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

/** Builds the point recorded for one refresh; keeps only the `topPerLevel` workloads by watts per level. */
export function toHistoryPoint(
  node: NodeView,
  workloads: Partial<Record<WorkloadLevel, readonly WorkloadView[]>>,
  topPerLevel: number,
): HistoryPoint {
  return pointOf(node, topWorkloads(workloads, topPerLevel));
}

/** Indices `i` (shifted by `offset`) where `flag(i)` holds. */
function indicesWhere(n: number, offset: number, flag: (i: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (flag(i)) out.push(offset + i);
  return out;
}

/** Bounded in-memory history of node and workload power for the dashboard's charts. */
export class ChartHistory {
  /** Full-resolution refreshes; workloads as catalog slots (a level's slot list is shared with the previous point when the set is the same). */
  private readonly raw: RingBuffer<TierPoint>;
  private readonly tier: AveragedTier | undefined;
  private readonly sizes: TierSizes;
  private newest: HistoryPoint | undefined;
  private readonly topPerLevel: number;
  private readonly intervalMs: number;
  private readonly catalogs = new Map<WorkloadLevel, WorkloadCatalog>(DASHBOARD_LEVELS.map((l) => [l, new WorkloadCatalog()]));

  constructor(opts: ChartHistoryOptions) {
    this.topPerLevel = opts.topPerLevel;
    this.intervalMs = opts.intervalMs;
    this.sizes = tierSizes(opts.length, opts.intervalMs);
    this.raw = new RingBuffer<TierPoint>(this.sizes.rawCapacity);
    this.tier =
      this.sizes.buckets > 0
        ? new AveragedTier({ capacity: this.sizes.buckets, stepMs: AVERAGE_STEP_MS, topPerLevel: opts.topPerLevel, catalogs: this.catalogs })
        : undefined;
  }

  /** Points held: full-resolution refreshes plus averaged buckets. */
  get length(): number {
    return this.raw.length + (this.tier?.length ?? 0);
  }

  /**
   * What the history holds, for tests and benchmarks: points per tier, the typed arrays' bytes
   * and the workloads interned (held, and slots allocated).
   */
  stats(): {
    fullResolutionPoints: number;
    averagedBuckets: number;
    bucketCapacity: number;
    columnBytes: number;
    workloads: number;
    workloadSlots: number;
  } {
    let workloads = 0;
    let workloadSlots = 0;
    for (const c of this.catalogs.values()) (workloads += c.size), (workloadSlots += c.capacity);
    return {
      fullResolutionPoints: this.raw.length,
      averagedBuckets: this.tier?.length ?? 0,
      bucketCapacity: this.sizes.buckets,
      columnBytes: this.tier?.columnBytes ?? 0,
      workloads,
      workloadSlots,
    };
  }

  /** Records one refresh and returns the point recorded. */
  record(node: NodeView, workloads: Partial<Record<WorkloadLevel, readonly WorkloadView[]>>): HistoryPoint {
    // each level's top is sorted once, for the point returned and for the point stored
    const tops = topWorkloads(workloads, this.topPerLevel);
    const point = pointOf(node, tops);
    const previous = this.raw.last();
    const dtMs = node.intervalSeconds > 0 ? node.intervalSeconds * 1000 : this.intervalMs;
    const afterGap = previous !== undefined && point.t - dtMs - previous.t > dtMs / 2;
    const stored: TierPoint = { ...point, dtMs, afterGap, workloads: {} };
    for (const level of DASHBOARD_LEVELS) {
      const top = tops[level];
      if (!top) continue;
      const catalog = this.catalogs.get(level)!;
      const slots = top.map((w) => catalog.acquire(captionOf(w), point.t, w.watts));
      const prev = previous?.workloads[level]?.slots;
      const same = prev !== undefined && prev.length === slots.length && slots.every((s) => prev.includes(s));
      const wattsBySlot = new Map(slots.map((s, k) => [s, top[k].watts]));
      stored.workloads[level] = same ? { slots: prev, watts: prev.map((s) => wattsBySlot.get(s)!) } : { slots, watts: top.map((w) => w.watts) };
    }
    if (this.raw.length === this.raw.capacity) this.foldOldestMinute(true);
    const evicted = this.raw.push(stored);
    if (evicted) this.release(evicted);
    while (this.tier && this.raw.length > this.sizes.fullResolution && this.foldOldestMinute(false));
    this.newest = point;
    return point;
  }

  /**
   * Moves the oldest minute of full-resolution refreshes into the averaged tier, when the rest
   * still covers the full-resolution span (or when `force`d: the ring is full). Returns whether it moved any.
   */
  private foldOldestMinute(force: boolean): boolean {
    const tier = this.tier;
    if (!tier) return false;
    const minute = tier.bucketOf(this.raw.at(0)!.t);
    let n = 0;
    while (n < this.raw.length && tier.bucketOf(this.raw.at(n)!.t) === minute) n++;
    if (!force && (n === this.raw.length || this.raw.length - n < this.sizes.fullResolution)) return false;
    const moved = Array.from({ length: n }, () => this.raw.shift()!);
    tier.add(moved);
    for (const p of moved) this.release(p);
    return true;
  }

  private release(p: TierPoint): void {
    for (const level of DASHBOARD_LEVELS) {
      const w = p.workloads[level];
      if (!w) continue;
      const catalog = this.catalogs.get(level)!;
      for (const slot of w.slots) catalog.release(slot);
    }
  }

  /** The newest point, if any. */
  latest(): HistoryPoint | undefined {
    return this.newest;
  }

  /** Segments and gaps of the history: `averaged` buckets first, then the full-resolution points. */
  private layout(cols: TierColumns | undefined, pts: TierPoint[]): { segments: HistorySegment[]; gaps: number[] } {
    const nb = cols?.t.length ?? 0;
    const segments: HistorySegment[] = [];
    if (nb > 0) segments.push({ start: 0, end: nb, stepMs: AVERAGE_STEP_MS, averaged: true });
    if (pts.length > 0) segments.push({ start: nb, end: nb + pts.length, stepMs: this.intervalMs, averaged: false });
    return { segments, gaps: [...(cols?.gaps ?? []), ...indicesWhere(pts.length, nb, (i) => pts[i].afterGap)] };
  }

  /** Node series as columns. */
  node(): NodeHistory {
    const cols = this.tier?.columns();
    const pts = this.raw.toArray();
    const nb = cols?.t.length ?? 0;
    const keys = [...(cols?.zones.keys() ?? [])];
    const seen = new Set(keys);
    for (const p of pts) for (const k of Object.keys(p.zones)) if (!seen.has(k)) seen.add(k), keys.push(k);
    const column = <K extends Exclude<keyof NodeReadings, 'zones'>>(k: K): TierPoint[K][] => [
      ...((cols?.[k] ?? []) as TierPoint[K][]),
      ...pts.map((p) => p[k]),
    ];
    return {
      timestamps: [...(cols?.t ?? []), ...pts.map((p) => p.t)],
      watts: column('watts'),
      activeWatts: column('activeWatts'),
      idleWatts: column('idleWatts'),
      busyRatio: column('busyRatio'),
      platformWatts: column('platformWatts'),
      platformPartial: cols?.platformPartial ?? [],
      zones: keys.map((k) => {
        const z = cols?.zones.get(k);
        return {
          ...splitZoneKey(k),
          watts: [...(z?.watts ?? new Array<null>(nb).fill(null)), ...pts.map((p) => p.zones[k] ?? null)],
          partial: z?.partial ?? [],
        };
      }),
      ...this.layout(cols, pts),
    };
  }

  /**
   * Series of the workloads of `level` in the retained history (or only `id`): the most recently seen
   * first, then the largest watts when last seen; at most `limit` series (default twice the workloads
   * recorded per refresh), so the answer stays small however many workloads came and went.
   */
  workloads(level: WorkloadLevel, id?: string, limit = 2 * this.topPerLevel): WorkloadHistory {
    const catalog = this.catalogs.get(level)!;
    const cols = this.tier?.columns();
    const pts = this.raw.toArray();
    const nb = cols?.t.length ?? 0;
    const n = nb + pts.length;
    let chosen: number[];
    if (id === undefined) chosen = catalog.recent(limit);
    else {
      const slot = catalog.slotOf(id);
      chosen = slot === undefined ? [] : [slot];
    }
    const index = new Map(chosen.map((slot, row) => [slot, row]));
    const watts = chosen.map(() => new Array<number | null>(n).fill(null));
    const partial = chosen.map((): number[] => []);
    this.tier?.fillWorkloads(level, index, watts, partial);
    pts.forEach((p, i) => {
      const w = p.workloads[level];
      if (!w) return;
      for (let k = 0; k < w.slots.length; k++) {
        const row = index.get(w.slots[k]);
        if (row !== undefined) watts[row][nb + i] = w.watts[k];
      }
    });
    return {
      level,
      timestamps: [...(cols?.t ?? []), ...pts.map((p) => p.t)],
      series: chosen.map((slot, row) => ({ ...catalog.caption(slot), watts: watts[row], partial: partial[row] })),
      ...this.layout(cols, pts),
    };
  }

  /** True when `id` of `level` is in the retained history. */
  hasWorkload(level: WorkloadLevel, id: string): boolean {
    return this.catalogs.get(level)!.slotOf(id) !== undefined;
  }
}
