/**
 * @module dashboard/workload-catalog
 * The workloads of one level that the chart history refers to, interned: each workload id gets a
 * small integer slot, so history points and averaged buckets store numbers (in typed arrays) rather
 * than strings. A slot is reference-counted by the points and buckets that name it and freed (for
 * reuse) when none does, so the catalog holds only workloads still in the history however many
 * came and went.
 */
import type { WorkloadView } from '../core/contracts.js';

/** What the dashboard shows of a workload besides its numbers. */
export type WorkloadCaption = Pick<WorkloadView, 'id' | 'name' | 'namespace' | 'podName'>;

/** The caption of `w` (only the fields that are set). */
export function captionOf(w: WorkloadView): WorkloadCaption {
  return {
    id: w.id,
    name: w.name,
    ...(w.namespace ? { namespace: w.namespace } : {}),
    ...(w.podName ? { podName: w.podName } : {}),
  };
}

/** Interned workloads of one level with reference counts and their last sighting. */
export class WorkloadCatalog {
  private readonly slots = new Map<string, number>();
  private captions: (WorkloadCaption | undefined)[] = [];
  private refs: number[] = [];
  private lastT: number[] = [];
  private lastWatts: number[] = [];
  private readonly free: number[] = [];

  /** Workloads held. */
  get size(): number {
    return this.slots.size;
  }

  /** Slots allocated (held plus free for reuse): the catalog's arrays are this long. */
  get capacity(): number {
    return this.captions.length;
  }

  /**
   * Interns `caption` (updating its caption) seen at `t` with `watts`, takes one reference and
   * returns its slot.
   */
  acquire(caption: WorkloadCaption, t: number, watts: number): number {
    let slot = this.slots.get(caption.id);
    if (slot === undefined) {
      slot = this.free.pop() ?? this.captions.length;
      this.slots.set(caption.id, slot);
      this.refs[slot] = 0;
    }
    this.captions[slot] = caption;
    this.refs[slot]++;
    this.lastT[slot] = t;
    this.lastWatts[slot] = watts;
    return slot;
  }

  /** Takes one more reference on a held `slot`. */
  retain(slot: number): void {
    this.refs[slot]++;
  }

  /** Drops one reference on `slot`; frees it when none is left. */
  release(slot: number): void {
    if (--this.refs[slot] > 0) return;
    this.slots.delete(this.captions[slot]!.id);
    this.captions[slot] = undefined;
    this.free.push(slot);
  }

  /** The slot of workload `id`, if held. */
  slotOf(id: string): number | undefined {
    return this.slots.get(id);
  }

  /** The caption of a held `slot`. */
  caption(slot: number): WorkloadCaption {
    return this.captions[slot]!;
  }

  /**
   * Held slots, the most recently seen first, then the largest watts when last seen, then by id;
   * at most `limit`.
   */
  recent(limit: number): number[] {
    return [...this.slots.values()]
      .sort(
        (a, b) => this.lastT[b] - this.lastT[a] || this.lastWatts[b] - this.lastWatts[a] || this.captions[a]!.id.localeCompare(this.captions[b]!.id),
      )
      .slice(0, limit);
  }
}
