/**
 * @module dashboard/averaged-tier
 * The older part of the chart history: one bucket per `stepMs` of wall-clock time (buckets start at
 * multiples of `stepMs` since the epoch), in a ring of `capacity` buckets held in typed arrays
 * (columns), so a day of history takes a few MiB whatever its number of points.
 *
 * A bucket's value of a series is the time-weighted mean of the refreshes that fall in it (each
 * refresh weighted by the length of the interval its watts are averaged over), so the energy of
 * the bucket is kept: mean × covered time = the sum of the refreshes' energies. A series that had
 * no value at some of the bucket's refreshes (a zone without a reading, a workload outside the top)
 * gets the mean of the refreshes where it had one, and the bucket is marked partial for that
 * series; a bucket with time that no refresh covers is marked as a gap. Nothing is interpolated:
 * a bucket no refresh fell into does not exist.
 *
 * Each bucket keeps the `topPerLevel` workloads of each level with the most energy in it (as
 * interned slots of a {@link WorkloadCatalog}). The newest bucket stays open while refreshes of its
 * time arrive and is rewritten from its running sums at each one.
 */
import type { WorkloadLevel } from '../core/contracts.js';
import type { WorkloadCatalog } from './workload-catalog.js';

/** The node's readings of one refresh, as both tiers of the history record them. */
export interface NodeReadings {
  watts: number;
  activeWatts: number;
  idleWatts: number;
  busyRatio: number;
  platformWatts: number | null;
  /** Watts per zone, keyed by the history's zone key. */
  zones: Record<string, number>;
}

/** A refresh as folded into a bucket. */
export interface TierPoint extends NodeReadings {
  /** ms since epoch. */
  t: number;
  /** Length of the interval its watts are averaged over (ms): its weight. */
  dtMs: number;
  /** True when time before this refresh's interval was not recorded (missed refreshes). */
  afterGap: boolean;
  /** Workloads per level as catalog slots with their watts (parallel arrays). */
  workloads: Partial<Record<WorkloadLevel, { slots: readonly number[]; watts: readonly number[] }>>;
}

/** Options of {@link AveragedTier}. */
export interface AveragedTierOptions {
  /** Buckets kept. */
  capacity: number;
  /** Bucket width (ms). */
  stepMs: number;
  /** Workloads kept per level and bucket. */
  topPerLevel: number;
  /** The catalogs the workload slots belong to, per level. */
  catalogs: ReadonlyMap<WorkloadLevel, WorkloadCatalog>;
}

/** Running sums of a series over the open bucket: Σ watts × dt and Σ dt of the refreshes with a value. */
interface Sum {
  energy: number;
  dt: number;
}

/** The open (newest) bucket's running sums. */
interface OpenBucket {
  start: number;
  dt: number;
  watts: number;
  active: number;
  idle: number;
  busy: number;
  platform: Sum;
  gap: boolean;
  zones: Map<string, Sum>;
  /** Per level: slot → sums; the open bucket holds one catalog reference per slot here. */
  workloads: Map<WorkloadLevel, Map<number, Sum>>;
}

/** One zone's column: mean watts (NaN: no value) and partial marks. */
interface ZoneColumn {
  watts: Float64Array;
  partial: Uint8Array;
}

/** One level's columns: `topPerLevel` cells per bucket (slot -1: empty cell). */
interface LevelColumns {
  slots: Int32Array;
  watts: Float64Array;
  partial: Uint8Array;
}

/** The node's readings other than zones as columns, one entry per point. */
export interface NodeReadingColumns {
  watts: number[];
  activeWatts: number[];
  idleWatts: number[];
  busyRatio: number[];
  platformWatts: (number | null)[];
  /** Averaged points where the platform meter had no reading at some of the bucket's refreshes. */
  platformPartial: number[];
}

/** The columns of the buckets held, oldest first. */
export interface TierColumns extends NodeReadingColumns {
  /** Bucket starts (ms since epoch). */
  t: number[];
  /** Indices of buckets with time that no refresh covers. */
  gaps: number[];
  /** Zones with a value in some bucket held. */
  zones: Map<string, { watts: (number | null)[]; partial: number[] }>;
}

const add = (s: Sum, watts: number, dt: number): void => {
  s.energy += watts * dt;
  s.dt += dt;
};
const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const mean = (s: Sum): number => (s.dt > 0 ? s.energy / s.dt : Number.NaN);

/** A ring of time buckets of averaged history in typed arrays. */
export class AveragedTier {
  readonly capacity: number;
  readonly stepMs: number;
  private readonly top: number;
  private readonly catalogs: ReadonlyMap<WorkloadLevel, WorkloadCatalog>;
  private readonly t: Float64Array;
  private readonly watts: Float64Array;
  private readonly active: Float64Array;
  private readonly idle: Float64Array;
  private readonly busy: Float64Array;
  private readonly platform: Float64Array;
  private readonly platformPartial: Uint8Array;
  private readonly gap: Uint8Array;
  private readonly zoneColumns = new Map<string, ZoneColumn>();
  private readonly levels = new Map<WorkloadLevel, LevelColumns>();
  private head = 0;
  private count = 0;
  private open: OpenBucket | undefined;

  constructor(opts: AveragedTierOptions) {
    if (!Number.isInteger(opts.capacity) || opts.capacity < 1)
      throw new RangeError(`averaged tier capacity must be an integer >= 1, got ${opts.capacity}`);
    this.capacity = opts.capacity;
    this.stepMs = opts.stepMs;
    this.top = opts.topPerLevel;
    this.catalogs = opts.catalogs;
    const n = opts.capacity;
    this.t = new Float64Array(n);
    this.watts = new Float64Array(n);
    this.active = new Float64Array(n);
    this.idle = new Float64Array(n);
    this.busy = new Float64Array(n);
    this.platform = new Float64Array(n);
    this.platformPartial = new Uint8Array(n);
    this.gap = new Uint8Array(n);
    for (const level of opts.catalogs.keys()) {
      this.levels.set(level, {
        slots: new Int32Array(n * this.top).fill(-1),
        watts: new Float64Array(n * this.top),
        partial: new Uint8Array(n * this.top),
      });
    }
  }

  /** Buckets held. */
  get length(): number {
    return this.count;
  }

  /** Bytes held by the typed-array columns (bucket, zone and workload columns). */
  get columnBytes(): number {
    let bytes = 0;
    for (const a of [this.t, this.watts, this.active, this.idle, this.busy, this.platform, this.platformPartial, this.gap]) bytes += a.byteLength;
    for (const z of this.zoneColumns.values()) bytes += z.watts.byteLength + z.partial.byteLength;
    for (const l of this.levels.values()) bytes += l.slots.byteLength + l.watts.byteLength + l.partial.byteLength;
    return bytes;
  }

  /** The start of the bucket holding time `t` (ms). */
  bucketOf(t: number): number {
    return Math.floor(t / this.stepMs) * this.stepMs;
  }

  /**
   * Folds refreshes (oldest first) into their buckets. One of an earlier bucket than the open one is
   * folded into the open one (a closed bucket is not reopened). Takes its own references on the
   * refreshes' workload slots.
   */
  add(points: readonly TierPoint[]): void {
    for (const p of points) {
      const start = this.bucketOf(p.t);
      if (this.open && start > this.open.start) this.write(this.open);
      if (!this.open || start > this.open.start) this.begin(start);
      this.sum(this.open!, p);
    }
    if (this.open) this.write(this.open);
  }

  /** Adds refresh `p` to the running sums of bucket `b`. */
  private sum(b: OpenBucket, p: TierPoint): void {
    const dt = p.dtMs;
    b.dt += dt;
    b.watts += p.watts * dt;
    b.active += p.activeWatts * dt;
    b.idle += p.idleWatts * dt;
    b.busy += p.busyRatio * dt;
    if (p.platformWatts !== null) add(b.platform, p.platformWatts, dt);
    b.gap ||= p.afterGap;
    for (const [key, w] of Object.entries(p.zones)) {
      let s = b.zones.get(key);
      if (!s) b.zones.set(key, (s = { energy: 0, dt: 0 }));
      add(s, w, dt);
    }
    for (const [level, sums] of b.workloads) {
      const w = p.workloads[level];
      if (!w) continue;
      for (let k = 0; k < w.slots.length; k++) {
        let s = sums.get(w.slots[k]);
        if (!s) {
          this.catalogs.get(level)!.retain(w.slots[k]);
          sums.set(w.slots[k], (s = { energy: 0, dt: 0 }));
        }
        add(s, w.watts[k], dt);
      }
    }
  }

  /** Closes the open bucket (releasing its references) and opens one at `start`, evicting the oldest when full. */
  private begin(start: number): void {
    if (this.open) for (const [level, sums] of this.open.workloads) for (const slot of sums.keys()) this.catalogs.get(level)!.release(slot);
    if (this.count === this.capacity) {
      this.clearCells(this.head);
      this.head = (this.head + 1) % this.capacity;
      this.count--;
    }
    this.count++;
    this.open = {
      start,
      dt: 0,
      watts: 0,
      active: 0,
      idle: 0,
      busy: 0,
      platform: { energy: 0, dt: 0 },
      gap: false,
      zones: new Map(),
      workloads: new Map([...this.levels.keys()].map((level) => [level, new Map<number, Sum>()])),
    };
  }

  /** Releases the workload references of bucket position `pos` and empties its cells. */
  private clearCells(pos: number): void {
    for (const [level, cols] of this.levels) {
      const catalog = this.catalogs.get(level)!;
      for (let c = pos * this.top; c < (pos + 1) * this.top; c++) {
        if (cols.slots[c] >= 0) catalog.release(cols.slots[c]);
        cols.slots[c] = -1;
      }
    }
  }

  /** Writes the open bucket's means into the newest position. */
  private write(b: OpenBucket): void {
    const pos = (this.head + this.count - 1) % this.capacity;
    this.t[pos] = b.start;
    this.watts[pos] = b.watts / b.dt;
    this.active[pos] = b.active / b.dt;
    this.idle[pos] = b.idle / b.dt;
    this.busy[pos] = b.busy / b.dt;
    this.platform[pos] = mean(b.platform);
    this.platformPartial[pos] = b.platform.dt > 0 && b.platform.dt < b.dt ? 1 : 0;
    this.gap[pos] = b.gap ? 1 : 0;
    for (const key of b.zones.keys()) {
      if (!this.zoneColumns.has(key)) {
        this.zoneColumns.set(key, { watts: new Float64Array(this.capacity).fill(Number.NaN), partial: new Uint8Array(this.capacity) });
      }
    }
    for (const [key, col] of this.zoneColumns) {
      const s = b.zones.get(key);
      col.watts[pos] = s ? mean(s) : Number.NaN;
      col.partial[pos] = s && s.dt < b.dt ? 1 : 0;
    }
    this.clearCells(pos);
    for (const [level, sums] of b.workloads) {
      const cols = this.levels.get(level)!;
      const catalog = this.catalogs.get(level)!;
      const top = [...sums]
        .sort(([sa, a], [sb, z]) => z.energy - a.energy || z.dt - a.dt || byId(catalog.caption(sa).id, catalog.caption(sb).id))
        .slice(0, this.top);
      top.forEach(([slot, s], k) => {
        const c = pos * this.top + k;
        catalog.retain(slot);
        cols.slots[c] = slot;
        cols.watts[c] = mean(s);
        cols.partial[c] = s.dt < b.dt ? 1 : 0;
      });
    }
  }

  /** The columns of the buckets held, oldest first (NaN as null). */
  columns(): TierColumns {
    const out: TierColumns = {
      t: [],
      watts: [],
      activeWatts: [],
      idleWatts: [],
      busyRatio: [],
      platformWatts: [],
      platformPartial: [],
      gaps: [],
      zones: new Map(),
    };
    const orNull = (v: number) => (Number.isNaN(v) ? null : v);
    for (let i = 0; i < this.count; i++) {
      const pos = (this.head + i) % this.capacity;
      out.t.push(this.t[pos]);
      out.watts.push(this.watts[pos]);
      out.activeWatts.push(this.active[pos]);
      out.idleWatts.push(this.idle[pos]);
      out.busyRatio.push(this.busy[pos]);
      out.platformWatts.push(orNull(this.platform[pos]));
      if (this.platformPartial[pos]) out.platformPartial.push(i);
      if (this.gap[pos]) out.gaps.push(i);
    }
    for (const [key, col] of this.zoneColumns) {
      const z = { watts: [] as (number | null)[], partial: [] as number[] };
      for (let i = 0; i < this.count; i++) {
        const pos = (this.head + i) % this.capacity;
        z.watts.push(orNull(col.watts[pos]));
        if (col.partial[pos]) z.partial.push(i);
      }
      if (z.watts.some((v) => v !== null)) out.zones.set(key, z);
    }
    return out;
  }

  /**
   * Fills `series[k]` (a row per wanted slot, `index`: slot → row) with the means of those workloads
   * of `level` in the buckets held, and pushes to `partial[k]` the buckets where the workload was
   * outside the top at some refreshes.
   */
  fillWorkloads(level: WorkloadLevel, index: ReadonlyMap<number, number>, series: (number | null)[][], partial: number[][]): void {
    const cols = this.levels.get(level)!;
    for (let i = 0; i < this.count; i++) {
      const pos = (this.head + i) % this.capacity;
      for (let c = pos * this.top; c < (pos + 1) * this.top && cols.slots[c] >= 0; c++) {
        const row = index.get(cols.slots[c]);
        if (row === undefined) continue;
        series[row][i] = cols.watts[c];
        if (cols.partial[c]) partial[row].push(i);
      }
    }
  }
}
